/**
 * Roots of the query keys that more than one feature touches, so a mutation
 * in one feature can invalidate what it changes elsewhere without importing
 * that feature.
 */
export const keys = {
  status: ['status'] as const,
  forwards: ['forwards'] as const,
  ftp: ['ftp'] as const,
  preview: ['preview'] as const,
  revisions: ['revisions'] as const,
  flows: ['flows'] as const,
  expectations: ['expectations'] as const,
  users: ['users'] as const,
  tokens: ['tokens'] as const,
  audit: ['audit'] as const,
};

/** What changes when the desired state changes (a forward or the FTP policy was saved). */
export const desiredStateKeys = [keys.status, keys.preview, keys.audit] as const;

/** What changes when the live ruleset changes (apply, confirm, rollback). */
export const appliedStateKeys = [keys.status, keys.preview, keys.revisions, keys.audit] as const;
