/** Bundles the targeting worker into `root`/dist/worker/targeting.cjs. */
export function buildTargetingWorker(root: string, extra?: Record<string, unknown>): Promise<unknown>;
/** Bundles the parse worker into `root`/dist/worker/parse.cjs. */
export function buildParseWorker(root: string, extra?: Record<string, unknown>): Promise<unknown>;
/** Bundles the PDF worker into `root`/dist/worker/pdf.cjs and copies DejaVu Sans to dist/worker/fonts/. */
export function buildPdfWorker(root: string, extra?: Record<string, unknown>): Promise<unknown>;
