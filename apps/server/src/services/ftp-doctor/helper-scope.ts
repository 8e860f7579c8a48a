/**
 * Helper-scope check, for each helper kind (helper-kinds.ts): the applied
 * revision (what the kernel holds, not the desired state) assigns the kind's
 * helper to this server and port, and the gateway's table really holds the
 * ct helper object. An FTPS forward needs no helper (FTP's own case, first).
 */
import { type GatewayModel, type HelperKind, helperKindPolicy, helperServers } from '@gatehouse/rules';
import type { FtpDoctorCheck, FtpDoctorCode } from '../../schemas/ftp-diagnosis.js';
import type { FtpForward } from './forwards.js';
import { check, say } from './texts.js';

export interface ScopeFacts {
  applied: { revision: number; at: string; model: GatewayModel } | null;
  /** The desired state differs from the applied revision. */
  desiredDiffers: boolean;
  /** The desired model turns the helper on for this forward. */
  desiredCovers: boolean;
  /** Whether the gateway's table holds a ct helper object (null: unknown). */
  helperObjectLive: boolean | null;
}

/** What each kind's scope check says, by code (FTP's codes predate the family). */
const SCOPE_CODES = {
  ftp: {
    ok: 'scope.ok',
    helperOff: 'scope.helper_off',
    portNotCovered: 'scope.port_not_covered',
    serverNotCovered: 'scope.server_not_covered',
    objectMissing: 'scope.object_missing',
    fixEnable: 'fix.enable_helper',
    fixAddPort: 'fix.add_control_port',
  },
  tftp: {
    ok: 'tftp.scope_ok',
    helperOff: 'tftp.scope_helper_off',
    portNotCovered: 'tftp.scope_port_not_covered',
    serverNotCovered: 'tftp.scope_server_not_covered',
    objectMissing: 'tftp.scope_object_missing',
    fixEnable: 'tftp.fix_enable_helper',
    fixAddPort: 'tftp.fix_add_port',
  },
} as const satisfies Record<HelperKind, Record<string, FtpDoctorCode>>;

/** Pure: whether a model's helper of a kind inspects server:port. */
export function helperKindCovers(model: GatewayModel, kind: HelperKind, server: string, port: number): boolean {
  const p = helperKindPolicy(model, kind);
  return p.enabled && p.ports.includes(port) && helperServers(model, kind).includes(server);
}

/** Pure: whether a model's FTP helper inspects server:port. */
export function helperCovers(model: GatewayModel, server: string, port: number): boolean {
  return helperKindCovers(model, 'ftp', server, port);
}

/** Pure: a helper kind's scope verdict for the forward reaching server:port. */
export function helperKindScopeCheck(
  kind: HelperKind,
  target: { server: string; port: number },
  f: ScopeFacts,
): FtpDoctorCheck {
  const codes = SCOPE_CODES[kind];
  const { server, port } = target;
  const pending = f.desiredDiffers ? [say('evidence.desired_differs')] : [];
  // When the desired state already says it, applying is the fix.
  const fixOr = (fix: ReturnType<typeof say>) => (f.desiredDiffers && f.desiredCovers ? say('fix.apply') : fix);
  if (!f.applied) {
    return check('helper-scope', 'failure', say('scope.nothing_applied'), pending, fixOr(say(codes.fixEnable)));
  }
  const { model, revision } = f.applied;
  const evidence = [say('evidence.revision', { revision, at: f.applied.at }), ...pending];
  const policy = helperKindPolicy(model, kind);
  if (!policy.enabled) {
    return check('helper-scope', 'failure', say(codes.helperOff, { revision }), evidence, fixOr(say(codes.fixEnable)));
  }
  const servers = helperServers(model, kind);
  evidence.push(
    say('evidence.helper_rule', {
      servers: servers.join(', ') || '-',
      ports: [...policy.ports].sort((a, b) => a - b).join(', '),
    }),
  );
  if (!policy.ports.includes(port)) {
    return check(
      'helper-scope',
      'failure',
      say(codes.portNotCovered, { revision, port }),
      evidence,
      fixOr(say(codes.fixAddPort, { port })),
    );
  }
  if (!servers.includes(server)) {
    return check(
      'helper-scope',
      'failure',
      say(codes.serverNotCovered, { revision, server }),
      evidence,
      fixOr(say('fix.add_server', { server })),
    );
  }
  if (f.helperObjectLive === false) {
    return check('helper-scope', 'failure', say(codes.objectMissing, { revision }), evidence, say('fix.restore'));
  }
  return check('helper-scope', 'ok', say(codes.ok, { revision, server, port }), evidence);
}

/** Pure: FTP's scope verdict. */
export function helperScopeCheck(fwd: FtpForward, f: ScopeFacts): FtpDoctorCheck {
  if (fwd.ftpsPassivePorts !== null) {
    // Under TLS the helper reads nothing; the forwarded passive range does its job.
    return check('helper-scope', 'ok', say('scope.ftps', { range: fwd.ftpsPassivePorts }));
  }
  return helperKindScopeCheck('ftp', { server: fwd.server, port: fwd.controlPort }, f);
}
