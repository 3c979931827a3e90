/**
 * `tryk send status|pause|resume|cancel SEND` and `tryk alert status ALERT`: a send's state from the store, and control of
 * it while no console has the store open (the store has one writer: a running console holds
 * it, and its own bridge does these). The console picks the change up when it next starts.
 */
import { alertPosts } from '../social/service';
import { TrykError } from '../../shared/bridge/result';
import { cancelInStore, pauseInStore, readLog, resendFailedInStore, resumeInStore, storedStatus } from '../dispatch/outbox';
import { appendAudit } from '../audit/service';
import { createServices } from '../services';
import { sendTextSummary } from '../dispatch/texts';
import { VERSION } from './version';
import type { SendStatus } from '../dispatch/outbox';
import type { Command, CommandContext } from './command';
import { UsageError } from './command';
import { withStore } from './store-commands';
import { officerService } from '../officers/service';
import { actorOrStorePassphrase, signInWithRole } from './sign-in';

function sendIdOf(ctx: CommandContext): number {
  const [id, ...rest] = ctx.positionals;
  if (id === undefined || rest.length > 0) throw new UsageError('give one send ID');
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('the send ID is a positive whole number');
  return n;
}

const n = (v: number) => v.toLocaleString('en');

/** The counts and the summary as people read them; no numbers or text of any recipient. */
export function formatSendStatus(s: SendStatus): string {
  const c = s.counts;
  const lines = [
    `Send ${s.sendId}${s.alertRef ? ` (alert ${s.alertRef})` : ''}: ${s.state}, ${s.priority}, via ${s.gateways.active}` +
      (s.gateways.active !== s.gateways.primary ? ` (moved from ${s.gateways.primary})` : ''),
    `Recipients:   ${n(s.recipients)} (${n(s.finished)} finished)`,
    `Waiting:      ${n(c.queued)} queued, ${n(c.deferred)} deferred (quiet hours), ${n(c.submitting)} submitting`,
    `Sent:         ${n(c.accepted)} accepted, ${n(c.delivered)} delivered`,
    `Not sent:     ${n(c.failed)} failed, ${n(c.expired)} expired, ${n(c.cancelled)} cancelled`,
  ];
  if (s.possibleDuplicates > 0) lines.push(`Possible duplicates: ${n(s.possibleDuplicates)} (in flight when the console or the link stopped)`);
  if (s.failures.length) lines.push(`Failures:     ${s.failures.map((f) => `${f.reason} ${n(f.count)}`).join(', ')}`);
  if (s.attention) {
    lines.push(
      `Needs attention: gateway ${s.attention.gateway} refuses every message (${s.attention.code}): "${s.attention.reason}".`,
      `               Paused by itself at ${s.attention.since}; the recipients wait in the queue. Fix the gateway, then: tryk send resume ${s.sendId}`,
    );
  }
  lines.push(`Released:     ${s.releasedAt ?? '-'}${s.finishedAt ? `; finished ${s.finishedAt}` : ''}`);
  return lines.join('\n');
}

export const sendStatusCommand: Command = {
  name: 'send status',
  summary: "show a send's recipients per state, failures by reason and its log",
  usage: 'tryk send status SEND [--data-dir DIR] [--json]',
  options: {},
  async run(ctx) {
    const id = sendIdOf(ctx);
    return withStore(ctx, async (store) => {
      const status = await storedStatus(store.db, id);
      const log = await readLog(store.db, id);
      return { text: formatSendStatus(status), json: { ...status, log } };
    });
  },
};

/** The latest send of an alert (an alert is sent once; follow-ups are alerts of their own). */
export const alertStatusCommand: Command = {
  name: 'alert status',
  summary: "show how an alert's send is going: recipients per state, failures, the final summary",
  usage: 'tryk alert status ALERT [--data-dir DIR] [--json]',
  options: {},
  async run(ctx) {
    const alertId = sendIdOf(ctx);
    return withStore(ctx, async (store) => {
      const row = await store.db.get<{ id: number }>('SELECT id FROM sends WHERE alert_ref = ? ORDER BY id DESC LIMIT 1', [`alert:${alertId}`]);
      if (!row) throw new TrykError('not_found', `Alert ${alertId} has not been sent (no send for it)`);
      const status = await storedStatus(store.db, row.id);
      const log = await readLog(store.db, row.id);
      // --- tips --- the citizens' answers to this alert
      const tips = await store.db.get<{ n: number; fresh: number }>("SELECT count(*) AS n, coalesce(sum(state = 'new'), 0) AS fresh FROM tips WHERE alert_id = ?", [alertId]);
      const tipCount = { total: tips?.n ?? 0, new: tips?.fresh ?? 0 };
      // --- social ---
      const social = await alertPosts(store.db, alertId);
      const socialText = social.map((p) => `\n${p.channel} (${p.kind}): ${p.status}${p.remoteId ? ` ${p.remoteId}` : ''}${Object.keys(p.figures).length ? ` · ${Object.entries(p.figures).map(([m, v]) => `${v} ${m}`).join(' · ')}` : ''}`).join('');
      // --- lang --- each language's text and how many it went to
      const language = (await store.db.get<{ language: 'da' | 'en' }>('SELECT language FROM alerts WHERE id = ?', [alertId]))?.language ?? null;
      const texts = await sendTextSummary(store.db, row.id, language);
      const textsText = texts.map((t) => `\n${t.language ?? 'text'}: ${t.recipients} recipient(s), ${t.delivered} delivered, ${t.segments} part(s) ${t.encoding}: ${t.text}`).join('');
      return { text: `${formatSendStatus(status)}${textsText}${socialText}\ntips: ${tipCount.total} (${tipCount.new} new)`, json: { ...status, log, texts, social, tips: tipCount } };
    });
  },
};

function controlCommand(verb: 'pause' | 'resume' | 'cancel', summary: string): Command {
  return {
    name: `send ${verb}`,
    summary,
    usage: `tryk send ${verb} SEND [--as APPROVER] [--data-dir DIR] [--json]\n  with --as a shift leader (approver) signs in; without it the audit trail records the store passphrase`,
    options: { as: { type: 'string' } },
    async run(ctx) {
      const id = sendIdOf(ctx);
      return withStore(ctx, async (store) => {
        const { audit } = await actorOrStorePassphrase(ctx, officerService(store.db), ['approver'], `${verb} sends`);
        const now = Date.now();
        let note = '';
        await store.db.transaction(async (tx) => {
          if (verb === 'pause') await pauseInStore(tx, id, now);
          else if (verb === 'resume') await resumeInStore(tx, id, now);
          else {
            const r = await cancelInStore(tx, id, now);
            note = ` (${n(r.queued + r.deferred)} not yet sent are cancelled)`;
          }
          const action = verb === 'pause' ? 'send_paused' : verb === 'resume' ? 'send_resumed' : 'send_cancelled';
          await appendAudit(tx, { at: new Date(now), officer: audit.officer, action, subject: `send:${id}`, details: audit.details });
        });
        const status = await storedStatus(store.db, id);
        if (!status) throw new TrykError('not_found', `No send with id ${id}`);
        return { text: `Send ${id} is ${status.state}${note}.`, json: status };
      });
    },
  };
}

export const sendPauseCommand = controlCommand('pause', 'pause a send: nothing more is submitted until it is resumed');
export const sendResumeCommand = controlCommand('resume', 'resume a paused send');
export const sendCancelCommand = controlCommand('cancel', 'cancel what a send has not yet submitted');

// --- core: resend ---
export const sendResendCommand: Command = {
  name: 'send resend',
  summary: "queue a send's failed recipients again (never one already delivered); a shift leader's call, audited",
  usage: 'tryk send resend SEND --failed --as APPROVER [--data-dir DIR] [--json]',
  options: { failed: { type: 'boolean' }, as: { type: 'string' } },
  async run(ctx) {
    const id = sendIdOf(ctx);
    if (ctx.values.failed !== true) throw new UsageError('say which recipients: --failed (the only ones a send is resent to)');
    if (typeof ctx.values.as !== 'string') throw new UsageError('--as APPROVER is required: resending is the shift leader\'s call');
    return withStore(ctx, async (store) => {
      const services = createServices({ store, host: 'headless', version: VERSION });
      const officer = await signInWithRole(ctx, services.officers, ['approver'], 'resend a send');
      let resent = 0;
      await store.db.transaction(async (tx) => {
        resent = (await resendFailedInStore(tx, id, Date.now())).resent;
        await appendAudit(tx, { at: new Date(), officer: officer.username, action: 'send_resent', subject: `send:${id}`, details: { resent, via: 'cli' } });
      });
      const status = await storedStatus(store.db, id);
      return {
        text: `Send ${id}: ${n(resent)} failed recipient(s) queued again; a running console (tryk serve, the app) sends them when it next holds the store.`,
        json: { resent, status },
      };
    });
  },
};
