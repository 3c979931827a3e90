import { resolve } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
// The layer rule reads imports, not types: the made-up files below are in no tsconfig, so the
// type-aware parsing and rules of the project's config are turned off for them.
const typeAware = ['no-floating-promises', 'no-misused-promises', 'await-thenable', 'no-unnecessary-type-assertion'];
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: Object.fromEntries(typeAware.map((r) => [`@typescript-eslint/${r}`, 'off'])),
  },
});

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  const fatal = result!.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`eslint could not read ${file}: ${fatal.map((m) => m.message).join('; ')}`);
  return result!.messages.filter((m) => m.ruleId === 'tryk/layers').map((m) => m.message);
}

describe('the layer lint rule', () => {
  it.each([
    ['shared/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;", /no Node APIs/],
    ['shared/x.ts', "import fs from 'fs';\nexport const x = fs;", /no Node APIs/],
    ['shared/x.ts', "import { ipcMain } from 'electron';\nexport const x = ipcMain;", /only the Electron entry files/],
    ['shared/x.ts', "import { Db } from '../electron/store/db';\nexport const x = Db;", /nothing outside itself/],
    ['shared/x.ts', "import React from 'react';\nexport const x = React;", /pure packages/],
    ['renderer/x.ts', "import { Db } from '../electron/store/db';\nexport const x = Db;", /never imports electron\//],
    ['renderer/x.ts', "import { spawn } from 'node:child_process';\nexport const x = spawn;", /no Node APIs/],
    ['electron/services/x.ts', "import { app } from 'electron';\nexport const x = app;", /only the Electron entry files/],
    ['electron/x.ts', "export const x = await import('../renderer/store');", /never imports renderer/],
  ])('refuses in %s: %s', async (file, code, message) => {
    const errors = await layerErrors(file, code);
    expect(errors.join('\n')).toMatch(message);
  });

  it.each([
    ['shared/x.ts', "import { z } from 'zod';\nimport { ok } from './bridge/result';\nexport const x = [z, ok];"],
    ['renderer/x.ts', "import { channels } from '../shared/bridge/contract';\nexport const x = channels;"],
    ['electron/main.ts', "import { app } from 'electron';\nexport const x = app;"],
    ['electron/x.ts', "import { join } from 'node:path';\nexport const x = join;"],
  ])('allows in %s: %s', async (file, code) => {
    expect(await layerErrors(file, code)).toEqual([]);
  });
});
