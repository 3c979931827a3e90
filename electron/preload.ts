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

/** The part of ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function createBridgeApi(ipc: IpcRendererLike): TrykBridgeApi {
  return Object.freeze({
    async invoke(channel: string, payload: unknown): Promise<Result<unknown>> {
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
