import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where a bundled worker (`dist/worker/NAME.cjs`, built by build/worker.mjs) is: beside the
 * bundle that runs (dist/main, dist/cli: `../worker`), or the repository's dist/ when this
 * file runs from source (tests: `electron/../dist/worker`). A packaged app unpacks the workers
 * beside the archive (electron-builder's asarUnpack).
 */
export function bundledWorkerPath(name: 'targeting' | 'parse' | 'pdf', what: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'worker', `${name}.cjs`), join(here, '..', 'dist', 'worker', `${name}.cjs`)].map((p) =>
    p.replace(`app.asar${sep}`, `app.asar.unpacked${sep}`),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the ${what} is not built (looked for ${candidates.join(' and ')}): run node build/build.mjs`);
  return found;
}
