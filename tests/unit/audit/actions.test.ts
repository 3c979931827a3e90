/**
 * The audit trail's actions (issue 8 §3): every security-relevant action is declared, and
 * every declared action is written somewhere (an action nothing writes promises a record
 * that never exists). The list below is the one the README names.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditActions } from '../../../electron/audit/service';

const root = resolve(__dirname, '../../../electron');
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('audit actions', () => {
  it('declares every security-relevant action', () => {
    expect([...auditActions].sort()).toEqual(
      expect.arrayContaining([
        'sign_in', 'sign_in_failed', 'sign_out', 'lock', 'officer_created', 'gateway_added', 'social_channel_added',
        'settings_changed', 'send_paused', 'send_resumed', 'send_cancelled', 'export', 'lookup', 'erase', 'import',
        'boundaries_imported', 'draft_created', 'draft_changed', 'submitted', 'approved', 'rejected', 'sent', 'cancelled', 'closed',
      ]),
    );
  });

  it('writes every declared action somewhere', () => {
    // Files that write audit entries (appendAudit or an audit helper), the trail's own excepted.
    const code = sources(root)
      .filter((f) => !f.endsWith(join('audit', 'service.ts')))
      .map((f) => readFileSync(f, 'utf8'))
      .filter((text) => /appendAudit\(|\.audit\(/.test(text))
      .join('\n');
    const unwritten = auditActions.filter((a) => !code.includes(`'${a}'`));
    expect(unwritten).toEqual([]);
  });
});
