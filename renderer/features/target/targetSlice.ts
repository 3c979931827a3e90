/**
 * The officer's target: the area being drawn or picked, the audience filter, and the live
 * count of who is inside. The map edits it; the alert composer will read it.
 */
import type { TargetCount } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import type { BoundaryKind, Shape, TargetArea, TargetFilterInput } from '../../../shared/targeting/area';
import { latestOnly } from '../../lib/latest';
import type { AppState, SliceCreator } from '../../store';
import { cycleBoundary, includeBoundary, sameShape, toTargetArea } from './parts';
import type { AreaPart, NewPart, PartMode } from './parts';

export interface TargetFilterState {
  /** Group codes; empty: every group. */
  groups: string[];
  /** Alert categories a subscriber asked for; empty: whatever they asked for. */
  categories: string[];
}

export interface TargetCountState {
  /**
   * idle: nothing to count; counting: the area changed and a count is on its way (`value`, if
   * any, is for an earlier shape); ready: `value` is for the area on screen; failed: the last
   * count was refused or lost, `value` is the last good one and is stale.
   */
  status: 'idle' | 'counting' | 'ready' | 'failed';
  value: TargetCount | null;
  error: BridgeError | null;
}

export interface AreaExportState {
  status: 'closed' | 'loading' | 'ready' | 'failed';
  text: string;
  error: BridgeError | null;
}

export interface TargetSlice {
  targetParts: AreaPart[];
  /** Earlier versions of the parts, newest last: what Undo goes back to. */
  targetUndo: AreaPart[][];
  targetFilter: TargetFilterState;
  targetCount: TargetCountState;
  areaExport: AreaExportState;
  addPart(part: NewPart): string;
  /** A new shape for a drawn part; within a gesture (a drag) only the first edit is an undo step. */
  editPart(id: string, shape: Shape): void;
  beginAreaGesture(): void;
  endAreaGesture(): void;
  setPartMode(id: string, mode: PartMode): void;
  removePart(id: string): void;
  cycleBoundary(kind: BoundaryKind, code: string, name: string): void;
  includeBoundary(kind: BoundaryKind, code: string, name: string): void;
  clearArea(): void;
  undoArea(): void;
  setTargetGroups(groups: string[]): void;
  setTargetCategories(categories: string[]): void;
  /** Counts the current area again (after a registry change, or to retry). */
  recount(): void;
  /** Recounts when the registry changes; returns the function that stops. */
  watchTarget(): () => void;
  exportArea(): Promise<void>;
  closeExport(): void;
}

/** Enough to undo a whole working session; older steps fall off. */
export const UNDO_LIMIT = 200;

/** The filter as the bridge takes it; an empty list does not restrict, so it is left out. */
export function filterFor(f: TargetFilterState): TargetFilterInput | undefined {
  const filter: TargetFilterInput = {};
  if (f.groups.length > 0) filter.groups = [...f.groups];
  if (f.categories.length > 0) filter.categories = [...f.categories];
  return Object.keys(filter).length > 0 ? filter : undefined;
}

export const createTargetSlice: SliceCreator<TargetSlice> = (set, get, { bridge }) => {
  let nextId = 1;
  let inGesture = false;
  let gestureRecorded = false;
  // Bumped whenever the area becomes uncountable (cleared): answers from before must not show.
  let epoch = 0;

  const counter = latestOnly<{ area: TargetArea; filter: TargetFilterInput | undefined; epoch: number }>(
    async (request, superseded) => {
      const result = await bridge.invoke('target.count', {
        area: request.area,
        ...(request.filter ? { filter: request.filter } : {}),
      });
      if (request.epoch !== epoch) return;
      const newer = superseded();
      const previous = get().targetCount;
      if (result.ok) {
        // An answer for a shape the officer has already dragged on from still shows: it is close,
        // and it is what makes the number move while dragging. It stays marked as counting.
        set({ targetCount: { status: newer ? 'counting' : 'ready', value: result.value, error: null } });
      } else if (!newer) {
        set({ targetCount: { status: 'failed', value: previous.value, error: result.error } });
      }
    },
  );

  function count() {
    const area = toTargetArea(get().targetParts);
    if (!area) {
      epoch++;
      set({ targetCount: { status: 'idle', value: null, error: null } });
      return;
    }
    set((s) => ({ targetCount: { ...s.targetCount, status: 'counting' } }));
    counter.push({ area, filter: filterFor(get().targetFilter), epoch });
  }

  /** Every change of the area goes through here: one undo step (or none inside a gesture), then a count. */
  function change(next: AreaPart[], { undoable = true } = {}) {
    const before = get().targetParts;
    const record = undoable && (!inGesture || !gestureRecorded);
    if (inGesture && record) gestureRecorded = true;
    set((s) => ({
      targetParts: next,
      targetUndo: record ? [...s.targetUndo, before].slice(-UNDO_LIMIT) : s.targetUndo,
    }));
    count();
  }

  return {
    targetParts: [],
    targetUndo: [],
    targetFilter: { groups: [], categories: [] },
    targetCount: { status: 'idle', value: null, error: null },
    areaExport: { status: 'closed', text: '', error: null },

    addPart(part) {
      const id = `shape-${nextId++}`;
      change([...get().targetParts, { ...part, id }]);
      return id;
    },
    editPart(id, shape) {
      const parts = get().targetParts;
      const current = parts.find((p) => p.id === id);
      if (!current || current.source === 'boundary' || sameShape(current.shape, shape)) return;
      if (current.shape.type !== shape.type) return; // a polygon stays a polygon, a circle a circle
      change(parts.map((p) => (p.id === id ? ({ ...p, shape } as AreaPart) : p)));
    },
    beginAreaGesture() {
      inGesture = true;
      gestureRecorded = false;
    },
    endAreaGesture() {
      inGesture = false;
      gestureRecorded = false;
    },
    setPartMode(id, mode) {
      const parts = get().targetParts;
      if (!parts.some((p) => p.id === id && p.mode !== mode)) return;
      change(parts.map((p) => (p.id === id ? { ...p, mode } : p)));
    },
    removePart(id) {
      const parts = get().targetParts;
      if (!parts.some((p) => p.id === id)) return;
      change(parts.filter((p) => p.id !== id));
    },
    cycleBoundary(kind, code, name) {
      change(cycleBoundary(get().targetParts, kind, code, name));
    },
    includeBoundary(kind, code, name) {
      const parts = get().targetParts;
      const next = includeBoundary(parts, kind, code, name);
      if (next.length === parts.length && next.every((p, i) => p === parts[i])) return;
      change(next);
    },
    clearArea() {
      if (get().targetParts.length === 0) return;
      change([]);
    },
    undoArea() {
      const history = get().targetUndo;
      const previous = history[history.length - 1];
      if (!previous) return;
      set({ targetParts: previous, targetUndo: history.slice(0, -1) });
      count();
    },
    setTargetGroups(groups) {
      set({ targetFilter: { ...get().targetFilter, groups: [...groups] } });
      count();
      // The density layer shows the same audience as the count.
      get().refreshDensity();
    },
    setTargetCategories(categories) {
      set({ targetFilter: { ...get().targetFilter, categories: [...categories] } });
      count();
      get().refreshDensity();
    },
    recount: () => count(),
    watchTarget() {
      return bridge.onEvent('subscribers.changed', () => {
        if (get().targetCount.status !== 'idle') count();
        get().refreshDensity();
      });
    },
    async exportArea() {
      const area = toTargetArea(get().targetParts);
      if (!area) return;
      set({ areaExport: { status: 'loading', text: '', error: null } });
      const result = await bridge.invoke('target.geojson', { area });
      // The officer may have closed the dialog while waiting: do not reopen it.
      if (get().areaExport.status !== 'loading') return;
      set({
        areaExport: result.ok
          ? { status: 'ready', text: `${JSON.stringify(result.value, null, 2)}\n`, error: null }
          : { status: 'failed', text: '', error: result.error },
      });
    },
    closeExport: () => set({ areaExport: { status: 'closed', text: '', error: null } }),
  };
};

export const selectCanUndo = (s: AppState) => s.targetUndo.length > 0;

/** Why the host refused an area (`self_intersecting`, `unknown_boundary`, …), when it said. */
export function areaProblem(error: BridgeError | null): string | null {
  if (!error) return null;
  const details = error.details;
  if (typeof details !== 'object' || details === null) return null;
  const area = (details as { area?: unknown }).area;
  if (typeof area !== 'string') return null;
  // bad_request: the area itself; unavailable: only the host's own "the index worker stopped twice".
  if (error.code === 'bad_request') return area;
  return error.code === 'unavailable' && area === 'index_unavailable' ? area : null;
}
