import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkCapSchema } from '../../../electron/alerts/cap-schema/check';
import { CAP_1_2_XSD } from '../../../electron/alerts/cap-schema/xsd';
import { toCap } from '../../../shared/cap';
import { burglary } from './fixtures';

const dir = resolve(__dirname, '../../../electron/alerts/cap-schema');

describe('the CAP 1.2 schema the product ships', () => {
  it('is the OASIS file, unmodified, and the string the bundle carries is the same text', () => {
    const shipped = readFileSync(resolve(dir, 'CAP-v1.2.xsd'), 'utf8');
    expect(CAP_1_2_XSD).toBe(shipped);
    expect(shipped).toContain('Copyright OASIS Open 2010');
    expect(readFileSync(resolve(dir, 'NOTICE.md'), 'utf8')).toMatch(/OASIS Open 2010/);
  });

  it('validates in WebAssembly (no xmllint program) and names the line and rule that a document breaks', async () => {
    const good = toCap(burglary());
    expect(await checkCapSchema(good)).toEqual({ valid: true, problems: [] });
    const bad = good.replace(/<sender>[^<]*<\/sender>\n\s*/, '');
    const r = await checkCapSchema(bad);
    expect(r.valid).toBe(false);
    expect(r.problems[0]).toMatch(/^line \d+: Element 'sent': This element is not expected\. Expected is \( sender \)/);
  });
});
