import { describe, expect, it, vi } from 'vitest';
import { createDispatcher, newSession } from '../../../electron/bridge/dispatcher';
import type { Caller, Handlers } from '../../../electron/bridge/dispatcher';
import { createLog, silentLog } from '../../../electron/log';
import { memoryLog } from '../../support/log';
import { TrykError } from '../../../shared/bridge/result';

const officer = (roles: ('operator' | 'approver' | 'admin')[]) => ({ id: 1, username: 'jensen', displayName: 'Jensen', roles });

function setup(overrides: Partial<Handlers> = {}, idleMs = 0) {
  const locks: string[] = [];
  const refused: [string, string][] = [];
  const failed: string[] = [];
  const log = createLog({
    level: 'debug',
    destination: {
      write(line: string) {
        const entry = JSON.parse(line) as { channel: string; code?: string };
        if (entry.code) refused.push([entry.channel, entry.code]);
        else failed.push(line);
      },
    },
  });
  let clock = 1_000_000;
  const statusHandle = vi.fn(async () => ({ fake: true }));
  const handlers = {
    'app.status': { passive: true, handle: statusHandle },
    'boundaries.list': { roles: ['operator'], handle: async () => [] },
    'boundaries.outlines': {
      handle: async () => {
        throw new Error('disk on fire with +4526123456');
      },
    },
    'boundaries.search': {
      handle: async () => {
        throw new TrykError('not_found', 'no such place');
      },
    },
    ...overrides,
  } as unknown as Handlers;
  const dispatch = createDispatcher(handlers, log, { now: () => clock, idleLockMs: () => idleMs, onIdleLock: (o) => void locks.push(o.username) });
  const caller: Caller = { host: 'headless', session: newSession() };
  return { dispatch, caller, refused, failed, locks, statusHandle, tick: (ms: number) => (clock += ms) };
}

describe('the dispatcher', () => {
  it('refuses unknown channels and schema failures with codes, and never calls the handler', async () => {
    const { dispatch, caller, refused, statusHandle } = setup();
    expect(await dispatch(caller, 'app.delete', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await dispatch(caller, { toString: () => 'x' }, {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    const bad = await dispatch(caller, 'app.status', { extra: 1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(statusHandle).not.toHaveBeenCalled();
    expect(refused.map((r) => r[1])).toEqual(['unknown_channel', 'unknown_channel', 'bad_request']);
  });

  it('answers unexpected failures as internal without passing their message (it may hold personal data) to the caller', async () => {
    const { dispatch, caller, failed } = setup();
    const r = await dispatch(caller, 'boundaries.outlines', { kind: 'postcode' });
    expect(r).toEqual({ ok: false, error: { code: 'internal', message: 'boundaries.outlines failed unexpectedly' } });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain('disk on fire');
    expect(failed[0]).not.toContain('26123456');
  });

  it('passes a service error code through', async () => {
    const { dispatch, caller } = setup();
    expect(await dispatch(caller, 'boundaries.search', { query: 'x' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'no such place' },
    });
  });

  it('asks for sign-in, then for the right role', async () => {
    const { dispatch, caller } = setup();
    expect(await dispatch(caller, 'boundaries.list', { kind: 'postcode' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    caller.session.officer = officer(['admin']);
    expect(await dispatch(caller, 'boundaries.list', { kind: 'postcode' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    caller.session.officer = officer(['operator']);
    expect(await dispatch(caller, 'boundaries.list', { kind: 'postcode' })).toEqual({ ok: true, value: [] });
  });

  it('locks an idle session; passive calls neither count as activity nor are refused', async () => {
    const { dispatch, caller, tick, locks } = setup({}, 60_000);
    caller.session.officer = officer(['operator']);
    caller.session.lastActivity = 1_000_000; // signed in just now
    expect((await dispatch(caller, 'boundaries.list', { kind: 'postcode' })).ok).toBe(true);
    tick(50_000);
    expect((await dispatch(caller, 'app.status', {})).ok).toBe(true);
    tick(20_000); // 70 s since the last real action
    const r = await dispatch(caller, 'boundaries.list', { kind: 'postcode' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unauthorized', details: { reason: 'idle_lock' } } });
    expect(caller.session.officer).toBeNull();
    expect(locks).toEqual(['jensen']); // told once, so the console audits the lock
  });
});

describe('the console log', () => {
  // Before: a made-up channel name (the caller's text) was echoed into the log.
  it('names real channels only, never a made-up one', async () => {
    const { log, lines, messages } = memoryLog();
    const dispatch = createDispatcher({ 'boundaries.list': { roles: ['operator'], handle: async () => [] } } as unknown as Handlers, log);
    const caller: Caller = { host: 'headless', session: newSession() };
    await dispatch(caller, '<img src=x onerror=alert(1)> +4512345678', {});
    await dispatch(caller, 'boundaries.list', { kind: 'postcode' });
    expect(messages()).toEqual(['bridge: refused (unknown channel) (unknown_channel)', 'bridge: refused boundaries.list (unauthorized)']);
    expect(lines.join('\n')).not.toMatch(/img|12345678/);
  });

  it('turns a store fault in a handler into one clear line, not "failed unexpectedly"', async () => {
    const dispatch = createDispatcher(
      { 'app.status': { handle: async () => { throw Object.assign(new Error('SQLITE_CORRUPT: database disk image is malformed'), { code: 'SQLITE_CORRUPT' }); } } } as unknown as Handlers,
      silentLog(),
    );
    const r = await dispatch({ host: 'headless', session: newSession() }, 'app.status', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'store_corrupt', message: expect.stringMatching(/damaged/) } });
  });
});
