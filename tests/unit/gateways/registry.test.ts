/**
 * electron/gateways/registry.ts: the gateway for each scheme, and descriptions without
 * credentials. (Here rather than in a tests/unit/gateways/registry file only because of
 * which folders this change could touch.)
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference
/// <reference path="../../../electron/gateways/smpp/smpp.d.ts" />
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../../electron/gateways/gateway';
import { GatewayError } from '../../../electron/gateways/gateway';
import { KannelGateway } from '../../../electron/gateways/kannel/connector';
import { createGateway, describeGateway } from '../../../electron/gateways/registry';
import { SimulatorGateway } from '../../../electron/gateways/simulator/connector';
import { SmppGateway } from '../../../electron/gateways/smpp/connector';
import { TestSmsc } from '../../support/smsc/server';
import { memoryLog } from '../../support/log';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function errorOf(action: () => unknown): GatewayError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    return error as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('createGateway', () => {
  it.each([
    ['simulator://?tps=200&fail=0.02', SimulatorGateway],
    ['smpp://system_id:password@127.0.0.1:2775?tps=50&window=10&binds=2', SmppGateway],
    ['kannel://user:pass@127.0.0.1:13013?smsc=X', KannelGateway],
    ['  SIMULATOR://?seed=3', SimulatorGateway],
  ])('makes the right gateway for %s', (url, type) => {
    expect(createGateway(url)).toBeInstanceOf(type);
  });

  it('gives a working simulator that logs its state without secrets', async () => {
    const { log, messages } = memoryLog();
    const gateway = createGateway('simulator://?tps=0&latency=0&fail=0&absent=0&expire=0&invalid=0', { log });
    cleanups.push(() => gateway.close());
    await gateway.connect();
    expect(await gateway.submit({ ref: 'r', to: '+4512345678', text: 'Hej' })).toMatchObject({ kind: 'accepted' });
    expect(messages()).toEqual([expect.stringMatching(/^gateway simulator: connecting/), expect.stringMatching(/^gateway simulator: connected/)]);
  });

  it('gives an SMPP gateway that binds with the URL credentials and the injected clock', async () => {
    const smsc = await TestSmsc.start({ password: 'pw' });
    cleanups.push(() => smsc.close());
    let clockCalls = 0;
    const gateway: Gateway = createGateway(smsc.url('tps=10', 'tryk:pw'), {
      now: () => {
        clockCalls++;
        return performance.now();
      },
    });
    cleanups.push(() => gateway.close());
    await gateway.connect();
    expect(smsc.boundConnections).toBe(1);
    expect(gateway.capacity()).toMatchObject({ tps: 10 });
    expect(clockCalls).toBeGreaterThan(0);
  });

  it.each([
    ['http://u:secret@127.0.0.1', /Unknown gateway type "http:\/\/"/],
    ['SECRETSTUFF', /no type/],
    ['', /no type/],
    ['mailto:secret@example.com', /Unknown gateway type "mailto:\/\/"/],
  ])('refuses %s with unknown_scheme and no secret in the message', (url, message) => {
    const error = errorOf(() => createGateway(url));
    expect(error.code).toBe('unknown_scheme');
    expect(error.message).toMatch(message);
    expect(error.message.toLowerCase()).not.toContain('secret');
  });

  it('passes on the parser errors of a known scheme', () => {
    expect(errorOf(() => createGateway('kannel://u:topsecret@127.0.0.1?tps=x'))).toMatchObject({ code: 'bad_gateway_url' });
    expect(errorOf(() => createGateway('kannel://u:topsecret@127.0.0.1?tps=x')).message).not.toContain('topsecret');
  });
});

describe('describeGateway', () => {
  it.each([
    ['smpp://sys:pw123@10.0.0.5:2775?tps=50&window=10&binds=2', { kind: 'smpp', host: '10.0.0.5:2775', tps: 50, window: 20 }],
    ['smpp://sys:pw123@smsc.example', { kind: 'smpp', host: 'smsc.example:2775', tps: 50, window: 10 }],
    ['kannel://user:pw123@127.0.0.1:13013?smsc=X&tps=80&window=4', { kind: 'kannel', host: '127.0.0.1:13013', tps: 80, window: 4 }],
    ['kannel://user:pw123@[::1]?smsc=X', { kind: 'kannel', host: '[::1]:13013', tps: 50, window: 10 }],
    ['simulator://?tps=200&fail=0.02', { kind: 'simulator', tps: 200, window: 100 }],
  ])('describes %s without credentials', (url, expected) => {
    const description = describeGateway(url);
    expect(description).toEqual(expected);
    expect(JSON.stringify(description)).not.toMatch(/pw123|sys|user/);
  });

  it('refuses unknown schemes', () => {
    expect(errorOf(() => describeGateway('ftp://x')).code).toBe('unknown_scheme');
  });
});
