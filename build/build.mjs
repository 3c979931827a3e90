// Bundles the three Electron entries, the CLI and the two workers (targeting, parse) with esbuild: main and CLI keep node_modules
// external (native SQLCipher), the preload is one dependency-free file (it runs sandboxed),
// the renderer is one ES module plus one stylesheet.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildParseWorker, buildTargetingWorker } from './worker.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const watch = process.argv.includes('--watch');
const production = process.env.NODE_ENV === 'production';

rmSync(out, { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
  define: { __TRYK_VERSION__: JSON.stringify(pkg.version) },
};

const started = Date.now();
await Promise.all([
  build({
    ...common,
    entryPoints: ['electron/main.ts'],
    outfile: 'dist/main/main.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    packages: 'external',
    // Shared Node code finds files next to itself with import.meta.url, which CommonJS lacks.
    define: { ...common.define, 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  }),
  build({
    ...common,
    entryPoints: ['electron/preload.ts'],
    outfile: 'dist/preload/preload.cjs',
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
  }),
  build({
    ...common,
    entryPoints: ['electron/cli/entry.ts'],
    outfile: 'dist/cli/tryk.mjs',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
  }),
  buildTargetingWorker(root, { define: common.define }),
  buildParseWorker(root, { define: common.define }),
  build({
    ...common,
    entryPoints: { main: 'renderer/main.tsx' },
    outdir: 'dist/renderer',
    platform: 'browser',
    format: 'esm',
    target: 'chrome130',
    jsx: 'automatic',
    minify: production,
    loader: { '.png': 'file', '.svg': 'file', '.woff2': 'file' },
    assetNames: 'assets/[name]-[hash]',
  }),
]);
mkdirSync(join(out, 'renderer'), { recursive: true });
copyFileSync(join(root, 'renderer', 'index.html'), join(out, 'renderer', 'index.html'));
if (!watch) console.log(`build: dist/ ready in ${Date.now() - started} ms`);
