import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { capCheckCommand } from '../../../electron/cli/cap-commands';
import type { CommandContext } from '../../../electron/cli/command';
import { toCap } from '../../../shared/cap';
import { isTrykError } from '../../../shared/bridge/result';
import { tempDir } from '../../support/store';
import { burglary } from './fixtures';

describe('tryk cap check', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => (tmp = tempDir()));
  afterEach(() => tmp.remove());

  const ctx = (file: string): CommandContext => ({
    values: {},
    positionals: [file],
    dataDir: join(tmp.dir, 'unused'),
    json: false,
    env: {},
    progress: () => undefined,
  });
  const write = (name: string, content: string | Buffer) => {
    const file = join(tmp.dir, name);
    writeFileSync(file, content);
    return file;
  };
  const failure = async (file: string) => {
    const e = await capCheckCommand.run(ctx(file)).then(() => null, (x: unknown) => x);
    if (!isTrykError(e)) throw new Error('expected a refusal');
    return e;
  };

  it('summarises a good file and gives the draft and its target area as JSON', async () => {
    const out = await capCheckCommand.run(ctx(write('alert.xml', toCap(burglary()))));
    expect(out.text.split('\n')).toEqual([
      'CAP 1.2 Alert tryk-nsj-2026-000042 from nordsjaelland@politi.dk, sent 2026-11-24T10:00:00+01:00 (Actual, Public)',
      'Category burglary; urgency Expected, severity Moderate, certainty Likely',
      '  da-DK: Indbrud i Hillerød',
      '  en-US: Burglaries in Hillerød',
      '  area "Hillerød centrum": 1 polygon(s), 0 circle(s)',
      'Target area: 1 part(s)',
    ]);
    const json = out.json as { draft: { id: string }; targetArea: { parts: unknown[] } };
    expect(json.draft.id).toBe('tryk-nsj-2026-000042');
    expect(json.targetArea.parts).toHaveLength(1);
  });

  it('refuses hostile, huge and non-UTF-8 files with a reason', async () => {
    const xxe = await failure(write('xxe.xml', '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'));
    expect(xxe.code).toBe('bad_request');
    expect(xxe.details).toEqual({ capCode: 'cap_doctype' });
    expect((await failure(write('big.xml', Buffer.alloc(2 * 1024 * 1024, 0x20)))).code).toBe('too_large');
    expect((await failure(write('latin1.xml', Buffer.from([0x3c, 0x61, 0x3e, 0xe6, 0x3c, 0x2f, 0x61, 0x3e])))).message).toMatch(/not UTF-8/);
    expect((await failure(join(tmp.dir, 'missing.xml'))).message).toMatch(/cannot read \(ENOENT\)/);
  });
});
