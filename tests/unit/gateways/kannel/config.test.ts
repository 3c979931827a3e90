import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../electron/gateways/gateway';
import { parseKannelUrl } from '../../../../electron/gateways/kannel/config';
import { redactUrl } from '../../../../electron/gateways/url';

function errorOf(url: string): GatewayError {
  try {
    parseKannelUrl(url);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('bad_gateway_url');
    return error as GatewayError;
  }
  throw new Error('expected parseKannelUrl to throw');
}

describe('parseKannelUrl', () => {
  it('reads the example URL', () => {
    expect(parseKannelUrl('kannel://user:pass@127.0.0.1:13013?smsc=X&from=Politi&tps=50&dlrListen=127.0.0.1:0&coding=auto')).toEqual({
      host: '127.0.0.1',
      port: 13013,
      username: 'user',
      password: 'pass',
      smsc: 'X',
      from: 'Politi',
      tps: 50,
      window: 10,
      listenHost: '127.0.0.1',
      listenPort: 0,
      coding: 'auto',
      dlrMask: 31,
      validityMinutes: 0,
      timeoutSeconds: 30,
    });
  });

  it('applies defaults and reads every option', () => {
    expect(parseKannelUrl('kannel://u:p@kannel.local')).toMatchObject({ port: 13013, smsc: '', from: '', tps: 50, listenPort: 0, coding: 'auto' });
    expect(
      parseKannelUrl('kannel://u%40x:p%3Aw@[::1]:8080?tps=0&window=3&dlrListen=[::1]:8123&coding=ucs2&dlrMask=3&validity=60&timeout=5'),
    ).toMatchObject({ host: '::1', port: 8080, username: 'u@x', password: 'p:w', tps: 0, window: 3, listenHost: '::1', listenPort: 8123, coding: 'ucs2', dlrMask: 3, validityMinutes: 60, timeoutSeconds: 5 });
  });

  it.each([
    ['smpp://u:p@127.0.0.1', /kannel:\/\//],
    ['not a url', /not a valid URL/],
    ['kannel://127.0.0.1', /no sendsms username/],
    ['kannel://u@127.0.0.1', /no sendsms password/],
    ['kannel://u:p@127.0.0.1/cgi-bin', /path/],
    ['kannel://u:p@127.0.0.1:0', /port/],
    ['kannel://u:p@127.0.0.1?tps=-1', /tps/],
    ['kannel://u:p@127.0.0.1?tps=fast', /tps: must be a whole number/],
    ['kannel://u:p@127.0.0.1?window=0', /window/],
    ['kannel://u:p@127.0.0.1?coding=latin1', /coding/],
    ['kannel://u:p@127.0.0.1?dlrMask=32', /dlrMask/],
    ['kannel://u:p@127.0.0.1?smsc=a%20b', /smsc/],
    ['kannel://u:p@127.0.0.1?dlrListen=8080', /dlrListen: must be host:port/],
    ['kannel://u:p@127.0.0.1?dlrListen=0.0.0.0:8080', /loopback/],
    ['kannel://u:p@127.0.0.1?dlrListen=127.0.0.1:70000', /0–65535/],
    ['kannel://u:p@127.0.0.1?tps=1&tps=2', /twice/],
    ['kannel://u:p@127.0.0.1?speed=1', /unknown setting speed/],
  ])('rejects %s', (url, message) => {
    expect(errorOf(url).message).toMatch(message);
  });

  it('never puts the password in an error', () => {
    for (const url of ['kannel://u:hunter2@127.0.0.1?tps=x', 'kannel://u:hunter2@127.0.0.1:99999', 'kannel://u:hunter2@127.0.0.1?dlrListen=10.0.0.1:1']) {
      expect(errorOf(url).message).not.toContain('hunter2');
    }
  });

  it('redacts the password', () => {
    expect(redactUrl('kannel://u:hunter2@127.0.0.1:13013?smsc=X')).toBe('kannel://u:••••@127.0.0.1:13013?smsc=X');
    expect(redactUrl('%%%')).toBe('(invalid URL)');
  });
});
