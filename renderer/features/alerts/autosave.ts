/**
 * When the composer saves: `delayMs` after the officer's last change, never two saves at once,
 * and always the newest text (the save reads the draft when it goes out, not when it was
 * scheduled). A save that could not reach the store is tried again, sooner when the
 * connection comes back (`now()`), later on a growing timer otherwise.
 */
export type SaveOutcome = 'done' | 'retry';

export interface Autosaver {
  /** The officer changed something. */
  changed(): void;
  /** Save without waiting for the debounce; resolves when no save is out or waiting. */
  now(): Promise<void>;
  /** Whether a save is out, waiting for its debounce, or waiting to be retried. */
  busy(): boolean;
  dispose(): void;
}

export interface AutosaveOptions {
  delayMs?: number;
  firstRetryMs?: number;
  maxRetryMs?: number;
}

export function createAutosaver(
  run: () => Promise<SaveOutcome>,
  { delayMs = 400, firstRetryMs = 1000, maxRetryMs = 8000 }: AutosaveOptions = {},
): Autosaver {
  let debounce: ReturnType<typeof setTimeout> | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let retryMs = firstRetryMs;
  let inFlight: Promise<void> | null = null;
  let again = false;
  let disposed = false;

  function clearTimers() {
    if (debounce) clearTimeout(debounce);
    if (retry) clearTimeout(retry);
    debounce = retry = null;
  }

  function fire(): Promise<void> {
    clearTimers();
    if (disposed) return Promise.resolve();
    if (inFlight) {
      // The save out now carries older text: one more goes out when it returns.
      again = true;
      return inFlight;
    }
    inFlight = (async () => {
      let outcome: SaveOutcome = 'done';
      try {
        outcome = await run();
      } catch (e) {
        console.warn('autosave: a save failed unexpectedly', e);
        outcome = 'retry';
      }
      inFlight = null;
      if (again) {
        again = false;
        await fire();
        return;
      }
      if (outcome === 'retry' && !disposed) {
        retry = setTimeout(() => void fire(), retryMs);
        retryMs = Math.min(retryMs * 2, maxRetryMs);
      } else {
        retryMs = firstRetryMs;
      }
    })();
    return inFlight;
  }

  return {
    changed() {
      if (disposed) return;
      if (debounce) clearTimeout(debounce);
      debounce = setTimeout(() => void fire(), delayMs);
    },
    async now() {
      retryMs = firstRetryMs;
      await fire();
    },
    busy: () => inFlight !== null || debounce !== null || retry !== null,
    dispose() {
      disposed = true;
      clearTimers();
    },
  };
}
