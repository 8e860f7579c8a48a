/** The gateway the e2e story starts from: the brief's lab, no FTP forward yet, helper off. */
export const E2E_ADMIN_PASSWORD = 'e2e-Gatehouse-Walrus-81'; // passes the password policy (not containing "admin")
export const E2E_VIEWER_PASSWORD = 'e2e-viewer-password-1';

export const E2E_INITIAL_MODEL = {
  table: 'gatehouse',
  interfaces: { wan: 'eth0', lan: ['eth1'] },
  gatewayForwards: [{ id: 'ssh-gateway', name: 'ssh to the gateway', publicPort: 2222, localPort: 22 }],
  forwards: [
    { id: 'ssh-server', name: 'ssh to the server', publicPorts: '2022', target: '192.168.1.2', targetPort: 22 },
  ],
  ftp: { enabled: false, controlPorts: [21], servers: [], passiveOnly: false },
};
