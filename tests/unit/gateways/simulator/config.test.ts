import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../electron/gateways/gateway';
import { SIMULATOR_DEFAULTS, parseSimulatorUrl } from '../../../../electron/gateways/simulator/config';

function errorOf(url: string): GatewayError {
  try {
    parseSimulatorUrl(url);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('bad_gateway_url');
    return error as GatewayError;
  }
  throw new Error('expected parseSimulatorUrl to throw');
}

describe('parseSimulatorUrl', () => {
  it('gives the documented defaults for a bare address', () => {
    expect(parseSimulatorUrl('simulator://')).toEqual(SIMULATOR_DEFAULTS);
    expect(parseSimulatorUrl('simulator://?')).toEqual(SIMULATOR_DEFAULTS);
    expect(SIMULATOR_DEFAULTS).toMatchObject({ tps: 200, latencyMs: 50, dlrDelayMs: 2000, fail: 0.02, absent: 0.01, expire: 0.005, invalid: 0.005, throttleEverySeconds: 0, replies: 0.01, seed: 1 });
  });

  it('reads the example URL and every option', () => {
    expect(
      parseSimulatorUrl(
        'simulator://?tps=500&window=7&latency=10&dlrDelay=300&fail=0.1&absent=.2&expire=0&invalid=0.05&throttle=30&throttleFor=3&replies=1&surveyReplies=0.5&replyDelay=9&replyTo=%2B4511223344&seed=42&pace=0',
      ),
    ).toEqual({
      tps: 500,
      window: 7,
      latencyMs: 10,
      dlrDelayMs: 300,
      fail: 0.1,
      absent: 0.2,
      expire: 0,
      invalid: 0.05,
      throttleEverySeconds: 30,
      throttleForSeconds: 3,
      replies: 1,
      surveyReplies: 0.5,
      replyDelayMs: 9,
      replyTo: '+4511223344',
      seed: 42,
      pace: false,
    });
    expect(parseSimulatorUrl('simulator://').pace).toBe(true);
  });

  it.each([
    ['smpp://?tps=1', /simulator:\/\//],
    ['simulator://host?tps=1', /no host/],
    ['simulator:///path', /path/],
    ['simulator://?tps=-1', /tps/],
    ['simulator://?fail=1.5', /fail: must be a number from 0 to 1/],
    ['simulator://?fail=x', /fail/],
    ['simulator://?fail=0.5&absent=0.6', /must not exceed 1/],
    ['simulator://?throttle=5&throttleFor=5', /throttleFor must be shorter/],
    ['simulator://?window=0', /window/],
    ['simulator://?replyTo=abc', /replyTo/],
    ['simulator://?seed=1&seed=2', /twice/],
    ['simulator://?speed=1', /unknown setting speed/],
  ])('rejects %s', (url, message) => {
    expect(errorOf(url).message).toMatch(message);
  });
});
