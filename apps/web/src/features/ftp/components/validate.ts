/**
 * The helper cards' checks, with the model's own schemas (the server checks
 * the same): each section on its own, then against the forwards (a port must
 * be exposed by a forward of the kind's protocol, a listed server forwarded,
 * passive-only needs the FTP helper).
 */
import { FtpHelperPolicy, GatewayModel, TftpHelperPolicy } from '@gatehouse/rules/model';
import type { z } from 'zod';
import { issueText } from '../../../lib/errors';
import { type FieldErrors, fieldOfPath, zodFieldErrors } from '../../../lib/form-errors';
import type { Api } from '../../../lib/types';

export const FTP_FIELDS = ['enabled', 'controlPorts', 'servers', 'passiveOnly'] as const;
export type FtpField = (typeof FTP_FIELDS)[number];
export const TFTP_FIELDS = ['enabled', 'ports', 'servers'] as const;
export type TftpField = (typeof TFTP_FIELDS)[number];

export type FtpPolicy = Api['FtpHelperPolicy'];
export type TftpPolicy = Api['TftpHelperPolicy'];

function firstIssue(r: { success: boolean; error?: z.ZodError }): string | null {
  const issue = r.success ? undefined : r.error?.issues[0];
  return issue ? issueText(issue) : null;
}

/** What is wrong with adding `value` to a list, as typed: the model's own message, or null. */
export const problems = {
  ftpPort: (value: string, ports: number[]) =>
    value.trim() ? firstIssue(FtpHelperPolicy.shape.controlPorts.safeParse([...ports, Number(value.trim())])) : null,
  tftpPort: (value: string, ports: number[]) =>
    value.trim() ? firstIssue(TftpHelperPolicy.shape.ports.safeParse([...ports, Number(value.trim())])) : null,
  server: (value: string, servers: string[]) =>
    value.trim() ? firstIssue(FtpHelperPolicy.shape.servers.safeParse([...servers, value.trim()])) : null,
};

function crossCheck<F extends string>(
  section: 'ftp' | 'tftp',
  data: unknown,
  forwards: Api['PortForward'][],
  fields: readonly F[],
): FieldErrors<F> {
  const model = GatewayModel.safeParse({ interfaces: { wan: 'wan0', lan: ['lan0'] }, forwards, [section]: data });
  const errors: FieldErrors<F> = {};
  if (!model.success) {
    for (const issue of model.error.issues) {
      if (issue.path[0] !== section) continue;
      errors[fieldOfPath(issue.path.slice(1), fields) ?? 'form'] ??= issueText(issue);
    }
  }
  return errors;
}

export function validateFtp(policy: FtpPolicy, forwards: Api['PortForward'][] | undefined): FieldErrors<FtpField> {
  const own = FtpHelperPolicy.safeParse(policy);
  if (!own.success) return zodFieldErrors(own.error, FTP_FIELDS);
  return forwards ? crossCheck('ftp', own.data, forwards, FTP_FIELDS) : {};
}

export function validateTftp(policy: TftpPolicy, forwards: Api['PortForward'][] | undefined): FieldErrors<TftpField> {
  const own = TftpHelperPolicy.safeParse(policy);
  if (!own.success) return zodFieldErrors(own.error, TFTP_FIELDS);
  return forwards ? crossCheck('tftp', own.data, forwards, TFTP_FIELDS) : {};
}
