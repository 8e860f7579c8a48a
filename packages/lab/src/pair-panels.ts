/**
 * Two real Gatehouse panels in the pair lab (issue #16), one per gateway
 * namespace, as on two real machines: each runs the built server (or a
 * wrapper of it: the demo's socket relay) with `node`, listens on
 * 0.0.0.0:8080 in its namespace, knows its own name (GATEHOUSE_HA_NODE
 * gw-a / gw-b), runs keepalived and conntrackd as its own children
 * (GATEHOUSE_HA_ENGINES=process) and accepts the bootstrap peer token
 * (GATEHOUSE_HA_PEER_TOKEN) until a pair revision carries one. The panels
 * reach each other over the sync link (http://10.9.0.1:8080,
 * http://10.9.0.2:8080), as the model's `ha.nodes[].apiUrl` says.
 *
 * Used by `npm run demo -- --ha` and by the server's pair lab test. The
 * launcher talks to each panel with curl inside that panel's namespace, on
 * its loopback: nothing is added to the host. Every wait has a deadline, and a
 * server that exits during start-up ends the wait at once with what it
 * printed last. lab.destroy() ends the servers (and their engines) too.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultPromise } from 'execa';
import { PAIR_ADDR, type PairLab, type PairNode } from './pair.js';

export const PAIR_NODE_NAMES = { gwA: 'gw-a', gwB: 'gw-b' } as const satisfies Record<PairNode, string>;
export const PAIR_PANEL_PORT = 8080;
const NODES = ['gwA', 'gwB'] as const;
const DEFAULT_READY_TIMEOUT_MS = 40_000;
const REQUEST_TIMEOUT_SEC = 70;

/**
 * The pair lab's model: the FTP server forwarded on 21 with the helper,
 * passive only, forwarding filtered, and the pair: gw-a (priority 150) and
 * gw-b (100), the virtual addresses of the pair lab, the sync link eth2.
 */
export function pairPanelModel(peerToken: string): Record<string, unknown> {
  const node = (n: PairNode, priority: number) => ({
    name: PAIR_NODE_NAMES[n],
    apiUrl: `http://${PAIR_ADDR[n].sync}:${PAIR_PANEL_PORT}`,
    syncAddress: PAIR_ADDR[n].sync,
    priority,
  });
  return {
    table: 'gatehouse',
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    forwards: [{ id: 'ftp', name: 'FTP server', publicPorts: '21', target: PAIR_ADDR.server }],
    ftp: { enabled: true, controlPorts: [21], servers: [], passiveOnly: true },
    filter: { policy: 'drop', allowLanToWan: true },
    ha: {
      nodes: [node('gwA', 150), node('gwB', 100)],
      vrrp: {
        wan: { routerId: 51, address: `${PAIR_ADDR.wanVip}/24` },
        lan: { routerId: 52, address: `${PAIR_ADDR.lanVip}/24` },
        authSecret: 'gh-pair1',
      },
      syncInterface: 'eth2',
      peerToken,
    },
  };
}

export interface PairPanelsOptions {
  /** The script each panel runs with node: the server's entry (its dist/server.js) or a wrapper of it. */
  entry: string;
  /** A directory of the caller's own: models, state dirs, cookie jars. stop() removes it. */
  work: string;
  adminPassword: string;
  /** The pair's peer token: in the model and the servers' bootstrap token (at least 32 characters). */
  peerToken: string;
  /** The servers' initial model (default pairPanelModel(peerToken)). */
  model?: unknown;
  /** Extra environment of one node's server (e.g. the demo's socket relay). */
  nodeEnv?: (node: PairNode) => Record<string, string>;
  /** Server output: inherit (the demo) or ignore (tests; the last lines still go into a start-up error). */
  output?: 'inherit' | 'ignore';
  /** Deadline for both servers' first answer. Default 40 s. */
  readyTimeoutMs?: number;
}

export interface PanelReply {
  status: number;
  /** The ETag header, when the answer has one. */
  etag: string;
  // biome-ignore lint/suspicious/noExplicitAny: the JSON of another program's API, read by the caller
  body: any;
  text: string;
}

export interface PairPanels {
  readonly lab: PairLab;
  readonly adminPassword: string;
  readonly peerToken: string;
  /** Each node's state directory (its HA directory is `<stateDir>/ha`). */
  stateDir(node: PairNode): string;
  /** One JSON request to a node's panel (`/api/v1<path>`), from inside its namespace; `token`: Bearer. */
  request(
    node: PairNode,
    method: string,
    path: string,
    o?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<PanelReply>;
  /** An admin API token on a node (made once over a session, then kept). */
  adminToken(node: PairNode): Promise<string>;
  /** Whether a node holds both virtual addresses. */
  holdsVips(node: PairNode): Promise<boolean>;
  /** Waits until `node` holds both virtual addresses and the other holds neither. */
  waitMaster(node: PairNode, timeoutMs?: number): Promise<void>;
  /**
   * Applies the desired model once through gw-a's panel, which puts it on
   * both nodes; when gw-a cannot reach gw-b (409 pair_degraded), on each
   * node alone (?degraded=true). Says which way it went.
   */
  applyPair(comment?: string): Promise<string>;
  /** Ends both servers (they end their engines) and removes the work directory. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(max = 4096) {
  let text = '';
  return {
    add(chunk: Buffer | string) {
      text = (text + chunk.toString()).slice(-max);
    },
    text: () => text.trim(),
  };
}

export async function startPairPanels(lab: PairLab, o: PairPanelsOptions): Promise<PairPanels> {
  mkdirSync(o.work, { recursive: true, mode: 0o700 });
  const modelPath = join(o.work, 'model.json');
  writeFileSync(modelPath, JSON.stringify(o.model ?? pairPanelModel(o.peerToken), null, 2), { mode: 0o600 });
  const stateDir = (node: PairNode) => join(o.work, `state-${PAIR_NODE_NAMES[node]}`);
  const base = `http://127.0.0.1:${PAIR_PANEL_PORT}/api/v1`;
  const servers = new Map<PairNode, ResultPromise>();
  const tokens = new Map<PairNode, string>();
  let stopped = false;

  const request: PairPanels['request'] = async (node, method, path, ro = {}) => {
    const args = ['-sS', '-m', String(REQUEST_TIMEOUT_SEC), '-X', method, '-w', '\n%header{etag}\n%{http_code}'];
    if (ro.token) args.push('-H', `authorization: Bearer ${ro.token}`);
    for (const [k, v] of Object.entries(ro.headers ?? {})) args.push('-H', `${k}: ${v}`);
    if (ro.body !== undefined) args.push('-H', 'content-type: application/json', '--data-binary', '@-');
    args.push(`${base}${path}`);
    const r = await lab.exec(node, 'curl', args, {
      ...(ro.body !== undefined ? { input: JSON.stringify(ro.body) } : {}),
      timeoutMs: (REQUEST_TIMEOUT_SEC + 5) * 1000,
      reject: false,
    });
    const lines = r.stdout.split('\n');
    const status = Number(lines.pop());
    const etag = lines.pop() ?? '';
    const text = lines.join('\n');
    if (r.exitCode !== 0 || !status) {
      throw new Error(`${method} ${path} on ${PAIR_NODE_NAMES[node]}: curl failed (${r.exitCode}): ${r.stderr.trim()}`);
    }
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON: the caller has the text
    }
    return { status, etag, body, text };
  };

  const adminToken = async (node: PairNode): Promise<string> => {
    const kept = tokens.get(node);
    if (kept) return kept;
    const jar = join(o.work, `cookies-${PAIR_NODE_NAMES[node]}`);
    const curlJson = async (args: string[], body: unknown) => {
      const r = await lab.exec(
        node,
        'curl',
        ['-sS', '-m', '15', '-H', 'content-type: application/json', '--data-binary', '@-', ...args],
        { input: JSON.stringify(body), timeoutMs: 20_000 },
      );
      return JSON.parse(r.stdout) as Record<string, unknown>;
    };
    const login = await curlJson(['-c', jar, `${base}/auth/login`], { username: 'admin', password: o.adminPassword });
    if (typeof login.csrfToken !== 'string')
      throw new Error(`login on ${PAIR_NODE_NAMES[node]}: ${JSON.stringify(login)}`);
    const made = await curlJson(['-b', jar, '-H', `x-gatehouse-csrf: ${login.csrfToken}`, `${base}/tokens`], {
      name: 'pair-lab',
      role: 'admin',
    });
    if (typeof made.token !== 'string') throw new Error(`token on ${PAIR_NODE_NAMES[node]}: ${JSON.stringify(made)}`);
    tokens.set(node, made.token);
    return made.token;
  };

  const holdsVips = async (node: PairNode) => {
    const r = await lab.exec(node, 'ip', ['-4', '-o', 'addr', 'show'], { reject: false });
    return r.stdout.includes(` ${PAIR_ADDR.wanVip}/24 `) && r.stdout.includes(` ${PAIR_ADDR.lanVip}/24 `);
  };
  const holdsAny = async (node: PairNode) => {
    const r = await lab.exec(node, 'ip', ['-4', '-o', 'addr', 'show'], { reject: false });
    return r.stdout.includes(` ${PAIR_ADDR.wanVip}/`) || r.stdout.includes(` ${PAIR_ADDR.lanVip}/`);
  };

  const waitMaster = async (node: PairNode, timeoutMs = 20_000) => {
    const other = node === 'gwA' ? 'gwB' : 'gwA';
    const end = Date.now() + timeoutMs;
    for (;;) {
      if ((await holdsVips(node)) && !(await holdsAny(other))) return;
      if (Date.now() > end) {
        throw new Error(
          `${PAIR_NODE_NAMES[node]} did not take both virtual addresses within ${timeoutMs} ms ` +
            `(${PAIR_NODE_NAMES[node]} holds both: ${await holdsVips(node)}, ${PAIR_NODE_NAMES[other]} holds some: ${await holdsAny(other)})`,
        );
      }
      await sleep(200);
    }
  };

  const applyPair = async (comment = 'pair lab: the pair, applied once through gw-a') => {
    const token = await adminToken('gwA');
    const r = await request('gwA', 'POST', '/apply', { token, body: { comment } });
    if (r.status === 200) return 'applied through gw-a on both nodes';
    if (r.status !== 409 || r.body?.error !== 'pair_degraded') {
      throw new Error(`the pair apply through gw-a failed: ${r.status} ${r.text}`);
    }
    for (const node of NODES) {
      const alone = await request(node, 'POST', '/apply?degraded=true', {
        token: await adminToken(node),
        body: { comment },
      });
      if (alone.status !== 200) throw new Error(`the apply on ${PAIR_NODE_NAMES[node]} alone failed: ${alone.text}`);
    }
    return 'gw-a could not reach gw-b: applied on each node alone (?degraded=true)';
  };

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const p of servers.values()) p.kill('SIGTERM');
    const killed = setTimeout(() => {
      for (const p of servers.values()) p.kill('SIGKILL');
    }, 10_000);
    await Promise.allSettled([...servers.values()]);
    clearTimeout(killed);
    rmSync(o.work, { recursive: true, force: true });
  };

  try {
    const ready = await Promise.all(
      NODES.map(async (node) => {
        const last = tail();
        const inherit = o.output === 'inherit';
        const p = lab.spawn(node, process.execPath, [o.entry], {
          env: {
            GATEHOUSE_LISTEN: `0.0.0.0:${PAIR_PANEL_PORT}`,
            GATEHOUSE_STATE_DIR: stateDir(node),
            GATEHOUSE_ADMIN_PASSWORD: o.adminPassword,
            GATEHOUSE_INITIAL_MODEL: modelPath,
            GATEHOUSE_HA_NODE: PAIR_NODE_NAMES[node],
            GATEHOUSE_HA_ENGINES: 'process',
            GATEHOUSE_HA_PEER_TOKEN: o.peerToken,
            GATEHOUSE_LOG_LEVEL: process.env.GATEHOUSE_LOG_LEVEL ?? 'warn',
            ...o.nodeEnv?.(node),
          },
          stdin: 'ignore',
          stdout: inherit ? 'inherit' : 'ignore',
          stderr: inherit ? 'inherit' : 'pipe',
          buffer: false,
        });
        p.stderr?.on('data', last.add);
        servers.set(node, p);
        let exited: string | null = null;
        void p.then((r) => {
          exited = `exit ${r.exitCode ?? r.signal}`;
        });
        const end = Date.now() + (o.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
        for (;;) {
          if (exited) throw new Error(`the server on ${PAIR_NODE_NAMES[node]} ended (${exited}): ${last.text()}`);
          const h = await lab.exec(node, 'curl', ['-sf', '-m', '2', `${base}/health`], {
            reject: false,
            timeoutMs: 5000,
          });
          if (h.exitCode === 0) return node;
          if (Date.now() > end) {
            throw new Error(
              `the server on ${PAIR_NODE_NAMES[node]} did not answer within the deadline: ${last.text()}`,
            );
          }
          await sleep(250);
        }
      }),
    );
    if (ready.length !== 2) throw new Error('the pair panels did not start');
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    lab,
    adminPassword: o.adminPassword,
    peerToken: o.peerToken,
    stateDir,
    request,
    adminToken,
    holdsVips,
    waitMaster,
    applyPair,
    stop,
  };
}
