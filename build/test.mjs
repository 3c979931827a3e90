// `npm test`: everything CI checks, in the order that fails fastest. Ends with one line
// "N passed, N failed, N skipped" summing every vitest project.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserHint, findBrowser, kannelMissing } from './preflight.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const reports = mkdtempSync(join(tmpdir(), 'tryk-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };

function step(title, command, args) {
  const started = Date.now();
  console.log(`\n=== ${title}`);
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: process.env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.log(`=== ${title}: FAILED after ${seconds} s`);
    return false;
  }
  console.log(`=== ${title}: ok (${seconds} s)`);
  return true;
}

function vitest(title, projects) {
  const file = join(reports, `${title.replace(/\W+/g, '-')}.json`);
  const ok = step(title, bin('vitest'), [
    'run',
    ...projects.flatMap((p) => ['--project', p]),
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${file}`,
  ]);
  if (existsSync(file)) {
    const r = JSON.parse(readFileSync(file, 'utf8'));
    totals.passed += r.numPassedTests;
    totals.failed += r.numFailedTests;
    totals.skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  } else if (!ok) {
    totals.failed += 1; // the runner itself failed before reporting
  }
  return ok;
}

// Before anything long: the browser the end-to-end tests need, and whether Kannel is here.
const browser = findBrowser();
if (!browser) {
  console.log(browserHint());
  process.exit(1);
}
console.log(`Browser for the end-to-end tests: ${browser}`);
const noKannel = kannelMissing();
if (noKannel) {
  console.log(
    process.env.TRYK_REQUIRE_KANNEL === '1'
      ? `${noKannel} (TRYK_REQUIRE_KANNEL=1: the Kannel tests will fail)`
      : `The real-Kannel tests will be skipped: ${noKannel} (TRYK_REQUIRE_KANNEL=1 makes this a failure)`,
  );
}

const electronTypes = existsSync(join(root, 'node_modules', 'electron', 'electron.d.ts'));
let ok =
  step('lint', bin('eslint'), ['.']) &&
  // Exports, files and dependencies nothing uses: found here, not by a reader later.
  step('unused code (knip)', bin('knip'), ['--no-progress']) &&
  step('types', bin('tsc'), ['-b']) &&
  (electronTypes
    ? step('types (Electron entry files)', bin('tsc'), ['-p', 'electron/tsconfig.entry.json'])
    : (console.log('\n=== types (Electron entry files): electron is not installed, its types are missing'), false)) &&
  step('build', process.execPath, ['build/build.mjs']);
if (ok) ok = vitest('unit and integration', ['node', 'dom']) && ok;
if (ok) ok = vitest('end to end (Chromium)', ['e2e']) && ok;
rmSync(reports, { recursive: true, force: true });

console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exitCode = ok && totals.failed === 0 ? 0 : 1;
