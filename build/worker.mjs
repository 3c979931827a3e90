// The targeting worker's bundle (electron/targeting/worker.ts → dist/worker/targeting.cjs):
// self-contained (no external packages, no native module), CommonJS so Electron main, the
// CLI's ES module and Node 20 all start it with `new Worker(path)`. The build and the tests'
// global setup both call this, so tests always run the worker built from the current source.
import { build } from 'esbuild';

export function buildTargetingWorker(root, extra = {}) {
  return build({
    absWorkingDir: root,
    entryPoints: ['electron/targeting/worker.ts'],
    outfile: 'dist/worker/targeting.cjs',
    bundle: true,
    sourcemap: true,
    logLevel: 'warning',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    ...extra,
  });
}

// The parse worker (electron/parse/worker.ts → dist/worker/parse.cjs): untrusted files (CAP,
// subscriber imports) read and checked off the main thread. Self-contained the same way.
export function buildParseWorker(root, extra = {}) {
  return build({
    absWorkingDir: root,
    entryPoints: ['electron/parse/worker.ts'],
    outfile: 'dist/worker/parse.cjs',
    bundle: true,
    sourcemap: true,
    logLevel: 'warning',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    ...extra,
  });
}
