import { TrykError } from '../../shared/bridge/result';
import { auditService } from '../audit/service';
import type { AuditEntry, AuditFilter } from '../audit/service';
import type { Command } from './command';
import { intOption, UsageError } from './command';
import { withStore } from './store-commands';

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: 'recompute the audit trail\'s hash chain and name the first broken entry',
  usage: 'tryk audit verify [--data-dir DIR] [--json]',
  options: {},
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError('audit verify takes no arguments');
    return withStore(ctx, async (store) => {
      const verdict = await auditService(store.db).verify();
      if (!verdict.ok) {
        // An error, not a report: scripts and CI must see a non-zero exit.
        throw new TrykError('store_corrupt', `Audit trail broken at entry ${verdict.firstBroken} (${verdict.reason}): ${verdict.message}`, {
          firstBroken: verdict.firstBroken,
          reason: verdict.reason,
          entries: verdict.entries,
        });
      }
      return { text: `Audit trail intact: ${verdict.entries} entries.`, json: verdict };
    });
  },
};

const dateOption = (value: unknown, name: string): string | undefined => {
  if (value === undefined) return undefined;
  const d = new Date(String(value));
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} must be a date or time, e.g. 2026-11-24 or 2026-11-24T10:00:00+01:00`);
  return d.toISOString();
};

function table(entries: AuditEntry[]): string {
  if (!entries.length) return 'No audit entries match.';
  const rows = entries.map((e) => [
    String(e.seq),
    e.at,
    e.officer ?? '-',
    e.action,
    e.subject ?? '-',
    e.details === null ? '' : JSON.stringify(e.details),
  ]);
  const head = ['SEQ', 'AT (UTC)', 'OFFICER', 'ACTION', 'SUBJECT', 'DETAILS'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 5 ? 0 : r[i]!.length))));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export const auditListCommand: Command = {
  name: 'audit list',
  summary: 'list audit entries, newest first, with filters',
  usage:
    'tryk audit list [--from TIME] [--to TIME] [--officer NAME] [--action ACTION] [--subject SUBJECT] [--limit N] [--offset N] [--data-dir DIR] [--json]',
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    officer: { type: 'string' },
    action: { type: 'string' },
    subject: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
  },
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError('audit list takes options, not arguments');
    const v = ctx.values;
    const filter: AuditFilter = {
      from: dateOption(v.from, 'from'),
      to: dateOption(v.to, 'to'),
      officer: v.officer as string | undefined,
      action: v.action as string | undefined,
      subject: v.subject as string | undefined,
      limit: intOption(v.limit, 'limit', 1, 10_000) ?? 100,
      offset: intOption(v.offset, 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0,
    };
    return withStore(ctx, async (store) => {
      const entries = await auditService(store.db).list(filter);
      return { text: table(entries), json: { entries } };
    });
  },
};
