import { z } from 'zod';
import { TrykError } from '../../shared/bridge/result';
import { createServices } from '../services';
import { appendAudit } from '../audit/service';
import type { Command } from './command';
import { UsageError } from './command';
import { withStore } from './store-commands';
import { VERSION } from './version';
import { signInWithRole } from './sign-in';
import { putSetting } from '../config/settings';
import { checkKeywords } from '../tips/keywords';
import { tileRequestUrl } from '../map/tiles';

/** The settings an administrator sets from the command line, each with what it accepts. */
const editable = {
  'security.idleLockMinutes': z.coerce.number().int().min(0).max(240),
  'sms.pricePerPartOre': z.coerce.number().int().min(0).max(100_000),
  // http too: a control room's internal tile server is often plain HTTP on the police network.
  // The same check as the console's Settings (map.setTileUrl): a template with {z}, {x} and {y}.
  'map.tileUrl': z.union([
    z.literal('off').transform(() => null),
    z
      .url({ protocol: /^https?$/ })
      .max(500)
      .superRefine((url, c) => {
        try {
          tileRequestUrl(url);
        } catch (e) {
          c.addIssue({ code: 'custom', message: (e as Error).message });
        }
      }),
  ]),
  'cap.senderName': z.string().trim().min(1).max(200),
  // --- tips ---
  'tips.windowHours': z.coerce.number().int().min(1).max(24 * 14),
  'tips.retentionDays': z.coerce.number().int().min(1).max(3650),
  'tips.floodPerMinute': z.coerce.number().int().min(1).max(1000),
  /** JSON: {"stop":[…],"start":[…],"confirm":[…],"help":[…],"panel":[…]} (panel optional), checked like the console checks it. */
  'tips.keywords': z
    .string()
    .transform((text, c) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        c.addIssue({ code: 'custom', message: 'must be JSON: {"stop":[...],"start":[...],"confirm":[...],"help":[...]}' });
        return z.NEVER;
      }
    })
    .pipe(z.object({ stop: z.array(z.string()), start: z.array(z.string()), confirm: z.array(z.string()), help: z.array(z.string()), panel: z.array(z.string()).optional() }).strict())
    .superRefine((k, c) => {
      const problem = checkKeywords(k);
      if (problem) c.addIssue({ code: 'custom', message: problem });
    }),
} as const;
type Editable = keyof typeof editable;

export const settingsCommand: Command = {
  name: 'settings',
  summary: 'show the settings, or set one (admin): security.idleLockMinutes, sms.pricePerPartOre, map.tileUrl, cap.senderName, tips.windowHours, tips.retentionDays, tips.floodPerMinute, tips.keywords',
  usage: 'tryk settings [KEY VALUE --as ADMIN] [--data-dir DIR] [--json]',
  options: { as: { type: 'string' } },
  async run(ctx) {
    const [key, value, ...rest] = ctx.positionals;
    if (rest.length || (key !== undefined && value === undefined)) throw new UsageError('give a KEY and a VALUE, or nothing to list');
    return withStore(ctx, async (store) => {
      const services = createServices({ store, host: 'headless', version: VERSION });
      const show = async () => Object.fromEntries(await Promise.all((Object.keys(editable) as Editable[]).map(async (k) => [k, await services.settings.get(k)] as const)));
      if (key === undefined) {
        const all = await show();
        return { text: Object.entries(all).map(([k, v]) => `${k.padEnd(26)} ${v === null ? 'off' : typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\n'), json: all };
      }
      if (!(key in editable)) throw new UsageError(`KEY is one of ${Object.keys(editable).join(', ')}`);
      const parsed = editable[key as Editable].safeParse(value);
      if (!parsed.success) throw new TrykError('bad_request', `${key}: ${parsed.error.issues[0]?.message ?? 'not accepted'}`);
      const officer = await signInWithRole(ctx, services.officers, ['admin'], 'change settings');
      const before = await services.settings.get(key as Editable);
      await store.db.transaction(async (tx) => {
        await putSetting(tx, key, parsed.data);
        await appendAudit(tx, { at: new Date(), officer: officer.username, action: 'settings_changed', subject: `setting:${key}`, details: { from: before, to: parsed.data } });
      });
      return { text: `${key} = ${parsed.data === null ? 'off' : typeof parsed.data === 'object' ? JSON.stringify(parsed.data) : String(parsed.data)}`, json: { [key]: parsed.data } };
    });
  },
};
