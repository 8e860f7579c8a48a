export * from './conntrackd.js';
export * from './context.js';
export * from './keepalived.js';
export * from './notify.js';
export * from './schema.js';
export * from './semantics.js';
