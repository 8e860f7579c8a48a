/**
 * The FTP helper's rule leaves out a control port only FTPS forwards expose
 * (render/helpers.ts helperRulePorts): their control channel is encrypted.
 * A port a plain forward also exposes keeps it; TFTP's ports are its own; a
 * forward change that can move the rule's ports is applied in full, not as
 * a map delta. The lab proof: lab-ftps-reflection.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile.js';
import { planForwardChange } from '../../src/delta.js';
import { GatewayModel, type GatewayModelInput } from '../../src/model.js';
import { helperRulePorts } from '../../src/render/helpers.js';

const FTPS = {
  id: 'ftps',
  name: 'FTPS',
  publicPorts: '21',
  target: '192.168.1.2',
  ftps: { passivePorts: '40000-40009' },
};
const PLAIN = { id: 'ftp', name: 'FTP', publicPorts: '2121', target: '192.168.1.2' };

const model = (over: Partial<GatewayModelInput> = {}) =>
  GatewayModel.parse({
    interfaces: { wan: 'eth0', lan: ['eth1'] },
    forwards: [FTPS, PLAIN],
    ftp: { enabled: true, controlPorts: [21, 2121], servers: ['192.168.1.2'] },
    ...over,
  });

describe('the FTP helper and FTPS control ports', () => {
  it('names only the control ports a plain forward exposes', () => {
    expect(helperRulePorts(model(), 'ftp')).toEqual([2121]);
    expect(compile(model())).toContain('tcp dport 2121 ct helper set "ftp-incoming"');
  });

  it('keeps a port a plain forward exposes too (on another server)', () => {
    const other = { id: 'ftp-21', name: 'FTP on 21', publicPorts: '2021', targetPort: 21, target: '192.168.1.3' };
    expect(helperRulePorts(model({ forwards: [FTPS, PLAIN, other] }), 'ftp')).toEqual([21, 2121]);
  });

  it('drops the rule when every control port is FTPS-only', () => {
    const m = model({ forwards: [FTPS], ftp: { enabled: true, controlPorts: [21] } });
    expect(helperRulePorts(m, 'ftp')).toEqual([]);
    expect(compile(m)).not.toContain('ct helper set "ftp-incoming"');
  });

  it('leaves TFTP ports alone', () => {
    const tftp = { id: 'tftp', name: 'TFTP', protocol: 'udp' as const, publicPorts: '69', target: '192.168.1.2' };
    const m = model({ forwards: [FTPS, PLAIN, tftp], tftp: { enabled: true, ports: [69] } });
    expect(helperRulePorts(m, 'tftp')).toEqual([69]);
  });

  it('applies in full a forward change that moves the rule’s ports, even with the servers listed', () => {
    const before = model({ forwards: [{ ...FTPS, ftps: undefined }, PLAIN] });
    expect(helperRulePorts(before, 'ftp')).toEqual([21, 2121]);
    const plan = planForwardChange(before, model(), ['ftps']);
    expect(plan).toMatchObject({ kind: 'full' });
  });
});
