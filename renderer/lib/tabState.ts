/**
 * Where the officer was in this tab (the screen, the alert on screen), kept in sessionStorage so
 * a reload comes back to the same place. Only ids and a screen name: the text itself is the
 * store's (and the alerts slice's safety net's), never this record's.
 */
export interface TabState {
  screen?: string;
  /** The alert on screen, and whose it was: another officer signing in here starts afresh. */
  alert?: { id: number; officerId: number };
}

const KEY = 'tryk.tab';

export function readTabState(storage: Storage | null | undefined): TabState {
  try {
    const raw = storage?.getItem(KEY);
    if (!raw) return {};
    const parsed = JSON.parse(raw) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { screen, alert } = parsed as Record<string, unknown>;
    const state: TabState = {};
    if (typeof screen === 'string' && screen.length <= 40) state.screen = screen;
    if (typeof alert === 'object' && alert !== null) {
      const { id, officerId } = alert as Record<string, unknown>;
      if (Number.isSafeInteger(id) && Number.isSafeInteger(officerId)) state.alert = { id: id as number, officerId: officerId as number };
    }
    return state;
  } catch {
    return {};
  }
}

export function writeTabState(storage: Storage | null | undefined, patch: Partial<Record<keyof TabState, TabState[keyof TabState] | null>>) {
  if (!storage) return;
  const next: Record<string, unknown> = { ...readTabState(storage) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || value === undefined) delete next[key];
    else next[key] = value;
  }
  try {
    storage.setItem(KEY, JSON.stringify(next));
  } catch {
    // full or refused: a reload starts on the map, nothing else is lost
  }
}
