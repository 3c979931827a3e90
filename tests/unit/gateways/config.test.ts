import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../electron/gateways/gateway';
import { parseSmppUrl, sourceAddress } from '../../../electron/gateways/smpp/config';
import { redactUrl } from '../../../electron/gateways/url';

function errorOf(url: string): GatewayError {
  try {
    parseSmppUrl(url);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected parseSmppUrl to throw');
}

describe('parseSmppUrl', () => {
  it('reads the example URL of the issue', () => {
    expect(parseSmppUrl('smpp://system_id:password@127.0.0.1:2775?tps=50&window=10&binds=2&system_type=&source=TRYK&packed=0&payload=0')).toEqual({
      host: '127.0.0.1',
      port: 2775,
      systemId: 'system_id',
      password: 'password',
      systemType: '',
      tps: 50,
      window: 10,
      binds: 2,
      source: 'TRYK',
      sourceTon: 5,
      sourceNpi: 0,
      packed: false,
      payload: false,
      enquireLinkSeconds: 30,
      responseTimeoutSeconds: 30,
      validityMinutes: 0,
      reconnectMinMs: 1000,
      reconnectMaxMs: 30_000,
    });
  });

  it('applies defaults and reads every option', () => {
    const config = parseSmppUrl(
      'smpp://u:p@localhost?tps=0&window=1&binds=16&system_type=VMA&source=%2B4512345678&packed=1&payload=true&enquire_link=5&timeout=7&validity=1440&reconnect_min_ms=10&reconnect_max_ms=20',
    );
    expect(config).toMatchObject({
      port: 2775,
      tps: 0,
      window: 1,
      binds: 16,
      systemType: 'VMA',
      source: '4512345678',
      sourceTon: 1,
      sourceNpi: 1,
      packed: true,
      payload: true,
      enquireLinkSeconds: 5,
      responseTimeoutSeconds: 7,
      validityMinutes: 1440,
      reconnectMinMs: 10,
      reconnectMaxMs: 20,
    });
  });

  it('percent-decodes credentials', () => {
    expect(parseSmppUrl('smpp://a%40b:p%3Aw%25@127.0.0.1')).toMatchObject({ systemId: 'a@b', password: 'p:w%' });
  });

  it('lets source_ton and source_npi override the guess', () => {
    expect(parseSmppUrl('smpp://u:p@h?source=1999&source_ton=3&source_npi=0')).toMatchObject({ source: '1999', sourceTon: 3, sourceNpi: 0 });
  });

  it.each([
    ['http://u:p@127.0.0.1', /smpp:\/\//],
    ['not a url', /not a valid URL/],
    ['smpp://127.0.0.1', /no system_id/],
    ['smpp://u:p@127.0.0.1/path', /path/],
    ['smpp://u:p@127.0.0.1:0', /port/],
    ['smpp://u:p@127.0.0.1?tps=-1', /tps/],
    ['smpp://u:p@127.0.0.1?tps=fast', /tps: must be a whole number/],
    ['smpp://u:p@127.0.0.1?window=0', /window/],
    ['smpp://u:p@127.0.0.1?binds=17', /binds/],
    ['smpp://u:p@127.0.0.1?packed=yes', /packed/],
    ['smpp://u:p@127.0.0.1?tsp=5', /unknown setting tsp/],
    ['smpp://u:p@127.0.0.1?tps=1&tps=2', /twice/],
    ['smpp://u:p@127.0.0.1?source=PolitiDanmark', /at most 11/],
    ['smpp://u:p@127.0.0.1?reconnect_min_ms=500&reconnect_max_ms=100', /reconnect_min_ms/],
    ['smpp://abcdefghijklmnop:p@127.0.0.1', /system_id must be/],
    ['smpp://u:%E0%A4%A@127.0.0.1', /percent-encoded/],
  ])('refuses %s', (url, message) => {
    const error = errorOf(url);
    expect(error.code).toBe('bad_gateway_url');
    expect(error.message).toMatch(message);
  });

  it('never puts the password in an error message', () => {
    const secret = 'Hemm3l1g';
    for (const url of [
      `smpp://u:${secret}@127.0.0.1?tps=x`,
      `smpp://u:${secret}@127.0.0.1/p`,
      `smpp://u:${secret}toolong@127.0.0.1`,
      `smpp:// u:${secret}@`,
      `smpp://u:${secret}@[::1`,
      `ftp://u:${secret}@127.0.0.1`,
    ]) {
      expect(errorOf(url).message).not.toContain(secret);
    }
  });

  it('redacts the password for display', () => {
    expect(redactUrl('smpp://u:secret@127.0.0.1:2775?tps=5')).toBe('smpp://u:••••@127.0.0.1:2775?tps=5');
    expect(redactUrl('::')).toBe('(invalid URL)');
  });
});

describe('sourceAddress', () => {
  it.each([
    ['Politi', { addr: 'Politi', ton: 5, npi: 0 }],
    ['+4533148888', { addr: '4533148888', ton: 1, npi: 1 }],
    ['1999', { addr: '1999', ton: 0, npi: 1 }],
    ['112 Info', { addr: '112 Info', ton: 5, npi: 0 }],
  ])('%s', (source, expected) => {
    expect(sourceAddress(source)).toEqual(expected);
  });
});
