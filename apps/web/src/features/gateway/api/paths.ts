/**
 * This feature's endpoints and query keys. They stay here (not in lib/api's
 * `paths`) because only this feature reads them; mutations still invalidate
 * the shared desired-state keys.
 */
export const gatewayPaths = {
  gatewayForwards: '/gateway-forwards',
  gatewayForward: (id: string) => `/gateway-forwards/${encodeURIComponent(id)}`,
  settings: '/gateway-settings',
  connection: '/session/connection',
} as const;

export const gatewayKeys = {
  gatewayForwards: ['gateway-forwards'] as const,
  settings: ['gateway-settings'] as const,
  connection: ['session-connection'] as const,
};
