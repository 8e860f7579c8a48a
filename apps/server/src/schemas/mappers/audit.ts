/**
 * Audit entries as a caller may see them. Login entries carry the client
 * address they came from; for a viewer (a wall screen, a junior operator)
 * that is who tried to get in from where, which is the admin's business:
 * viewers get the entries without the address.
 */
import type { AuditRecord } from '../../store/audit.js';
import type { Role } from '../common.js';

const ADDRESS_KEYS = new Set(['ip', 'address']);

const isLoginAction = (action: string): boolean => action === 'login' || action.startsWith('login.');

export function auditView(entry: AuditRecord, role: Role): AuditRecord {
  if (role === 'admin' || !isLoginAction(entry.action)) return entry;
  const detail = entry.detail;
  if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return entry;
  const kept = Object.fromEntries(Object.entries(detail).filter(([key]) => !ADDRESS_KEYS.has(key)));
  return { ...entry, detail: kept };
}

export const AUDIT_CSV_HEADER = ['id', 'at', 'actor', 'action', 'target', 'detail'] as const;

/** The fields of one CSV record; the detail is its JSON text. */
export const auditCsvFields = (e: AuditRecord): string[] => [
  String(e.id),
  e.at,
  e.actor,
  e.action,
  e.target,
  e.detail === undefined ? '' : JSON.stringify(e.detail),
];
