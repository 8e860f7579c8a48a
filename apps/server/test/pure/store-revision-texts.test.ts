/**
 * Revision texts written outside a transaction (an apply's model and script,
 * written while nft loads them) commit without waiting for the disk and are
 * flushed in the background; inside a caller's transaction they join it.
 * Either way they are read back, also after the store is opened again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

const applying = {
  parentId: null,
  author: 'admin',
  kind: 'apply' as const,
  status: 'applying' as const,
  baseline: null,
  delta: null,
  comment: '',
  restoredFrom: null,
};

describe('revision texts', () => {
  it('are kept whether written alone (unflushed, then flushed in the background) or in a transaction', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gh-texts-'));
    let store = new Store(dir);
    const model = JSON.stringify({ forwards: Array.from({ length: 2000 }, (_, i) => ({ id: `f${i}` })) });
    const a = store.revisions.insert(applying, { flush: false });
    store.revisions.update(a.id, { model, script: 'table ip gatehouse\n' });
    const b = store.revisions.insert(applying, { flush: false });
    store.tx(() => {
      store.revisions.update(b.id, { model: '{}', status: 'confirmed' });
      store.revisions.update(a.id, { status: 'superseded', script: '' });
    });
    await new Promise((r) => setTimeout(r, 50)); // the background flush
    store.close();
    store = new Store(dir);
    expect(store.revisions.text(a.id, 'model')).toBe(model);
    expect(store.revisions.text(a.id, 'script')).toBe('');
    expect(store.revisions.summary(a.id)?.status).toBe('superseded');
    expect(store.revisions.text(b.id, 'model')).toBe('{}');
    expect(store.revisions.summary(b.id)?.status).toBe('confirmed');
    store.close();
  });
});
