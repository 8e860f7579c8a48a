/**
 * Taking over a hand-written gateway, for real (issue #14): the brief's
 * `table ip my_nat` in the lab gateway, real FTP (passive and active) and
 * plain TCP through it; import, adopt with retirement and apply: the foreign
 * table goes in the same nft transaction that loads ours, and the traffic
 * behaves the same. An unconfirmed takeover rolls back by itself (by the
 * timer, and across a server restart): the old table comes back
 * byte-identical and so does the traffic. And the other way: a table not
 * retired stays, and its passive-only rule keeps blocking active FTP after
 * Gatehouse turned passive-only off, until it is retired.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLab, ftpFetch, LAB_BANNER, type Lab, tcpBanner } from '@gatehouse/lab';
import { createRunner, type Runner } from '@gatehouse/rules';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectApi, type Json } from './api-call.js';
import { ADMIN_PASSWORD, login, makeApp, type Session, type TestApp, tempDir, waitFor } from './helpers.js';

const BRIEF_FINAL = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'packages',
  'rules',
  'test',
  'fixtures',
  'brief-final.nft',
);
/** The brief's passive-only policy, written by hand into the old table (what the trap is made of). */
const PASSIVE_ONLY_CHAIN = `
table ip my_nat {
    chain my_forward {
        type filter hook forward priority 0; policy accept;
        ct state established accept
        ct state related ct helper "ftp" iifname "eth0" oifname "eth1" tcp sport 1024-65535 accept
        ct state related ct helper "ftp" drop
        ct state related accept
    }
}
`;

let lab: Lab;
let brief: string;
/** Every script given to `nft -f` (in order), to see what went in one transaction. */
const loaded: string[] = [];

function recordingRunner(netns: string): Runner {
  const real = createRunner({ netns });
  return {
    netns,
    run(command, args, opts) {
      if (command === 'nft' && args.includes('-f') && !args.includes('-c')) loaded.push(opts?.input ?? '');
      return real.run(command, args, opts);
    },
    stream: (command, args, handlers) => real.stream(command, args, handlers),
  };
}

const nft = async (args: string[], input?: string) =>
  (await lab.exec('gateway', 'nft', args, input === undefined ? {} : { input })).stdout;
const tables = async () => (await nft(['list', 'tables'])).split('\n').filter(Boolean);

/** The kernel holds only the foreign table (and no Gatehouse table). */
async function foreignOnly(extra = '') {
  for (const t of await tables()) await nft(['delete', 'table', ...t.replace(/^table /, '').split(' ')]);
  await nft(['-f', '-'], brief + extra);
}

interface Traffic {
  passive: boolean;
  active: boolean;
  ssh: string;
  gateway: string;
}

/** FTP on 21 (passive, active) and plain TCP: 22 forwarded to the server, 2222 to the gateway's own 22. */
async function traffic(): Promise<Traffic> {
  const passive = await ftpFetch(lab, { mode: 'passive', path: 'hello.txt', timeoutSec: 4 });
  const active = await ftpFetch(lab, { mode: 'active', path: 'hello.txt', timeoutSec: 4 });
  const ssh = await tcpBanner(lab, { port: 22 });
  const gateway = await tcpBanner(lab, { port: 2222 });
  return { passive: passive.ok, active: active.ok, ssh: ssh.banner, gateway: gateway.banner };
}

const BEFORE: Traffic = { passive: true, active: true, ssh: LAB_BANNER.server, gateway: LAB_BANNER.gateway };

class Panel {
  constructor(
    readonly t: TestApp,
    readonly s: Session,
  ) {}

  static async open(stateDir?: string): Promise<Panel> {
    const t = await makeApp(lab.ns.gateway, stateDir ? { stateDir } : {}, recordingRunner(lab.ns.gateway));
    return new Panel(t, await login(t.app, 'admin', ADMIN_PASSWORD));
  }

  call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown, headers = {}) {
    return injectApi(this.t.app, method, url, { ...this.s.headers, ...headers }, payload);
  }

  async proposal() {
    const r = await this.call('GET', '/import/proposal');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r;
  }

  /** Adopts the live proposal (or `model`), retiring `retire`. */
  async adopt(retire: Array<{ family: string; name: string }>, model?: unknown) {
    const p = await this.proposal();
    return this.call('POST', '/import/adopt', { retire, ...(model ? { model } : {}) }, { 'if-match': p.etag });
  }
}

beforeAll(async () => {
  lab = await createLab({ ftpPorts: [21] });
  brief = await readFile(BRIEF_FINAL, 'utf8');
}, 60_000);

afterAll(async () => {
  await lab?.destroy();
});

describe('taking over the brief’s hand-written gateway', () => {
  let panel: Panel;
  beforeAll(async () => {
    await foreignOnly();
    panel = await Panel.open();
  });
  afterAll(async () => panel?.t.close());

  it('the foreign table carries FTP (passive and active) and plain TCP before anything', async () => {
    expect(await tables()).toEqual(['table ip my_nat']);
    expect(await traffic()).toEqual(BEFORE);
  });

  it('previews the takeover: the table read, retirable, the interfaces live', async () => {
    const { body: p } = await panel.proposal();
    expect(p.valid).toBe(true);
    expect(p.tables).toEqual([expect.objectContaining({ family: 'ip', name: 'my_nat', retirable: true })]);
    expect(p.interfaces).toEqual([
      { name: 'eth0', role: 'wan', live: true },
      { name: 'eth1', role: 'lan', live: true },
    ]);
    expect(p.summary).toMatchObject({ forwards: 1, gatewayForwards: 1, helperPorts: [21], differences: 0 });
    // The importer's equivalence report: the helper port and the forwards' edges, each the same both ways.
    expect(p.equivalence).toContainEqual(expect.objectContaining({ port: '21', kind: 'helper port', differs: false }));
    expect(p.equivalence.filter((r: Json) => r.differs)).toEqual([]);
    expect(p.noteList).toContainEqual(expect.objectContaining({ group: 'carried', code: 'forward.carried' }));
    expect(p.pendingTakeover).toEqual([]);
  });

  it('refuses to retire our own table, a table it did not read, one that is gone, and one nft cannot load back', async () => {
    await nft(['add', 'table', 'bridge', 'not_read']);
    try {
      const own = await panel.adopt([{ family: 'ip', name: 'gatehouse' }]);
      expect(own.status).toBe(400);
      expect(own.body).toMatchObject({ error: 'import_own_table', problems: [{ path: 'body.retire.0' }] });
      const notRead = await panel.adopt([{ family: 'bridge', name: 'not_read' }]);
      expect(notRead.status).toBe(400);
      expect(notRead.body).toMatchObject({ error: 'import_table_not_read', params: { table: 'bridge not_read' } });
      const gone = await panel.adopt([{ family: 'ip', name: 'ghost' }]);
      expect(gone.status).toBe(409);
      expect(gone.body.error).toBe('import_table_gone');
      // iptables-nft's CT target prints as `xt target CT`, which nft cannot load back: not offered, refused.
      await lab.exec('gateway', 'iptables-nft', [
        '-t',
        'raw',
        '-A',
        'PREROUTING',
        '-p',
        'tcp',
        '--dport',
        '2121',
        '-j',
        'CT',
        '--helper',
        'ftp',
      ]);
      const { body: p } = await panel.proposal();
      expect(p.tables).toContainEqual(
        expect.objectContaining({ family: 'ip', name: 'raw', retirable: false, reason: 'import_table_not_restorable' }),
      );
      const raw = await panel.adopt([{ family: 'ip', name: 'raw' }]);
      expect(raw.status).toBe(409);
      expect(raw.body).toMatchObject({ error: 'import_table_not_restorable', params: { table: 'ip raw' } });
      // Nothing of it was kept: no takeover pending, the kernel untouched.
      expect((await panel.call('GET', '/import/takeover')).body.pending).toEqual([]);
      expect(loaded).toEqual([]);
    } finally {
      await nft(['delete', 'table', 'bridge', 'not_read']);
      if ((await tables()).includes('table ip raw')) await nft(['delete', 'table', 'ip', 'raw']);
    }
  });

  it('adopts with retirement and applies: our table and the deletion in one transaction, traffic the same', async () => {
    const adopted = await panel.adopt([{ family: 'ip', name: 'my_nat' }]);
    expect(adopted.status, JSON.stringify(adopted.body)).toBe(200);
    expect(adopted.body.retire).toEqual([{ family: 'ip', name: 'my_nat' }]);
    expect((await panel.call('GET', '/import/takeover')).body.pending).toMatchObject([
      { family: 'ip', name: 'my_nat' },
    ]);
    expect(await tables()).toEqual(['table ip my_nat']); // adopting applies nothing

    const applied = await panel.call('POST', '/apply', { confirmWithinSeconds: 60 });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    // One nft -f for the whole takeover: our table defined first, then the old one deleted.
    expect(loaded).toHaveLength(1);
    const script = loaded[0] as string;
    const ours = script.indexOf('table ip gatehouse {');
    const retired = script.indexOf('delete table ip my_nat');
    expect(ours).toBeGreaterThanOrEqual(0);
    expect(retired).toBeGreaterThan(ours);
    expect(await tables()).toEqual(['table ip gatehouse']);
    expect((await panel.call('GET', '/import/takeover')).body.pending).toEqual([]);

    expect(await traffic()).toEqual(BEFORE);
    const confirmed = await panel.call('POST', '/apply/confirm', {});
    expect(confirmed.status).toBe(200);
    expect(await tables()).toEqual(['table ip gatehouse']);
  }, 60_000);
});

describe('an unconfirmed takeover', () => {
  it('rolls back by itself: the old table byte-identical in the transaction that removes ours, traffic as before', async () => {
    await foreignOnly();
    const original = await nft(['list', 'table', 'ip', 'my_nat']);
    const panel = await Panel.open();
    try {
      expect((await panel.adopt([{ family: 'ip', name: 'my_nat' }])).status).toBe(200);
      loaded.length = 0;
      const applied = await panel.call('POST', '/apply', { confirmWithinSeconds: 5 });
      expect(applied.status, JSON.stringify(applied.body)).toBe(200);
      expect(await tables()).toEqual(['table ip gatehouse']);
      // No confirmation: at the deadline our table goes and the old one comes back, in one script.
      await waitFor('the automatic rollback', async () => (await tables()).join() === 'table ip my_nat', 15_000, 200);
      expect(loaded).toHaveLength(2);
      expect(loaded[1]).toMatch(/delete table ip gatehouse[\s\S]*table ip my_nat \{/);
      expect(await nft(['list', 'table', 'ip', 'my_nat'])).toBe(original);
      expect(await traffic()).toEqual(BEFORE);
      // The desired model keeps the adopted proposal, so its takeover is pending again.
      expect((await panel.call('GET', '/import/takeover')).body.pending).toMatchObject([{ name: 'my_nat' }]);
      const history = await panel.call('GET', '/revisions');
      expect(JSON.stringify(history.body)).toContain('rolled-back');
    } finally {
      await panel.t.close();
    }
  }, 60_000);

  it('rolls back after a server restart inside the confirm window, from what the store kept', async () => {
    await foreignOnly();
    const original = await nft(['list', 'table', 'ip', 'my_nat']);
    const state = tempDir();
    try {
      const first = await Panel.open(state.path);
      expect((await first.adopt([{ family: 'ip', name: 'my_nat' }])).status).toBe(200);
      expect((await first.call('POST', '/apply', { confirmWithinSeconds: 5 })).status).toBe(200);
      await first.t.app.close(); // the server goes away; the state directory stays
      first.t.state.remove();
      expect(await tables()).toEqual(['table ip gatehouse']);
      await new Promise((r) => setTimeout(r, 5500));
      const second = await Panel.open(state.path); // recover() at start: the deadline has passed
      try {
        expect(await tables()).toEqual(['table ip my_nat']);
        expect(await nft(['list', 'table', 'ip', 'my_nat'])).toBe(original);
        expect(await traffic()).toEqual(BEFORE);
      } finally {
        await second.t.app.close();
        second.t.state.remove();
      }
    } finally {
      state.remove();
    }
  }, 60_000);
});

describe('without retirement', () => {
  it('the old table stays: its passive-only rule blocks active FTP after Gatehouse turned passive-only off, until retired', async () => {
    await foreignOnly(PASSIVE_ONLY_CHAIN);
    expect((await traffic()).active).toBe(false); // the old table's passive-only policy
    const panel = await Panel.open();
    try {
      const { body: p } = await panel.proposal();
      expect(p.model.ftp).toMatchObject({ enabled: true, passiveOnly: true });
      // The operator adopts it without retiring, and turns passive-only off in Gatehouse.
      const model = { ...p.model, ftp: { ...p.model.ftp, passiveOnly: false } };
      expect((await panel.adopt([], model)).status).toBe(200);
      expect((await panel.call('POST', '/apply', {})).status).toBe(200);
      expect(await tables()).toEqual(['table ip my_nat', 'table ip gatehouse']);
      const both = await traffic();
      expect(both.passive).toBe(true);
      expect(both.active).toBe(false); // the trap: the table nobody retired still drops it

      // Discarding the pending changes discards a pending takeover too.
      expect((await panel.adopt([{ family: 'ip', name: 'my_nat' }], model)).status).toBe(200);
      const discarded = await panel.call('POST', '/pending/discard', {});
      expect(discarded.body, JSON.stringify(discarded.body)).toMatchObject({ changed: true });
      expect((await panel.call('GET', '/import/takeover')).body.pending).toEqual([]);

      // The other way: the same model, retiring the old table, and active FTP works.
      expect((await panel.adopt([{ family: 'ip', name: 'my_nat' }], model)).status).toBe(200);
      // The model is the applied one; the takeover alone is the change the Apply page shows.
      const preview = await panel.call('GET', '/preview');
      expect(preview.body.changed).toBe(true);
      expect(preview.body.diff).toMatch(/^\+delete table ip my_nat$/m);
      expect((await panel.call('POST', '/apply', {})).status).toBe(200);
      expect(await tables()).toEqual(['table ip gatehouse']);
      expect(await traffic()).toEqual(BEFORE);
    } finally {
      await panel.t.close();
    }
  }, 60_000);
});
