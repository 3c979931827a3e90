// The targeting worker's bundle (electron/targeting/worker.ts → dist/worker/targeting.cjs):
// self-contained (no external packages, no native module), CommonJS so Electron main, the
// CLI's ES module and Node 20 all start it with `new Worker(path)`. The build and the tests'
// global setup both call this, so tests always run the worker built from the current source.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One worker bundle: self-contained CommonJS for Node 20, with its source map. */
function bundleWorker(root, entry, outfile, extra) {
  return build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    sourcemap: true,
    logLevel: 'warning',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    ...extra,
  });
}

export function buildTargetingWorker(root, extra = {}) {
  return bundleWorker(root, 'electron/targeting/worker.ts', 'dist/worker/targeting.cjs', extra);
}

// The parse worker (electron/parse/worker.ts → dist/worker/parse.cjs): untrusted files (CAP,
// subscriber imports) read and checked off the main thread. Self-contained the same way.
export function buildParseWorker(root, extra = {}) {
  return bundleWorker(root, 'electron/parse/worker.ts', 'dist/worker/parse.cjs', extra);
}

// The PDF worker (electron/reports/pdfWorker.ts → dist/worker/pdf.cjs): the after-action and
// period PDFs rendered off the main thread. pdfkit and its font code are bundled in; pdfkit
// finds its data beside itself through import.meta.url, which CommonJS lacks (the PDFs use
// none of that data: the document starts in DejaVu, so Helvetica's metrics are never read).
// DejaVu Sans is copied to dist/worker/fonts/, which ships unpacked with the worker.
export async function buildPdfWorker(root, extra = {}) {
  const fonts = join(root, 'dist', 'worker', 'fonts');
  mkdirSync(fonts, { recursive: true });
  const ttf = dirname(createRequire(join(root, 'package.json')).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'));
  for (const f of ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf']) copyFileSync(join(ttf, f), join(fonts, f));
  return bundleWorker(root, 'electron/reports/pdfWorker.ts', 'dist/worker/pdf.cjs', {
    ...extra,
    define: { ...extra.define, 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
}
