/** Bundles the targeting worker into `root`/dist/worker/targeting.cjs. */
export function buildTargetingWorker(root: string, extra?: Record<string, unknown>): Promise<unknown>;
/** Bundles the parse worker into `root`/dist/worker/parse.cjs. */
export function buildParseWorker(root: string, extra?: Record<string, unknown>): Promise<unknown>;
