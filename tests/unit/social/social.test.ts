import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { xTextFacts } from '../../../shared/social/xtext';
import { drawAreaPng } from '../../../electron/social/picture';
import { backoffMs, nextPollDelayMs } from '../../../electron/social/schedule';
import { viralShare, FOUR_HOURS_MS } from '../../../electron/social/simulator';
import { describeSocial, parseSocialUrl } from '../../../electron/social/url';

describe('X text weight (twitter-text)', () => {
  it('weighs links as 23, CJK and emoji as 2, Danish letters as 1', () => {
    expect(xTextFacts('æøå').weighted).toBe(3);
    expect(xTextFacts(`Se https://politi.dk/${'a'.repeat(200)}`).weighted).toBe(3 + 23);
    expect(xTextFacts('警察').weighted).toBe(4);
    expect(xTextFacts('🚓').weighted).toBe(2);
    expect(xTextFacts('x'.repeat(280)).valid).toBe(true);
    expect(xTextFacts('x'.repeat(281)).valid).toBe(false);
  });
});

describe('channel URLs', () => {
  it('reads a Facebook Page and an X account, defaults to the real APIs, never describes the token', () => {
    const fb = parseSocialUrl('facebook://123456?token=SECRET');
    expect(fb).toMatchObject({ kind: 'facebook', account: '123456', token: 'SECRET', api: 'https://graph.facebook.com', pollSeconds: 60, speedup: 1 });
    expect(parseSocialUrl('x://?token=T&api=http://127.0.0.1:9000/')).toMatchObject({ kind: 'x', account: '', api: 'http://127.0.0.1:9000' });
    expect(JSON.stringify(describeSocial(fb))).not.toMatch(/SECRET/);
  });

  it.each([
    ['facebook://123', /needs token/],
    ['x://someone?token=t', /no account in its URL/],
    ['facebook://p?token=t&api=http://example.org', /https, or http on 127/],
    ['facebook://p?token=t&speedup=0', /speedup= must be/],
    ['facebook://p?token=t&frob=1', /Unknown channel setting frob/],
    ['instagram://p?token=t', /Unknown channel scheme/],
    ['not a url', /not a URL/],
    ['x://?token=t&refresh=r', /needs client=/],
    ['facebook://p?token=t&refresh=r&client=c', /refresh= is for X/],
  ])('refuses %s with its reason', (url, reason) => {
    expect(() => parseSocialUrl(url)).toThrow(reason);
  });
});

describe('schedules', () => {
  it('polls every minute the first hour, every 5 minutes to 6 h, hourly to 48 h, then stops', () => {
    expect(nextPollDelayMs(0)).toBe(60_000);
    expect(nextPollDelayMs(59 * 60_000)).toBe(60_000);
    expect(nextPollDelayMs(61 * 60_000)).toBe(300_000);
    expect(nextPollDelayMs(7 * 3600_000)).toBe(3600_000);
    expect(nextPollDelayMs(48 * 3600_000)).toBeNull();
    // A demo's poll=5 scales the whole schedule.
    expect(nextPollDelayMs(0, 5)).toBe(5000);
    expect(nextPollDelayMs(301_000, 5)).toBe(25_000);
  });

  it('backs off 2, 4, 8 … s to at most 5 minutes, with jitter', () => {
    expect(backoffMs(1, () => 0.5)).toBe(2000);
    expect(backoffMs(3, () => 0.5)).toBe(8000);
    expect(backoffMs(30, () => 0.5)).toBe(300_000);
    expect(backoffMs(1, () => 0)).toBe(1500);
  });

  it('the simulator’s viral curve: 800,000 × 97 % in four hours, rising all the way', () => {
    expect(viralShare(0)).toBe(0);
    expect(viralShare(FOUR_HOURS_MS)).toBeGreaterThan(0.95);
    expect(viralShare(FOUR_HOURS_MS / 4)).toBeLessThan(viralShare(FOUR_HOURS_MS / 2));
  });
});

describe('the area picture', () => {
  it('draws the included part in blue and an excluded one in red on white, as a PNG', async () => {
    const square = (x: number, y: number, s: number): [number, number][] => [
      [x, y],
      [x + s, y],
      [x + s, y + s],
      [x, y + s],
      [x, y],
    ];
    const png = (await drawAreaPng([
      { mode: 'include', rings: [square(12.2, 55.9, 0.2)] },
      { mode: 'exclude', rings: [square(12.28, 55.98, 0.04)] },
    ]))!;
    const img = PNG.sync.read(png);
    expect([img.width, img.height]).toEqual([1200, 630]);
    const colours = new Set<string>();
    for (let i = 0; i < img.data.length; i += 4) colours.add(`${img.data[i]},${img.data[i + 1]},${img.data[i + 2]}`);
    expect(colours).toEqual(new Set(['255,255,255', '0,51,153', '200,30,30']));
    expect(await drawAreaPng([])).toBeNull();
  });
});
