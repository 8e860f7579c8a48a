/** Interface roles as the form edits them: one WAN, a list of LANs, every other interface unused. */
export type Role = 'wan' | 'lan' | 'none';
export interface Roles {
  wan: string;
  lan: string[];
}

export function roleOf(roles: Roles, name: string): Role {
  return roles.wan === name ? 'wan' : roles.lan.includes(name) ? 'lan' : 'none';
}

/** Gives `name` a role; the interface that was WAN before becomes unused when another takes its place. */
export function withRole(roles: Roles, name: string, role: Role): Roles {
  const lan = roles.lan.filter((n) => n !== name);
  if (role === 'wan') return { wan: name, lan };
  const wan = roles.wan === name ? '' : roles.wan;
  return { wan, lan: role === 'lan' ? [...lan, name] : lan };
}

/**
 * The warning for the interface this browser is connected through, when its
 * role in the form differs from the saved one: null when it does not change.
 */
export function connectionRoleChange(
  saved: Roles,
  edited: Roles,
  connectedThrough: string | null,
): { from: Role; to: Role } | null {
  if (!connectedThrough) return null;
  const from = roleOf(saved, connectedThrough);
  const to = roleOf(edited, connectedThrough);
  return from === to ? null : { from, to };
}
