/**
 * The tip inbox as the console sees it: the list (newest first, filtered by alert, state and
 * words), the count of new tips for the navigation badge, and the one tip an officer has
 * opened (its sender revealed to them alone, audited by the host). Follows `tips.changed`,
 * which the host sends a few times a second at most however fast tips arrive.
 */
import type { ResponseOf, TipCells, TipDetail, TipState, TipSummary } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import type { SliceCreator } from '../../store';

export interface TipsFilter {
  /** undefined: every tip; null: the tips tied to no alert. */
  alertId?: number | null;
  state?: TipState;
  query: string;
}

export interface TipsSlice {
  tipsList: { status: 'idle' | 'loading' | 'ready' | 'failed'; tips: TipSummary[]; total: number; error: BridgeError | null };
  tipsFilter: TipsFilter;
  /** New (unread) tips, for the badge. */
  tipsNew: number;
  tipsByAlert: ResponseOf<'tips.counts'>['byAlert'];
  tipOpen: { status: 'idle' | 'loading' | 'ready' | 'failed'; value: TipDetail | null; error: BridgeError | null; busy: boolean; actionError: BridgeError | null; replied: boolean };
  /** Loads the list and counts, follows `tips.changed`; returns the function that stops. */
  watchTips(): () => void;
  /** Only the badge's count (the navigation watches it on every screen). */
  watchTipCounts(): () => void;
  setTipsFilter(patch: Partial<TipsFilter>): void;
  /** Opens the inbox filtered to one alert (from the alert and monitor screens). */
  showTipsOf(alertId: number): void;
  openTip(id: number): Promise<void>;
  closeTip(): void;
  markTip(change: { state?: TipState; note?: string | null }): Promise<boolean>;
  replyToTip(text: string): Promise<boolean>;
  /** The tip map of one alert at one zoom: counts by cell, never a tipster. */
  tipCells: { alertId: number | null; zoom: number; status: 'idle' | 'loading' | 'ready' | 'failed'; value: TipCells | null; error: BridgeError | null };
  loadTipCells(alertId: number, zoom: number): Promise<void>;
  /** The alert whose tips the Kort screen shows as cells (null: none). */
  mapTipsAlert: number | null;
  setMapTipsAlert(alertId: number | null): void;
  /** An alert's automatic "Tak for dit tip" (null text: none), as the composer edits it. */
  tipAck: { alertId: number | null; status: 'idle' | 'loading' | 'ready' | 'failed'; text: string | null; busy: boolean; saved: boolean; error: BridgeError | null };
  loadTipAck(alertId: number): Promise<void>;
  saveTipAck(alertId: number, text: string | null): Promise<boolean>;
  /** "Case closed, thank you" to every tipster of an alert (once per alert). */
  tipThanks: { alertId: number | null; busy: boolean; result: ResponseOf<'tips.thank'> | null; error: BridgeError | null };
  thankTipsters(alertId: number, text: string): Promise<boolean>;
}

const closedTip: TipsSlice['tipOpen'] = { status: 'idle', value: null, error: null, busy: false, actionError: null, replied: false };

export const createTipsSlice: SliceCreator<TipsSlice> = (set, get, { bridge }) => {
  let latestList = 0;
  let latestOpen = 0;
  let latestCells = 0;
  let cellsInFlight: string | null = null;
  let cellsAgain = false;

  async function loadTips() {
    const seq = ++latestList;
    const f = get().tipsFilter;
    set({ tipsList: { ...get().tipsList, status: get().tipsList.status === 'ready' ? 'ready' : 'loading' } });
    const result = await bridge.invoke('tips.list', {
      ...(f.alertId !== undefined ? { alertId: f.alertId } : {}),
      ...(f.state ? { state: f.state } : {}),
      ...(f.query.trim() ? { query: f.query.trim() } : {}),
      limit: 200,
    });
    if (seq !== latestList) return;
    set({
      tipsList: result.ok
        ? { status: 'ready', tips: result.value.tips, total: result.value.total, error: null }
        : { ...get().tipsList, status: 'failed', error: result.error },
    });
  }

  async function loadCounts() {
    const result = await bridge.invoke('tips.counts', {});
    if (result.ok) set({ tipsNew: result.value.new, tipsByAlert: result.value.byAlert });
  }

  function follow(load: () => void) {
    load();
    const stopEvents = bridge.onEvent('tips.changed', (c) => {
      set({ tipsNew: c.new });
      load();
    });
    const stopConnection = bridge.onConnectionChange((state) => {
      if (state === 'connected') load();
    });
    return () => {
      stopEvents();
      stopConnection();
    };
  }

  async function act<T>(run: () => Promise<{ ok: true; value: T } | { ok: false; error: BridgeError }>): Promise<T | null> {
    set({ tipOpen: { ...get().tipOpen, busy: true, actionError: null, replied: false } });
    const result = await run();
    if (!result.ok) {
      set({ tipOpen: { ...get().tipOpen, busy: false, actionError: result.error } });
      return null;
    }
    set({ tipOpen: { ...get().tipOpen, busy: false } });
    return result.value;
  }

  return {
    tipsList: { status: 'idle', tips: [], total: 0, error: null },
    tipsFilter: { query: '' },
    tipsNew: 0,
    tipsByAlert: [],
    tipOpen: closedTip,
    tipCells: { alertId: null, zoom: 0, status: 'idle', value: null, error: null },
    mapTipsAlert: null,
    setMapTipsAlert: (alertId) => set({ mapTipsAlert: alertId }),
    tipAck: { alertId: null, status: 'idle', text: null, busy: false, saved: false, error: null },
    tipThanks: { alertId: null, busy: false, result: null, error: null },

    watchTips: () => follow(() => void Promise.all([loadTips(), loadCounts()])),
    watchTipCounts: () => follow(() => void loadCounts()),

    setTipsFilter(patch) {
      set({ tipsFilter: { ...get().tipsFilter, ...patch } });
      void loadTips();
    },

    showTipsOf(alertId) {
      set({ tipsFilter: { query: '', alertId }, tipOpen: closedTip });
      get().navigate('tips');
      void loadTips();
    },

    async openTip(id) {
      const seq = ++latestOpen;
      set({ tipOpen: { ...closedTip, status: 'loading' } });
      const result = await bridge.invoke('tips.open', { id });
      if (seq !== latestOpen) return;
      set({ tipOpen: result.ok ? { ...closedTip, status: 'ready', value: result.value } : { ...closedTip, status: 'failed', error: result.error } });
      if (result.ok) void loadTips();
    },

    closeTip() {
      latestOpen++;
      set({ tipOpen: closedTip });
    },

    async markTip(change) {
      const open = get().tipOpen.value;
      if (!open) return false;
      const value = await act(() => bridge.invoke('tips.mark', { id: open.id, ...change }));
      if (!value) return false;
      set({ tipOpen: { ...get().tipOpen, value: { ...open, state: value.state, note: value.note, assignedTo: value.assignedTo } } });
      void loadTips();
      return true;
    },

    async replyToTip(text) {
      const open = get().tipOpen.value;
      if (!open) return false;
      const value = await act(() => bridge.invoke('tips.reply', { id: open.id, text }));
      if (!value) return false;
      const again = await bridge.invoke('tips.open', { id: open.id });
      set({ tipOpen: { ...get().tipOpen, replied: true, ...(again.ok ? { value: again.value } : {}) } });
      return true;
    },

    async loadTipAck(alertId) {
      set({ tipAck: { alertId, status: 'loading', text: null, busy: false, saved: false, error: null } });
      const result = await bridge.invoke('tips.acknowledgement', { alertId });
      if (get().tipAck.alertId !== alertId) return;
      if (!result.ok && result.error.code === 'unavailable') {
        // Drafting works offline: read the box again once the host is back (once, not in a loop).
        const stop = bridge.onConnectionChange((state) => {
          if (state !== 'connected') return;
          stop();
          if (get().tipAck.alertId === alertId && get().tipAck.status === 'failed') void get().loadTipAck(alertId);
        });
      }
      set({
        tipAck: result.ok
          ? { alertId, status: 'ready', text: result.value.text, busy: false, saved: false, error: null }
          : { alertId, status: 'failed', text: null, busy: false, saved: false, error: result.error },
      });
    },

    async saveTipAck(alertId, text) {
      set({ tipAck: { ...get().tipAck, alertId, busy: true, saved: false, error: null } });
      const result = await bridge.invoke('tips.acknowledgement', { alertId, set: text });
      if (get().tipAck.alertId !== alertId) return false;
      set({
        tipAck: result.ok
          ? { alertId, status: 'ready', text: result.value.text, busy: false, saved: true, error: null }
          : { ...get().tipAck, busy: false, saved: false, error: result.error },
      });
      return result.ok;
    },

    async thankTipsters(alertId, text) {
      set({ tipThanks: { alertId, busy: true, result: null, error: null } });
      const result = await bridge.invoke('tips.thank', { alertId, text });
      set({ tipThanks: result.ok ? { alertId, busy: false, result: result.value, error: null } : { alertId, busy: false, result: null, error: result.error } });
      return result.ok;
    },

    async loadTipCells(alertId, zoom) {
      // While tips pour in, each new count asks again: one request per alert and zoom at a time,
      // and the asks made meanwhile become one more when it returns.
      const key = `${alertId}:${zoom}`;
      if (cellsInFlight === key) {
        cellsAgain = true;
        return;
      }
      cellsInFlight = key;
      cellsAgain = false;
      const seq = ++latestCells;
      const previous = get().tipCells;
      // The same alert at another zoom keeps its cells on screen until the new ones arrive.
      set({ tipCells: { alertId, zoom, status: 'loading', value: previous.alertId === alertId ? previous.value : null, error: null } });
      const result = await bridge.invoke('tips.cells', { alertId, zoom });
      if (cellsInFlight === key) cellsInFlight = null;
      if (seq !== latestCells) return;
      set({
        tipCells: result.ok
          ? { alertId, zoom, status: 'ready', value: result.value, error: null }
          : { alertId, zoom, status: 'failed', value: get().tipCells.value, error: result.error },
      });
      if (cellsAgain) void get().loadTipCells(alertId, zoom);
    },
  };
};
