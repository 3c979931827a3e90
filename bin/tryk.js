#!/usr/bin/env node
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli/tryk.mjs', import.meta.url);
if (!existsSync(cli)) {
  console.error('tryk: the CLI is not built yet: run "npm run build" in the Tryk Console folder');
  process.exit(1);
}
await import(cli.href);
