import { describe, expect, it } from 'vitest';
import { connectionRoleChange, roleOf, withRole } from '../src/features/gateway/components/roles';

const lab = { wan: 'eth0', lan: ['eth1'] };

describe('interface roles in the Gateway form', () => {
  it('a new WAN takes the place of the old one, which becomes unused', () => {
    const next = withRole(lab, 'eth1', 'wan');
    expect(next).toEqual({ wan: 'eth1', lan: [] });
    expect(roleOf(next, 'eth0')).toBe('none');
  });

  it('giving the WAN another role leaves no WAN (the schema then asks for one)', () => {
    expect(withRole(lab, 'eth0', 'lan')).toEqual({ wan: '', lan: ['eth1', 'eth0'] });
    expect(withRole(lab, 'eth0', 'none')).toEqual({ wan: '', lan: ['eth1'] });
  });

  it('an interface is listed once as LAN', () => {
    expect(withRole(lab, 'eth1', 'lan')).toEqual(lab);
  });

  it('warns only when the interface the browser is connected through changes role', () => {
    const swapped = withRole(withRole(lab, 'eth1', 'wan'), 'eth0', 'lan');
    expect(connectionRoleChange(lab, swapped, 'eth1')).toEqual({ from: 'lan', to: 'wan' });
    expect(connectionRoleChange(lab, withRole(lab, 'wg0', 'lan'), 'eth1')).toBeNull();
    expect(connectionRoleChange(lab, withRole(lab, 'eth1', 'none'), 'eth1')).toEqual({ from: 'lan', to: 'none' });
    expect(connectionRoleChange(lab, swapped, null)).toBeNull();
  });
});
