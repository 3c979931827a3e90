/**
 * `tryk tips …`: the tip inbox from scripts, and `tryk gateway show NAME` with the kannel.conf
 * lines that send inbound messages to the console. Reading a tip's sender is audited as in
 * the console; answering signs an officer in (--as).
 */
import { TrykError } from '../../shared/bridge/result';
import { createServices } from '../services';
import { redactUrl } from '../config/gateways';
import { parseKannelUrl } from '../gateways/kannel/config';
import { moGetUrl } from '../gateways/kannel/protocol';
import { describeGateway } from '../gateways/registry';
import { startSender } from '../sending/sender';
import { createTips } from '../tips/runtime';
import { tipService, tipStates } from '../tips/service';
import type { TipState, TipSummary } from '../tips/service';
import { signIn } from './alert-commands';
import type { Command, CommandContext } from './command';
import { intOption, UsageError } from './command';
import { withStore } from './store-commands';
import { VERSION } from './version';

function tipId(ctx: CommandContext, extra = 0): number {
  const [id, ...rest] = ctx.positionals;
  if (!id || rest.length !== extra) throw new UsageError(extra ? 'give a tip ID and a state' : 'give one tip ID');
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('a tip ID is a whole number');
  return n;
}

const line = (t: TipSummary) =>
  `#${String(t.id).padEnd(6)} ${t.receivedAt.slice(0, 16).replace('T', ' ')}  ${t.state.padEnd(10)} ${t.alertId ? `alert ${t.alertId}`.padEnd(10) : 'not tied  '} ${t.senderMasked.padEnd(18)} ${
    t.binary ? '[binary] ' : ''
  }${t.partial ? '[partial] ' : ''}${t.flood ? '[flood] ' : ''}${JSON.stringify(t.text.length > 70 ? `${t.text.slice(0, 70)}…` : t.text)}${t.repeats ? ` (+${t.repeats})` : ''}`;

export const tipsListCommand: Command = {
  name: 'tips list',
  summary: 'the tip inbox, newest first (filter by alert, state, text)',
  usage: 'tryk tips list [--alert ID|none] [--state S] [--search WORDS] [--limit N] [--data-dir DIR] [--json]',
  options: { alert: { type: 'string' }, state: { type: 'string' }, search: { type: 'string' }, limit: { type: 'string' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const state = ctx.values.state as string | undefined;
      if (state !== undefined && !(tipStates as readonly string[]).includes(state)) throw new UsageError(`--state is one of ${tipStates.join(', ')}`);
      const alert = ctx.values.alert as string | undefined;
      const alertId = alert === undefined ? undefined : alert === 'none' ? null : intOption(alert, 'alert', 1, Number.MAX_SAFE_INTEGER);
      const r = await tipService(store.db).list({
        ...(alertId !== undefined ? { alertId } : {}),
        ...(state ? { state: state as TipState } : {}),
        ...(typeof ctx.values.search === 'string' ? { query: ctx.values.search } : {}),
        limit: intOption(ctx.values.limit, 'limit', 1, 500) ?? 50,
      });
      return { text: r.tips.length ? `${r.tips.map(line).join('\n')}\n${r.tips.length} of ${r.total} tip(s)` : 'No tips', json: r };
    }),
};

export const tipsShowCommand: Command = {
  name: 'tips show',
  summary: "one tip with its sender's number and the answers sent (audited)",
  usage: 'tryk tips show ID --as USERNAME [--data-dir DIR] [--json]',
  options: { as: { type: 'string' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const id = tipId(ctx);
      const officer = await signIn(ctx, store);
      const t = await tipService(store.db).open(id, officer);
      return {
        text: [
          line(t),
          `from ${t.sender}${t.gateway ? ` via ${t.gateway}` : ''}${t.reachedAt ? `; the alert reached them ${t.reachedAt}` : ''}`,
          t.note ? `note: ${t.note}` : '',
          ...t.replies.map((r) => `  → ${r.at} ${r.kind} (${r.state}${r.officer ? `, ${r.officer}` : ''}): ${JSON.stringify(r.text)}`),
        ]
          .filter(Boolean)
          .join('\n'),
        json: t,
      };
    }),
};

export const tipsMarkCommand: Command = {
  name: 'tips mark',
  summary: 'set a tip\'s state (new, read, useful, not_useful, forwarded, closed), note or assignee',
  usage: 'tryk tips mark ID STATE --as USERNAME [--note TEXT] [--assign OFFICER] [--data-dir DIR] [--json]',
  options: { as: { type: 'string' }, note: { type: 'string' }, assign: { type: 'string' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const id = tipId(ctx, 1);
      const state = ctx.positionals[1]!;
      if (!(tipStates as readonly string[]).includes(state)) throw new UsageError(`STATE is one of ${tipStates.join(', ')}`);
      const officer = await signIn(ctx, store);
      const t = await tipService(store.db).mark(
        id,
        {
          state: state as TipState,
          ...(typeof ctx.values.note === 'string' ? { note: ctx.values.note } : {}),
          ...(typeof ctx.values.assign === 'string' ? { assignedTo: ctx.values.assign } : {}),
        },
        officer,
      );
      return { text: line(t), json: t };
    }),
};

export const tipsReplyCommand: Command = {
  name: 'tips reply',
  summary: 'answer a tipster with one SMS through the gateway the tip came in on (audited)',
  usage: 'tryk tips reply ID --text TEXT --as USERNAME [--wait SECONDS] [--data-dir DIR] [--json]',
  options: { as: { type: 'string' }, text: { type: 'string' }, wait: { type: 'string' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const id = tipId(ctx);
      if (typeof ctx.values.text !== 'string' || !ctx.values.text.trim()) throw new UsageError('--text TEXT is required');
      const waitS = intOption(ctx.values.wait, 'wait', 1, 600) ?? 30;
      const officer = await signIn(ctx, store);
      if (!officer.roles.some((r) => r === 'operator' || r === 'approver')) throw new TrykError('forbidden', 'Only an operator or shift leader answers tipsters');
      const services = createServices({ store, host: 'headless', version: VERSION });
      const tips = createTips(services);
      const r = await tips.service.reply(id, ctx.values.text, officer);
      // Sent now through the gateway, like `tryk alert send`: the engine takes the answer and
      // this command waits for its receipt (bounded); a console that starts later sends it otherwise.
      const sender = await startSender({ services, only: [], inbound: tips.inbound });
      tips.attach(sender);
      let outcome = 'queued';
      try {
        const [sendId] = await tips.pump();
        if (sendId !== undefined) {
          const done = await Promise.race([sender.engine.whenFinished(sendId), new Promise<null>((res) => setTimeout(() => res(null), waitS * 1000))]);
          outcome = done ? (done.counts.delivered > 0 ? 'delivered' : done.counts.failed > 0 ? 'failed' : 'sent') : 'sending (not finished within the wait)';
        }
      } finally {
        await sender.close();
        await tips.close();
      }
      return { text: `Answer ${r.replyId} to tip ${id}: ${outcome}`, json: { replyId: r.replyId, tipId: id, outcome } };
    }),
};

export const gatewayShowCommand: Command = {
  name: 'gateway show',
  summary: 'one gateway (password hidden) and, for Kannel, the kannel.conf lines for inbound SMS',
  usage: 'tryk gateway show NAME [--data-dir DIR] [--json]',
  options: {},
  async run(ctx) {
    const [name, ...rest] = ctx.positionals;
    if (!name || rest.length) throw new UsageError('name one gateway');
    return withStore(ctx, async (store) => {
      const g = (await createServices({ store, host: 'headless', version: VERSION }).gateways.list()).find((x) => x.name === name);
      if (!g) throw new TrykError('not_found', `No gateway called ${name}`);
      const d = describeGateway(g.url);
      const out: string[] = [
        `${g.name}: ${d.kind}${d.host ? ` at ${d.host}` : ''}${g.primary ? ', primary' : ''}${g.enabled ? '' : ', disabled'}`,
        `url: ${redactUrl(g.url)}`,
        `rate ${d.tps || 'unlimited'} msg/s, window ${d.window}`,
      ];
      let kannelConf: string | null = null;
      if (d.kind === 'kannel') {
        const k = parseKannelUrl(g.url);
        const host = k.listenHost.includes(':') ? `[${k.listenHost}]` : k.listenHost;
        kannelConf = [
          '# Inbound SMS to Tryk Console: paste into kannel.conf and restart smsbox.',
          'group = sms-service',
          'keyword = default',
          'catch-all = true',
          '# The console answers by SMS itself; the HTTP answer is empty and must not become an SMS.',
          'max-messages = 0',
          'concatenation = true',
          `get-url = "${moGetUrl(`http://${host}:${k.listenPort || 'PORT'}`)}"`,
          '',
          '# In the smsbox group: retry a get-url the console could not take (it answers 503).',
          'http-request-retry = 10',
          'http-queue-delay = 5',
        ].join('\n');
        out.push('', kannelConf);
        if (k.listenPort === 0) out.push('', `The receiver listens on an ephemeral port: set dlrListen=${k.listenHost}:13080 (any fixed port) in the gateway URL so Kannel can reach it after a restart.`);
      } else if (d.kind === 'smpp') {
        out.push('Inbound SMS arrive as deliver_sm on the same binds; each is answered only after it is stored.');
      } else {
        out.push('The simulator\'s citizens reply by themselves (replies=SHARE in the URL).');
      }
      return { text: out.join('\n'), json: { name: g.name, kind: d.kind, url: redactUrl(g.url), primary: g.primary, enabled: g.enabled, kannelConf } };
    });
  },
};

function alertArg(ctx: CommandContext): number {
  const [id, ...rest] = ctx.positionals;
  if (!id || rest.length) throw new UsageError('give one alert ID');
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('an alert ID is a whole number');
  return n;
}

export const tipsThankCommand: Command = {
  name: 'tips thank',
  summary: 'case closed: one SMS to every SMS tipster of an alert (once per alert, audited; sent by the running console)',
  usage: 'tryk tips thank ALERT --text TEXT --as USERNAME [--data-dir DIR] [--json]',
  options: { as: { type: 'string' }, text: { type: 'string' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const alertId = alertArg(ctx);
      if (typeof ctx.values.text !== 'string' || !ctx.values.text.trim()) throw new UsageError('--text TEXT is required');
      const officer = await signIn(ctx, store);
      if (!officer.roles.some((r) => r === 'operator' || r === 'approver')) throw new TrykError('forbidden', 'Only an operator or shift leader thanks tipsters');
      const r = await tipService(store.db).thankTipsters(alertId, ctx.values.text, officer);
      return { text: `Thanks queued for ${r.queued} tipster(s) of alert ${alertId}${r.skipped ? ` (${r.skipped} not: opted out or no number)` : ''}; the console sends them.`, json: r };
    }),
};

export const tipsAckCommand: Command = {
  name: 'tips ack',
  summary: "an alert's automatic acknowledgement to each tipster (show, set with --text, or --off)",
  usage: 'tryk tips ack ALERT [--text TEXT | --off] --as USERNAME [--data-dir DIR] [--json]',
  options: { as: { type: 'string' }, text: { type: 'string' }, off: { type: 'boolean' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const alertId = alertArg(ctx);
      const service = tipService(store.db);
      if (typeof ctx.values.text === 'string' || ctx.values.off) {
        const officer = await signIn(ctx, store);
        if (!officer.roles.some((r) => r === 'operator' || r === 'approver')) throw new TrykError('forbidden', 'Only an operator or shift leader sets an acknowledgement');
        await service.setAcknowledgement(alertId, ctx.values.off ? null : (ctx.values.text as string), officer);
      }
      const text = await service.acknowledgement(alertId);
      return { text: text ? `Alert ${alertId} thanks each tipster with: ${JSON.stringify(text)}` : `Alert ${alertId} sends no automatic acknowledgement`, json: { alertId, text } };
    }),
};

export const tipsCommands: Command[] = [tipsListCommand, tipsShowCommand, tipsMarkCommand, tipsReplyCommand, tipsThankCommand, tipsAckCommand];
