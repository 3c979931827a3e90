/**
 * The preload against a fake `electron` module (the binary cannot run here), and its bundle
 * checked for what a sandboxed preload may contain: one CommonJS file requiring only electron.
 */
import type { EventEmitter } from 'node:events';
import path from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_REQUEST_BYTES } from '../../../shared/bridge/contract';
import * as wire from '../../../shared/bridge/wire';
import type { TrykBridgeApi } from '../../../shared/bridge/wire';

const fakeElectron = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  const invocations: unknown[][] = [];
  return { exposed, invocations, answer: undefined as undefined | ((...args: unknown[]) => Promise<unknown>) };
});

const ipc = vi.hoisted(() => ({ emitter: null as null | EventEmitter }));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const emitter = new Emitter();
  ipc.emitter = emitter;
  return {
    contextBridge: {
      exposeInMainWorld: (key: string, api: unknown) => fakeElectron.exposed.set(key, api),
    },
    ipcRenderer: {
      invoke: (...args: unknown[]) => {
        fakeElectron.invocations.push(args);
        return fakeElectron.answer ? fakeElectron.answer(...args) : Promise.resolve({ ok: true, value: null });
      },
      on: (channel: string, listener: (...args: unknown[]) => void) => emitter.on(channel, listener),
      removeListener: (channel: string, listener: (...args: unknown[]) => void) => emitter.removeListener(channel, listener),
    },
  };
});

// A path the type checker does not follow: preload.ts belongs to the entry tsconfig, not this project's.
const preloadModule = '../../../electron/preload.ts';
let preload: { IPC_INVOKE: string; IPC_EVENT: string; MAX_REQUEST_BYTES: number };
let api: TrykBridgeApi;

beforeAll(async () => {
  preload = (await import(/* @vite-ignore */ preloadModule)) as typeof preload;
  api = fakeElectron.exposed.get('tryk') as TrykBridgeApi;
});

describe('preload', () => {
  it('exposes exactly one thing, window.tryk, with only invoke and onEvent', () => {
    expect([...fakeElectron.exposed.keys()]).toEqual(['tryk']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'onEvent']);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('uses the same IPC channel names as shared/bridge/wire.ts', () => {
    expect(preload.IPC_INVOKE).toBe(wire.IPC_INVOKE);
    expect(preload.IPC_EVENT).toBe(wire.IPC_EVENT);
  });

  it("refuses a request over the bridge's limit before it leaves the window (the main process would deserialize it first)", async () => {
    expect(preload.MAX_REQUEST_BYTES).toBe(MAX_REQUEST_BYTES);
    const before = fakeElectron.invocations.length;
    expect(await api.invoke('target.count', { padding: 'x'.repeat(MAX_REQUEST_BYTES) })).toMatchObject({ ok: false, error: { code: 'too_large' } });
    // Characters that take 3 bytes each: under the limit in length, over it in bytes.
    expect(await api.invoke('target.count', { padding: '€'.repeat(Math.ceil(MAX_REQUEST_BYTES / 2.5)) })).toMatchObject({ ok: false, error: { code: 'too_large' } });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(await api.invoke('target.count', cyclic)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(fakeElectron.invocations.length).toBe(before);
    expect(await api.invoke('target.count', { padding: 'x'.repeat(1000) })).toMatchObject({ ok: true });
    expect(fakeElectron.invocations.length).toBe(before + 1);
  });

  it('invokes the one bridge channel with the call channel and payload, and returns the Result', async () => {
    fakeElectron.answer = async () => ({ ok: true, value: 42 });
    await expect(api.invoke('app.status', {})).resolves.toEqual({ ok: true, value: 42 });
    expect(fakeElectron.invocations.at(-1)).toEqual([wire.IPC_INVOKE, 'app.status', {}]);
  });

  it('turns an IPC rejection into an unavailable Result instead of throwing into the page', async () => {
    fakeElectron.answer = async () => {
      throw new Error('An object could not be cloned');
    };
    await expect(api.invoke('app.status', {})).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('forwards events as (name, payload) without the IpcRendererEvent, and the returned function stops them', () => {
    const emitter = ipc.emitter as EventEmitter;
    const seen: unknown[][] = [];
    const stop = api.onEvent((...args: unknown[]) => seen.push(args));
    const ipcEvent = { sender: { send() {} }, ports: [] };
    emitter.emit(wire.IPC_EVENT, ipcEvent, 'app.statusChanged', { n: 1 });
    emitter.emit(wire.IPC_EVENT, ipcEvent, 42, { n: 2 });
    expect(seen).toEqual([['app.statusChanged', { n: 1 }]]);
    stop();
    emitter.emit(wire.IPC_EVENT, ipcEvent, 'app.statusChanged', { n: 3 });
    expect(seen).toHaveLength(1);
    expect(emitter.listenerCount(wire.IPC_EVENT)).toBe(0);
  });

  it('bundles into one CommonJS file that requires only electron (sandbox-compatible)', async () => {
    const result = await build({
      entryPoints: [path.resolve(import.meta.dirname, '../../../electron/preload.ts')],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      external: ['electron'],
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.text ?? '';
    const required = [...code.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    // Only the preload itself goes in: no zod, no shared modules with runtime code.
    expect(Object.keys(result.metafile.inputs)).toEqual(['electron/preload.ts']);
  });
});
