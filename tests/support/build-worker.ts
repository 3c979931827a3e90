// Vitest global setup: the targeting worker runs from its bundle (dist/worker/targeting.cjs),
// so every test run bundles it from the current source first (esbuild, well under a second).
import { resolve } from 'node:path';
import { buildTargetingWorker } from '../../build/worker.mjs';

export default async function setup(): Promise<void> {
  await buildTargetingWorker(resolve(__dirname, '../..'));
}
