/**
 * Helper-scope check: the applied revision (what the kernel holds, not the
 * desired state) assigns the FTP helper to this server and control port, and
 * the gateway's table really holds the ct helper object.
 */
import { ftpHelperServers, type GatewayModel } from '@gatehouse/rules';
import type { FtpDoctorCheck } from '../../schemas/ftp-diagnosis.js';
import type { FtpForward } from './forwards.js';
import { helperPolicy } from './forwards.js';
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

/** Pure: whether a model's helper inspects server:port. */
export function helperCovers(model: GatewayModel, server: string, port: number): boolean {
  const p = helperPolicy(model);
  return p.enabled && p.controlPorts.includes(port) && ftpHelperServers(model).includes(server);
}

/** Pure: the verdict from what was read. */
export function helperScopeCheck(fwd: FtpForward, f: ScopeFacts): FtpDoctorCheck {
  if (fwd.ftpsPassivePorts !== null) {
    // Under TLS the helper reads nothing; the forwarded passive range does its job.
    return check('helper-scope', 'ok', say('scope.ftps', { range: fwd.ftpsPassivePorts }));
  }
  const pending = f.desiredDiffers ? [say('evidence.desired_differs')] : [];
  // When the desired state already says it, applying is the fix.
  const fixOr = (fix: ReturnType<typeof say>) => (f.desiredDiffers && f.desiredCovers ? say('fix.apply') : fix);
  if (!f.applied) {
    return check('helper-scope', 'failure', say('scope.nothing_applied'), pending, fixOr(say('fix.enable_helper')));
  }
  const { model, revision } = f.applied;
  const evidence = [say('evidence.revision', { revision, at: f.applied.at }), ...pending];
  const policy = helperPolicy(model);
  if (!policy.enabled) {
    return check(
      'helper-scope',
      'failure',
      say('scope.helper_off', { revision }),
      evidence,
      fixOr(say('fix.enable_helper')),
    );
  }
  const servers = ftpHelperServers(model);
  evidence.push(
    say('evidence.helper_rule', {
      servers: servers.join(', ') || '-',
      ports: [...policy.controlPorts].sort((a, b) => a - b).join(', '),
    }),
  );
  if (!policy.controlPorts.includes(fwd.controlPort)) {
    return check(
      'helper-scope',
      'failure',
      say('scope.port_not_covered', { revision, port: fwd.controlPort }),
      evidence,
      fixOr(say('fix.add_control_port', { port: fwd.controlPort })),
    );
  }
  if (!servers.includes(fwd.server)) {
    return check(
      'helper-scope',
      'failure',
      say('scope.server_not_covered', { revision, server: fwd.server }),
      evidence,
      fixOr(say('fix.add_server', { server: fwd.server })),
    );
  }
  if (f.helperObjectLive === false) {
    return check('helper-scope', 'failure', say('scope.object_missing', { revision }), evidence, say('fix.restore'));
  }
  return check(
    'helper-scope',
    'ok',
    say('scope.ok', { revision, server: fwd.server, port: fwd.controlPort }),
    evidence,
  );
}
