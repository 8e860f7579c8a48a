/**
 * What the doctor says, in the UI's language: each code has a sentence in
 * locales/ftp-doctor-*.ts; times are shown in local time and module states
 * translated; the server's English is the fallback for a code this UI does
 * not know yet.
 */
import type { TFunction } from 'i18next';
import { formatDateTime } from '../../../lib/format';
import type { Api } from '../../../lib/types';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/;
const MODULE_STATE_PARAMS = new Set(['state', 'conntrack', 'nat']);

/** Params that are the server's or the kernel's own text (a banner, an nft message, a file), shown as code. */
export const RAW_PARAMS = new Set(['banner', 'message', 'source']);

export function sayText(t: TFunction, s: Api['FtpDoctorSaying']): string {
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(s.params)) {
    if (typeof value === 'string' && ISO_TIME.test(value)) params[name] = formatDateTime(value);
    else if (typeof value === 'string' && MODULE_STATE_PARAMS.has(name))
      params[name] = t(`ftpDoctor.moduleState.${value}`, { defaultValue: value });
    else params[name] = value;
  }
  return t(`ftpDoctor.say.${s.code}`, { ...params, defaultValue: s.text, interpolation: { escapeValue: false } });
}
