/**
 * The table api.test.ts checks every route against: each route the app
 * registers, the role it needs, and a body that passes validation.
 */
import { LAB_MODEL, USER_PASSWORD } from './helpers.js';

export const FTP_FORWARD = { id: 'ftp', name: 'FTP server', publicPorts: '21', target: '192.168.1.2' };
const GATEWAY_FORWARD = { id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 };

/** Every route, the role it needs, and a body that passes validation. */
export const ROUTES: Array<{
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  level: 'viewer' | 'admin' | 'peer';
  payload?: unknown;
}> = [
  // The pair's peer routes (issue #16): Authorization: Peer only (pair-apply.test.ts proves them).
  ...(['check', 'apply', 'confirm', 'rollback'] as const).map((step) => ({
    method: 'POST' as const,
    url: `/api/v1/peer/${step}`,
    level: 'peer' as const,
    payload: { model: {}, origin: { node: 'gw-a', revisionId: 1 }, actor: 'admin' },
  })),
  { method: 'GET', url: '/api/v1/peer/state', level: 'peer' },
  { method: 'POST', url: '/api/v1/auth/logout', level: 'viewer' },
  { method: 'GET', url: '/api/v1/auth/me', level: 'viewer' },
  {
    method: 'POST',
    url: '/api/v1/auth/password',
    level: 'viewer',
    payload: { currentPassword: 'x', newPassword: USER_PASSWORD },
  },
  { method: 'GET', url: '/api/v1/users', level: 'admin' },
  {
    method: 'POST',
    url: '/api/v1/users',
    level: 'admin',
    payload: { username: 'zed', password: USER_PASSWORD, role: 'viewer' },
  },
  { method: 'PATCH', url: '/api/v1/users/999', level: 'admin', payload: { role: 'viewer' } },
  { method: 'DELETE', url: '/api/v1/users/999', level: 'admin' },
  { method: 'GET', url: '/api/v1/tokens', level: 'admin' },
  { method: 'POST', url: '/api/v1/tokens', level: 'admin', payload: { name: 'x', role: 'viewer' } },
  { method: 'DELETE', url: '/api/v1/tokens/999', level: 'admin' },
  { method: 'DELETE', url: '/api/v1/tokens/999?purge=true', level: 'admin' },
  { method: 'GET', url: '/api/v1/audit', level: 'viewer' },
  { method: 'GET', url: '/api/v1/audit.csv', level: 'viewer' },
  { method: 'GET', url: '/api/v1/config', level: 'viewer' },
  { method: 'PUT', url: '/api/v1/config', level: 'admin', payload: LAB_MODEL },
  { method: 'GET', url: '/api/v1/forwards', level: 'viewer' },
  { method: 'POST', url: '/api/v1/forwards', level: 'admin', payload: FTP_FORWARD },
  { method: 'GET', url: '/api/v1/forwards/ftp', level: 'viewer' },
  { method: 'GET', url: '/api/v1/forwards/hits', level: 'viewer' },
  { method: 'POST', url: '/api/v1/forwards/bulk', level: 'admin', payload: { action: 'enable', ids: ['ftp'] } },
  {
    method: 'POST',
    url: '/api/v1/forwards/import',
    level: 'admin',
    payload: { mode: 'merge', forwards: [FTP_FORWARD] },
  },
  { method: 'PUT', url: '/api/v1/forwards/ftp', level: 'admin', payload: FTP_FORWARD },
  { method: 'DELETE', url: '/api/v1/forwards/ftp', level: 'admin' },
  { method: 'GET', url: '/api/v1/ftp', level: 'viewer' },
  { method: 'PUT', url: '/api/v1/ftp', level: 'admin', payload: { enabled: false } },
  { method: 'GET', url: '/api/v1/ftp/diagnosis', level: 'admin' },
  { method: 'GET', url: '/api/v1/pair', level: 'viewer' },
  { method: 'POST', url: '/api/v1/pair/failover', level: 'admin' },
  { method: 'POST', url: '/api/v1/pair/resume', level: 'admin' },
  { method: 'GET', url: '/api/v1/tftp', level: 'viewer' },
  { method: 'PUT', url: '/api/v1/tftp', level: 'admin', payload: { enabled: false } },
  { method: 'GET', url: '/api/v1/preview', level: 'viewer' },
  { method: 'POST', url: '/api/v1/apply', level: 'admin', payload: {} },
  { method: 'GET', url: '/api/v1/apply/pending', level: 'viewer' },
  { method: 'POST', url: '/api/v1/apply/confirm', level: 'admin' },
  { method: 'POST', url: '/api/v1/apply/rollback-now', level: 'admin' },
  { method: 'POST', url: '/api/v1/drift/restore', level: 'admin' },
  { method: 'GET', url: '/api/v1/drift/adoption', level: 'viewer' },
  { method: 'POST', url: '/api/v1/drift/adopt', level: 'admin' },
  { method: 'POST', url: '/api/v1/revisions/1/restore', level: 'admin' },
  { method: 'GET', url: '/api/v1/pending', level: 'viewer' },
  { method: 'POST', url: '/api/v1/pending/discard', level: 'admin' },
  { method: 'GET', url: '/api/v1/revisions', level: 'viewer' },
  { method: 'GET', url: '/api/v1/revisions/1', level: 'viewer' },
  { method: 'GET', url: '/api/v1/revisions/1/compare', level: 'viewer' },
  { method: 'POST', url: '/api/v1/revisions/1/rollback', level: 'admin', payload: {} },
  { method: 'GET', url: '/api/v1/conntrack', level: 'viewer' },
  { method: 'GET', url: '/api/v1/conntrack/count', level: 'viewer' },
  { method: 'GET', url: '/api/v1/conntrack/accounting', level: 'viewer' },
  { method: 'GET', url: '/api/v1/conntrack/123', level: 'viewer' },
  { method: 'DELETE', url: '/api/v1/conntrack/123', level: 'admin' },
  { method: 'GET', url: '/api/v1/expectations', level: 'viewer' },
  { method: 'GET', url: '/api/v1/events', level: 'viewer' },
  { method: 'GET', url: '/api/v1/status', level: 'viewer' },
  { method: 'GET', url: '/api/v1/status/history', level: 'viewer' },
  { method: 'GET', url: '/api/v1/session/connection', level: 'viewer' },
  { method: 'GET', url: '/api/v1/gateway-forwards', level: 'viewer' },
  { method: 'POST', url: '/api/v1/gateway-forwards', level: 'admin', payload: GATEWAY_FORWARD },
  { method: 'PUT', url: '/api/v1/gateway-forwards/ssh-gateway', level: 'admin', payload: GATEWAY_FORWARD },
  { method: 'DELETE', url: '/api/v1/gateway-forwards/ssh-gateway', level: 'admin' },
  { method: 'GET', url: '/api/v1/gateway-settings', level: 'viewer' },
  {
    method: 'PUT',
    url: '/api/v1/gateway-settings',
    level: 'admin',
    payload: {
      interfaces: LAB_MODEL.interfaces,
      masquerade: { forwardedServers: false, lanToWan: true },
      filter: { policy: 'accept', allowLanToWan: true },
    },
  },
  { method: 'GET', url: '/api/v1/openapi.json', level: 'viewer' },
  { method: 'GET', url: '/api/v1/metrics', level: 'viewer' },
  { method: 'GET', url: '/api/v1/import/proposal', level: 'admin' },
  { method: 'POST', url: '/api/v1/import/adopt', level: 'admin', payload: { model: LAB_MODEL } },
  { method: 'GET', url: '/api/v1/import/takeover', level: 'admin' },
  { method: 'DELETE', url: '/api/v1/import/takeover', level: 'admin' },
  { method: 'GET', url: '/api/docs/', level: 'viewer' },
];
