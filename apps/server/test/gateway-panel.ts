/**
 * Test support: the built server running inside a lab gateway, reached from
 * the WAN-side client over new connections (curl), so the gateway's rules act
 * on the very connections the requests come through.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '@gatehouse/lab';
import { expect } from 'vitest';
import { SERVER_NODE_FLAGS } from '../src/node-flags.js';
import { waitFor } from './helpers.js';

const SERVER_JS = join(import.meta.dirname, '..', 'dist', 'server.js');

export interface GatewayPanelOptions {
  /** The API's base URL as the WAN client reaches it (e.g. http://192.0.2.2:8080/api/v1). */
  panel: string;
  /** A directory of the test's own: the initial model, the server's state, the cookie jar. */
  work: string;
  password: string;
  /** The server's initial model (GATEHOUSE_INITIAL_MODEL). */
  model: unknown;
  /** Name of the admin token made for the test. */
  tokenName: string;
  /** What waitFor names while the panel is not answering yet. */
  waitingFor: string;
}

/** Whether a new connection from the WAN side gets the panel's answer. */
export async function panelAnswers(lab: Lab, panel: string): Promise<boolean> {
  const r = await lab.exec('client', 'curl', ['-sS', '-m', '3', `${panel}/health`], { reject: false, timeoutMs: 8000 });
  return r.exitCode === 0 && r.stdout.includes('"ok"');
}

/**
 * Start the built server in the lab gateway (0.0.0.0:8080, a lab child:
 * lab.destroy() ends it), wait until the WAN client reaches it, and return an
 * admin token made over a cookie session from the WAN side.
 */
export async function startPanelInGateway(lab: Lab, o: GatewayPanelOptions): Promise<string> {
  writeFileSync(join(o.work, 'model.json'), JSON.stringify(o.model));
  lab.spawn('gateway', process.execPath, [...SERVER_NODE_FLAGS, SERVER_JS], {
    env: {
      GATEHOUSE_LISTEN: '0.0.0.0:8080',
      GATEHOUSE_STATE_DIR: join(o.work, 'state'),
      GATEHOUSE_ADMIN_PASSWORD: o.password,
      GATEHOUSE_INITIAL_MODEL: join(o.work, 'model.json'),
      GATEHOUSE_LOG_LEVEL: 'warn',
      GATEHOUSE_CONNTRACK: 'false',
    },
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: 'ignore',
    buffer: false,
  });
  await waitFor(o.waitingFor, () => panelAnswers(lab, o.panel), 20_000, 250);
  const jar = join(o.work, 'cookies');
  const login = await lab.exec('client', 'curl', [
    '-sS',
    '-c',
    jar,
    '-H',
    'content-type: application/json',
    '--data-binary',
    JSON.stringify({ username: 'admin', password: o.password }),
    `${o.panel}/auth/login`,
  ]);
  const csrf = (JSON.parse(login.stdout) as { csrfToken: string }).csrfToken;
  const made = await lab.exec('client', 'curl', [
    '-sS',
    '-b',
    jar,
    '-H',
    'content-type: application/json',
    '-H',
    `x-gatehouse-csrf: ${csrf}`,
    '--data-binary',
    JSON.stringify({ name: o.tokenName, role: 'admin' }),
    `${o.panel}/tokens`,
  ]);
  const token = (JSON.parse(made.stdout) as { token: string }).token;
  expect(token).toBeTruthy();
  return token;
}
