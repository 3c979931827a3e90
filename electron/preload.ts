/**
 * The preload: exposes exactly `window.tryk` (TrykBridgeApi) over two IPC channels and nothing
 * else. It runs sandboxed, so it is bundled into one CommonJS file that requires only
 * `electron`. The channel names are repeated here rather than imported from
 * shared/bridge/wire.ts, whose zod schemas would be bundled along; a unit test keeps them equal.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { Result } from '../shared/bridge/result';
import type { TrykBridgeApi } from '../shared/bridge/wire';

export const IPC_INVOKE = 'tryk:invoke';
export const IPC_EVENT = 'tryk:event';
/**
 * The bridge's request limit (shared/bridge/contract.ts's MAX_REQUEST_BYTES, repeated like the
 * channel names; a unit test keeps them equal). Checked here, in the window's own process: the
 * main process only sees an IPC payload after Electron has deserialized it on its main thread,
 * so an oversized call must not leave the window at all. The main process checks again.
 */
export const MAX_REQUEST_BYTES = 2 * 1024 * 1024 + 4096;

/** UTF-8 bytes of the payload as JSON, or null when it is not JSON data. */
function requestBytes(payload: unknown): number | null {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch {
    return null;
  }
  if (text === undefined) return payload === undefined ? 0 : null;
  return text.length * 3 <= MAX_REQUEST_BYTES ? text.length : new TextEncoder().encode(text).length;
}

/** The part of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createBridgeApi(ipc: IpcRendererLike): TrykBridgeApi {
  return Object.freeze({
    async invoke(channel: string, payload: unknown): Promise<Result<unknown>> {
      const bytes = requestBytes(payload);
      if (bytes === null) return { ok: false, error: { code: 'bad_request', message: 'The request is not JSON data' } };
      if (bytes > MAX_REQUEST_BYTES) return { ok: false, error: { code: 'too_large', message: `Requests are limited to ${MAX_REQUEST_BYTES} bytes` } };
      try {
        return (await ipc.invoke(IPC_INVOKE, channel, payload)) as Result<unknown>;
      } catch {
        // The main process answers with Results; a rejection means the call never reached the
        // bridge (window closing, payload not cloneable). Keep the API total for the renderer.
        return { ok: false, error: { code: 'unavailable', message: 'The bridge did not answer' } };
      }
    },
    onEvent(listener: (event: string, payload: unknown) => void): () => void {
      // The IpcRendererEvent (sender, ports) stays here: the page only sees the name and payload.
      const forward = (_event: unknown, name: unknown, payload: unknown) => {
        if (typeof name === 'string') listener(name, payload);
      };
      ipc.on(IPC_EVENT, forward);
      return () => {
        ipc.removeListener(IPC_EVENT, forward);
      };
    },
  });
}

contextBridge.exposeInMainWorld('tryk', createBridgeApi(ipcRenderer));
