/**
 * Runs requests so that at most one is in flight and the newest always runs next: while one
 * is out, newer requests replace each other, and the last one goes out when it returns. This
 * is what keeps a live count live while the officer drags, without a queue building up.
 */
export interface LatestOnly<Req> {
  push(request: Req): void;
  /** True while a request is out or waiting. */
  busy(): boolean;
}

export function latestOnly<Req>(run: (request: Req, superseded: () => boolean) => Promise<void>): LatestOnly<Req> {
  let inFlight = false;
  let waiting: { request: Req } | null = null;

  async function pump(request: Req) {
    inFlight = true;
    try {
      await run(request, () => waiting !== null);
    } catch (e) {
      // A failing runner must not wedge the queue; the runner reports its own errors.
      console.warn('latestOnly: a request failed', e);
    } finally {
      inFlight = false;
      const next = waiting;
      waiting = null;
      if (next) void pump(next.request);
    }
  }

  return {
    push(request) {
      if (inFlight) waiting = { request };
      else void pump(request);
    },
    busy: () => inFlight || waiting !== null,
  };
}
