/** Request and response schemas of the HTTP API, shared with the web app. */
export * from './auth.js';
export * from './common.js';
export * from './conntrack.js';
export * from './gateway.js';
export * from './import.js';
export * from './status.js';
