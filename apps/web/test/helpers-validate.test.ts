/**
 * The Helpers page's checks (features/ftp/components/validate.ts): each
 * card's section against the model's own schema and the forwards, placed on
 * the card's fields and said in the operator's language, and the as-typed
 * problem of a port or server about to be added.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { problems, validateFtp, validateTftp } from '../src/features/ftp/components/validate';
import i18n from '../src/lib/i18n';
import type { Api } from '../src/lib/types';

const forward = (f: Partial<Api['PortForward']>): Api['PortForward'] => ({
  id: 'x',
  name: 'x',
  enabled: true,
  protocol: 'tcp',
  publicPorts: '21',
  target: '192.168.1.2',
  allowedSources: [],
  comment: '',
  ...f,
});
const FORWARDS = [
  forward({ id: 'ftp' }),
  forward({ id: 'tftp', protocol: 'udp', publicPorts: '69', target: '192.168.1.3' }),
];

afterEach(async () => {
  await i18n.changeLanguage('en');
});

describe('the TFTP card', () => {
  it('is clean with a UDP forward on its port, and names the field otherwise', () => {
    expect(validateTftp({ enabled: true, ports: [69], servers: [] }, FORWARDS)).toEqual({});
    expect(validateTftp({ enabled: true, ports: [1069], servers: [] }, FORWARDS)).toEqual({
      ports: 'No enabled UDP forward exposes port 1069 on any server.',
    });
    expect(validateTftp({ enabled: true, ports: [69], servers: ['192.168.1.2'] }, FORWARDS)).toMatchObject({
      ports: 'No enabled UDP forward exposes port 69 on 192.168.1.2.',
      servers: 'No enabled UDP forward targets 192.168.1.2.',
    });
    // Off, it is not checked against the forwards.
    expect(validateTftp({ enabled: false, ports: [1069], servers: [] }, FORWARDS)).toEqual({});
  });

  it('says it in Japanese too', async () => {
    await i18n.changeLanguage('ja');
    expect(validateTftp({ enabled: true, ports: [1069], servers: [] }, FORWARDS).ports).toBe(
      'ポート 1069 を公開している有効な UDP フォワードがありません。',
    );
  });

  it('flags a port or server as typed: twice, out of range, not an address', () => {
    expect(problems.tftpPort('69', [69])).toBe('A port is listed twice.');
    expect(problems.tftpPort('70000', [69])).toMatch(/65535/);
    expect(problems.tftpPort('1069', [69])).toBeNull();
    expect(problems.tftpPort('', [69])).toBeNull();
    expect(problems.server('192.168.1.300', [])).toMatch(/IPv4/);
    expect(problems.server('192.168.1.3', [])).toBeNull();
  });
});

describe('the FTP card', () => {
  it('keeps its checks: a control port twice, passive-only without the helper', () => {
    expect(problems.ftpPort('21', [21])).toBe('A control port is listed twice.');
    expect(validateFtp({ enabled: false, controlPorts: [21], servers: [], passiveOnly: true }, FORWARDS)).toEqual({
      passiveOnly: 'Passive-only needs the FTP helper switched on.',
    });
    expect(validateFtp({ enabled: true, controlPorts: [21], servers: [], passiveOnly: true }, FORWARDS)).toEqual({});
  });
});
