/** Pure parts: configuration loading, lockout protection, event batching. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { EventHub, type HubMessage } from '../src/services/events.js';
import { Store } from '../src/store/store.js';

describe('loadConfig', () => {
  it('has safe defaults: loopback, not the public side', () => {
    const c = loadConfig({}, []);
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(c.stateDir).toBe('/var/lib/gatehouse');
  });

  it('reads the environment and lets flags override it', () => {
    const c = loadConfig({ GATEHOUSE_LISTEN: '0.0.0.0:9000', GATEHOUSE_NETNS: 'gw', GATEHOUSE_CONNTRACK: 'off' }, [
      '--listen',
      '[::1]:9100',
    ]);
    expect(c.listen).toEqual({ host: '::1', port: 9100 });
    expect(c.netns).toBe('gw');
    expect(c.conntrack).toBe(false);
  });

  it('lists every bad value at once', () => {
    try {
      loadConfig({ GATEHOUSE_LISTEN: 'nowhere', GATEHOUSE_ADMIN_PASSWORD: 'short', GATEHOUSE_CONNTRACK: 'maybe' }, [
        '--bogus',
        'x',
      ]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/GATEHOUSE_LISTEN/);
      expect(problems).toMatch(/GATEHOUSE_ADMIN_PASSWORD/);
      expect(problems).toMatch(/GATEHOUSE_CONNTRACK/);
      expect(problems).toMatch(/--bogus/);
      expect((err as ConfigError).problems).toHaveLength(4);
    }
  });
});

describe('EventHub', () => {
  it('batches flow events and collapses updates of one flow', async () => {
    const hub = new EventHub({ batchMs: 20 });
    const got: HubMessage[] = [];
    hub.subscribe((m) => got.push(m));
    const row = (id: string, state: string) => ({ id, state }) as never;
    hub.flow('new', row('1', 'SYN_SENT'));
    hub.flow('update', row('1', 'ESTABLISHED'));
    hub.flow('update', row('2', 'ESTABLISHED'));
    hub.flow('update', row('2', 'FIN_WAIT'));
    hub.flow('destroy', row('1', 'CLOSE'));
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(1);
    expect(got[0]?.event).toBe('flows');
    expect(((got[0] as HubMessage).data as { events: unknown[] }).events).toEqual([
      { type: 'new', row: { id: '1', state: 'ESTABLISHED' } },
      { type: 'update', row: { id: '2', state: 'FIN_WAIT' } },
      { type: 'destroy', row: { id: '1', state: 'CLOSE' } },
    ]);
    hub.close();
  });

  it('replaces an overflowing batch with a resync message', async () => {
    const hub = new EventHub({ batchMs: 20, maxBatch: 10 });
    const got: HubMessage[] = [];
    hub.subscribe((m) => got.push(m));
    for (let i = 0; i < 25; i++) hub.flow('new', { id: String(i) } as never);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toEqual([{ event: 'resync', data: expect.objectContaining({ reason: 'overflow', dropped: 15 }) }]);
    hub.close();
  });
});

describe('Store revisions', () => {
  const base = {
    parentId: null,
    author: 'admin',
    kind: 'apply' as const,
    status: 'applying' as const,
    model: '{"big":true}',
    script: 'table ip t {}\n',
    diff: '',
    baseline: null,
    comment: '',
    restoredFrom: null,
    delta: null,
  };

  it('keeps model and script apart from the row a status change rewrites, and reads rows of older stores', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gh-store-'));
    try {
      const store = new Store(dir);
      const r = store.revisions.insert(base, { flush: false });
      store.revisions.update(r.id, { model: '{"big":2}' });
      store.revisions.update(r.id, { status: 'confirmed' });
      expect(store.revisions.full(r.id)).toMatchObject({
        status: 'confirmed',
        model: '{"big":2}',
        script: base.script,
      });
      expect(store.revisions.summary(r.id)).not.toHaveProperty('model');
      expect(store.revisions.withStatus('confirmed').map((x) => x.id)).toEqual([r.id]);
      // The status update wrote only the small row: the texts are not in it.
      const db = new Database(join(dir, 'gatehouse.db'), { readonly: true });
      const row = db.prepare('SELECT model, script FROM revisions WHERE id = ?').get(r.id);
      expect(row).toEqual({ model: '', script: '' });
      db.close();
      // A row written by an older version (texts inline) still reads whole.
      const raw = new Database(join(dir, 'gatehouse.db'));
      raw
        .prepare(
          `INSERT INTO revisions (author, created_at, kind, status, model, script, diff, comment) VALUES ('a', '2026-01-01', 'apply', 'confirmed', '{"old":1}', 'old script', '', '')`,
        )
        .run();
      const oldId = Number((raw.prepare('SELECT max(id) AS id FROM revisions').get() as { id: number }).id);
      raw.close();
      expect(store.revisions.full(oldId)).toMatchObject({ model: '{"old":1}', script: 'old script' });
      store.revisions.update(oldId, { script: 'new script' });
      expect(store.revisions.full(oldId)).toMatchObject({ model: '{"old":1}', script: 'new script' });
      store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
