import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const eslint = new ESLint({ cwd: root });

async function cycleErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'tryk/no-cycle').map((m) => m.message);
}

describe('the import cycle lint rule', () => {
  it.each([
    // The knot this rule was written for: the alert handlers reaching back into the composition root.
    ['electron/alerts/handlers.ts', "import type { App } from '../app';\nexport type X = App;", /import cycle: electron\/alerts\/handlers\.ts → electron\/app\.ts → electron\/alerts\/handlers\.ts/],
    ['electron/store/db.ts', "import { startApp } from '../app';\nexport const x = startApp;", /import cycle: electron\/store\/db\.ts → electron\/app\.ts → .* → electron\/store\/db\.ts/],
    ['electron/sending/sender.ts', "export const x = await import('../app');", /import cycle/],
    ['renderer/features/map/mapSlice.ts', "import { createAppStore } from '../../store';\nexport const x = createAppStore;", /import cycle/],
  ])('refuses in %s: %s', async (file, code, message) => {
    expect((await cycleErrors(file, code)).join('\n')).toMatch(message);
  });

  it.each([
    ['electron/new-thing.ts', "import { startApp } from './app';\nexport const x = startApp;"],
    ['electron/store/db.ts', "import { join } from 'node:path';\nexport const x = join;"],
    // zustand's slices pattern: a slice names the whole store's type.
    ['renderer/features/map/mapSlice.ts', "import type { AppState } from '../../store';\nexport type X = AppState;"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await cycleErrors(file, code)).toEqual([]);
  });
});
