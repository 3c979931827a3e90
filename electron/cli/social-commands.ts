/** `tryk social …`: Facebook Pages and X accounts from scripts (tokens never printed back). */
import { appendAudit } from '../audit/service';
import { socialChannelService, summarize } from '../social/channels';
import { listComments, testSocialChannel } from '../social/service';
import type { Command } from './command';
import { intOption, UsageError } from './command';
import { withStore } from './store-commands';

export const socialAddCommand: Command = {
  name: 'social add',
  summary: 'configure a Facebook Page (facebook://PAGE_ID?token=…) or an X account (x://?token=…)',
  usage: 'tryk social add NAME URL [--replace] [--data-dir DIR] [--json]   (URL: facebook://PAGE_ID?token=T[&api=http://127.0.0.1:P] or x://?token=T[&api=…])',
  options: { replace: { type: 'boolean' } },
  async run(ctx) {
    const [name, url] = ctx.positionals;
    if (!name || !url || ctx.positionals.length > 2) throw new UsageError('give a NAME and a URL');
    return withStore(ctx, async (store) => {
      const replace = ctx.values.replace === true;
      const c = await socialChannelService(store.db).add(name, url, { replace });
      await store.db.transaction((tx) =>
        appendAudit(tx, { at: new Date(), officer: null, action: 'social_channel_added', subject: `social:${c.name}`, details: { kind: c.kind, replaced: replace, via: 'cli', authority: 'store passphrase' } }),
      );
      const s = summarize(c);
      return { text: `${replace ? 'Gave' : 'Added'} ${s.kind === 'facebook' ? 'Facebook Page' : 'X account'} ${s.name}${replace ? ' a new token' : ''} (${s.account}, ${s.api}).`, json: s };
    });
  },
};

export const socialListCommand: Command = {
  name: 'social list',
  summary: 'list the Facebook and X channels and their state (tokens never shown)',
  usage: 'tryk social list [--data-dir DIR] [--json]',
  options: {},
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const list = (await socialChannelService(store.db).list()).map(summarize);
      return {
        text: list.length
          ? list.map((c) => `${c.name.padEnd(16)} ${c.kind.padEnd(9)} ${c.state === 'ok' ? 'ok         ' : 'NEEDS LOGIN'} ${c.account} via ${c.api}`).join('\n')
          : 'No social channels: add one with tryk social add NAME facebook://PAGE_ID?token=… or x://?token=…',
        json: list,
      };
    }),
};

export const socialTestCommand: Command = {
  name: 'social test',
  summary: 'ask the API whose token a channel holds, and report',
  usage: 'tryk social test NAME [--timeout SECONDS] [--data-dir DIR] [--json]',
  options: { timeout: { type: 'string' } },
  async run(ctx) {
    const [name, ...rest] = ctx.positionals;
    if (!name || rest.length) throw new UsageError('name one channel');
    const timeoutS = intOption(ctx.values.timeout, 'timeout', 1, 300) ?? 15;
    return withStore(ctx, async (store) => {
      const r = await testSocialChannel(socialChannelService(store.db), name, timeoutS * 1000);
      return { text: `${name} answered in ${r.ms} ms: the token belongs to ${r.account}.`, json: r };
    });
  },
};

export const socialCommentsCommand: Command = {
  name: 'social comments',
  summary: 'comments on our Facebook posts and replies to our X posts (newest first)',
  usage: 'tryk social comments [--alert ID] [--limit N] [--data-dir DIR] [--json]',
  options: { alert: { type: 'string' }, limit: { type: 'string' } },
  run: (ctx) =>
    withStore(ctx, async (store) => {
      const alertId = intOption(ctx.values.alert, 'alert', 1, Number.MAX_SAFE_INTEGER);
      const limit = intOption(ctx.values.limit, 'limit', 1, 1000) ?? 50;
      const list = await listComments(store.db, { ...(alertId !== undefined ? { alertId } : {}), limit });
      // Untrusted text: control characters are shown escaped so a comment cannot drive the terminal.
      const safe = (s: string) => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      return {
        text: list.length ? list.map((c) => `${c.createdAt}  ${c.channel} (${c.kind}) alert ${c.alertId ?? '-'}  ${safe(c.author)}: ${safe(c.text)}`).join('\n') : 'No comments or replies yet.',
        json: list,
      };
    }),
};

export const socialCommands = [socialAddCommand, socialListCommand, socialTestCommand, socialCommentsCommand];
