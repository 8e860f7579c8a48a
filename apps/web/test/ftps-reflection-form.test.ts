import { PortForward } from '@gatehouse/rules/model';
import { describe, expect, it } from 'vitest';
import { ftpsReflectionInput, ftpsReflectionState } from '../src/lib/forward-form';

// The forward form's FTPS and reflection fields, both ways, through the model's own schema.
describe('forward form: FTPS and reflection', () => {
  const base = { id: 'ftps', name: 'FTPS', publicPorts: '21', target: '192.168.1.2' };

  it('a forward from before them is plain and follows the gateway, and saves without the fields', () => {
    const s = ftpsReflectionState({ ...base, reflection: undefined });
    expect(s).toEqual({ ftps: false, passivePorts: '', reflection: '' });
    expect(ftpsReflectionInput(s)).toEqual({});
  });

  it('round-trips an FTPS forward with its range and a reflection override', () => {
    const saved = { ...base, ftps: { passivePorts: '40000-40009' }, reflection: false };
    const s = ftpsReflectionState(saved);
    expect(s).toEqual({ ftps: true, passivePorts: '40000-40009', reflection: 'off' });
    const input = { ...base, ...ftpsReflectionInput({ ...s, passivePorts: ' 40000-40009 ' }) };
    expect(PortForward.parse(input)).toMatchObject({ ftps: { passivePorts: '40000-40009' }, reflection: false });
  });

  it('unticking FTPS drops the range; a ticked FTPS with no range is a field error on ftps.passivePorts', () => {
    expect(ftpsReflectionInput({ ftps: false, passivePorts: '40000-40009', reflection: 'on' })).toEqual({
      reflection: true,
    });
    const r = PortForward.safeParse({
      ...base,
      ...ftpsReflectionInput({ ftps: true, passivePorts: '', reflection: '' }),
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['ftps', 'passivePorts']);
  });
});
