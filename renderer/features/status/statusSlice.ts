import type { AppStatus, GatewaySummary } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import type { ConnectionState } from '../../lib/bridge';
import type { AppState, SliceCreator } from '../../store';

export interface StatusSlice {
  appStatus: AppStatus | null;
  statusError: BridgeError | null;
  statusLoading: boolean;
  connection: ConnectionState;
  online: boolean;
  refreshStatus(): Promise<void>;
  /** Follows the host's status, the bridge connection and the network; returns the function that stops. */
  watchStatus(): () => void;
}

export const createStatusSlice: SliceCreator<StatusSlice> = (set, get, { bridge, network }) => {
  // Only the newest request may write, so a slow answer cannot overwrite a fresher one.
  let latest = 0;
  return {
    appStatus: null,
    statusError: null,
    statusLoading: false,
    connection: bridge.connectionState(),
    online: network.online(),
    async refreshStatus() {
      const seq = ++latest;
      set({ statusLoading: true });
      const result = await bridge.invoke('app.status', {});
      if (seq !== latest) return;
      if (result.ok) set({ appStatus: result.value, statusError: null, statusLoading: false });
      else set({ statusError: result.error, statusLoading: false });
    },
    watchStatus() {
      const stops = [
        bridge.onConnectionChange((connection) => {
          set({ connection });
          // After a reconnect the host may have changed (restarted, new gateway state): ask again.
          if (connection === 'connected') void get().refreshStatus();
        }),
        bridge.onEvent('app.statusChanged', (appStatus) => {
          latest++;
          set({ appStatus, statusError: null, statusLoading: false });
        }),
        network.subscribe((online) => set({ online })),
      ];
      set({ connection: bridge.connectionState(), online: network.online() });
      void get().refreshStatus();
      return () => stops.forEach((stop) => stop());
    },
  };
};

/** The gateway the status bar reports: the primary one, else the first configured. */
export const selectGateway = (s: AppState): GatewaySummary | null =>
  s.appStatus?.gateways.find((g) => g.primary) ?? s.appStatus?.gateways[0] ?? null;

/**
 * The gateway's state is only known while the host answers; when the bridge is down the last
 * report may be stale, and "connected" must not be shown on a guess.
 */
export const selectGatewayState = (s: AppState): GatewaySummary['state'] | null =>
  s.connection === 'connected' ? (selectGateway(s)?.state ?? null) : null;

/** Online tiles only when the host names a tile server, the browser has a network and the tiles are not backed off. */
export const selectTileUrl = (s: AppState): string | null =>
  s.online && s.tilesDownUntil === null ? (s.appStatus?.map.tileUrl ?? null) : null;
