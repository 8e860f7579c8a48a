import { describe, expect, it } from 'vitest';
import { missingNodeFlags, SERVER_NODE_FLAGS } from '../../src/node-flags.js';

describe('missingNodeFlags', () => {
  it('names every flag when node got none', () => {
    expect(missingNodeFlags([], '')).toEqual([...SERVER_NODE_FLAGS]);
    expect(SERVER_NODE_FLAGS).toContain('--v8-pool-size=0');
  });
  it('takes them from the command line', () => {
    expect(missingNodeFlags(['--enable-source-maps', ...SERVER_NODE_FLAGS], '')).toEqual([]);
  });
  it('takes them from NODE_OPTIONS', () => {
    expect(missingNodeFlags([], ` --max-old-space-size=512  ${SERVER_NODE_FLAGS.join(' ')} `)).toEqual([]);
  });
  it('does not take another value of the same flag', () => {
    expect(missingNodeFlags(['--v8-pool-size=4'], '--v8-pool-size=2')).toEqual(['--v8-pool-size=0']);
  });
});
