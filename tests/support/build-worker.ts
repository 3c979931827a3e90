// Vitest global setup: the targeting and parse workers run from their bundles (dist/worker/),
// so every test run bundles them from the current source first (esbuild, well under a second).
import { resolve } from 'node:path';
import { buildParseWorker, buildTargetingWorker } from '../../build/worker.mjs';

export default async function setup(): Promise<void> {
  const root = resolve(__dirname, '../..');
  await Promise.all([buildTargetingWorker(root), buildParseWorker(root)]);
}
