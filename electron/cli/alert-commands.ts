/**
 * `tryk alert …`: alerts for scripts. Reading (list, show, cap) needs the store passphrase;
 * anything that changes an alert also signs an officer in (--as USERNAME, passphrase from
 * $TRYK_OFFICER_PASSPHRASE or asked for), and the same service rules as the console apply:
 * four eyes, revisions, roles.
 */
import { readBoundedJson } from './read-file';
import { AlertChannels, AlertKind, AlertStatus, Category } from '../../shared/alerts/schema';
import type { Alert, AlertPatch, Template } from '../../shared/alerts/schema';
import { counterpartOf, fillTemplate } from '../../shared/alerts/templates';
import { areaFromGeoJSON } from '../../shared/targeting/geojson';
import { createServices } from '../services';
import { unwrapArea } from '../targeting/area';
import type { Actor, AlertService } from '../alerts/service';
import type { Store } from '../store/store';
import type { Command, CommandContext, Output } from './command';
import { intOption, UsageError } from './command';
import { withStore } from './store-commands';
import { VERSION } from './version';
import { signInAs } from './sign-in';

async function withAlerts<T>(ctx: CommandContext, fn: (alerts: AlertService, store: Store) => Promise<T>): Promise<T> {
  return withStore(ctx, (store) => fn(createServices({ store, host: 'headless', version: VERSION }).alerts, store));
}

export async function signIn(ctx: CommandContext, store: Store): Promise<Actor> {
  const officer = await signInAs(ctx, createServices({ store, host: 'headless', version: VERSION }).officers);
  return { id: officer.id, username: officer.username, roles: officer.roles };
}

function alertId(ctx: CommandContext): number {
  const [id, ...rest] = ctx.positionals;
  if (!id || rest.length) throw new UsageError('give one alert ID');
  const n = Number(id);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('an alert ID is a whole number');
  return n;
}

const line = (a: Alert) =>
  `${String(a.id).padStart(5)}  ${a.status.padEnd(17)} ${a.kind.padEnd(6)} ${a.category.padEnd(15)} r${String(a.revision).padEnd(4)} ${a.updatedAt}  ${a.smsText.slice(0, 50).replace(/\s+/g, ' ')}`;

const done = (a: Alert, verb: string): Output => ({ text: `Alert ${a.id} ${verb}: ${a.status} (revision ${a.revision}).`, json: a });

export const alertListCommand: Command = {
  name: 'alert list',
  summary: 'list alerts, most recently changed first',
  usage: 'tryk alert list [--status draft,awaiting_approval,...] [--limit N] [--data-dir DIR] [--json]',
  options: { status: { type: 'string' }, limit: { type: 'string' } },
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError('alert list takes options, not arguments');
    const statuses = typeof ctx.values.status === 'string' ? ctx.values.status.split(',').map((s) => s.trim()).filter(Boolean) : [];
    const bad = statuses.filter((s) => !AlertStatus.safeParse(s).success);
    if (bad.length) throw new UsageError(`unknown status ${bad.join(', ')} (one of ${AlertStatus.options.join(', ')})`);
    const limit = intOption(ctx.values.limit, 'limit', 1, 500) ?? 100;
    return withAlerts(ctx, async (alerts) => {
      const list = await alerts.list({ statuses: statuses as AlertStatus[], limit });
      return { text: list.length ? list.map(line).join('\n') : 'No alerts.', json: list };
    });
  },
};

export const alertShowCommand: Command = {
  name: 'alert show',
  summary: 'show an alert with what it would cost and whom it reaches',
  usage: 'tryk alert show ID [--data-dir DIR] [--json]',
  options: {},
  async run(ctx) {
    const id = alertId(ctx);
    return withAlerts(ctx, async (alerts) => {
      const alert = await alerts.get(id);
      const preview = await alerts.preview(id);
      const text = [
        `Alert ${alert.id} (${alert.kind}${alert.parentId ? ` of ${alert.parentId}` : ''}), ${alert.category}, ${alert.language}, ${alert.urgency}`,
        `Status ${alert.status}, revision ${alert.revision}${alert.needsApproval ? ', needs approval' : ''}`,
        `Created by ${alert.createdBy?.displayName ?? '-'} at ${alert.createdAt}; changed ${alert.updatedAt}`,
        ...(alert.approvedAt ? [`Approved ${alert.approvedAt} by ${alert.approvedBy?.displayName ?? 'the approval rule'}`] : []),
        ...(alert.decisionComment ? [`Comment: ${alert.decisionComment}`] : []),
        `Recipients ${preview.recipients} (${preview.delayedByQuietHours} wait for quiet hours), ${preview.smsParts} part(s) each, ${preview.totalParts} in all`,
        ...(preview.byLanguage ? [`By language: ${preview.byLanguage.da} Danish, ${preview.byLanguage.en} English`] : []),
        ...(preview.texts && preview.texts.length > 1 ? [`Texts: ${preview.texts.map((t) => `${t.language} to ${t.recipients} (${t.smsParts} part(s))`).join(', ')}`] : []),
        `Cost about ${(preview.costEstimateOre / 100).toFixed(2)} kr, ${Math.ceil(preview.sendSeconds)} s at the gateway's rate`,
        '',
        alert.smsTextOther ? `${alert.language}: ${alert.smsText}` : alert.smsText,
        ...(alert.smsTextOther ? ['', `${alert.language === 'da' ? 'en' : 'da'}: ${alert.smsTextOther}`] : []),
      ];
      return { text: text.join('\n'), json: { alert, preview } };
    });
  },
};

export const alertCapCommand: Command = {
  name: 'alert cap',
  summary: 'write an alert as an OASIS CAP 1.2 document to stdout',
  usage: 'tryk alert cap ID [--data-dir DIR] [--json]',
  options: {},
  async run(ctx) {
    const id = alertId(ctx);
    return withAlerts(ctx, async (alerts) => {
      const xml = await alerts.cap(id);
      return { text: xml.trimEnd(), json: { xml } };
    });
  },
};

function parseFields(values: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of Array.isArray(values) ? values : values === undefined ? [] : [values]) {
    const m = /^([a-z_]{1,40})=(.*)$/s.exec(String(v));
    if (!m) throw new UsageError(`--field is KEY=VALUE, e.g. --field case_number=0900-1 (got "${String(v).slice(0, 40)}")`);
    out[m[1]!] = m[2]!;
  }
  return out;
}

function readArea(file: string) {
  const json = readBoundedJson(file, 'area');
  return unwrapArea(areaFromGeoJSON(json));
}

export const alertCreateCommand: Command = {
  name: 'alert create',
  summary: 'create a draft from a template (or a follow-up of a sent alert), optionally submitting it',
  usage: [
    'tryk alert create --as USERNAME --category CATEGORY [--template ID] [--lang da|en] [--field KEY=VALUE ...]',
    '                  [--area FILE.geojson] [--sms TEXT] [--urgent] [--kind update|close --parent ID] [--submit]',
    '                  [--bilingual] [--sms-other TEXT]   (the text in the other language: from the template, or given)',
    '                  [--social TEXT] [--channels sms,facebook,x,picture] [--data-dir DIR] [--json]',
  ].join('\n'),
  options: {
    as: { type: 'string' },
    category: { type: 'string' },
    template: { type: 'string' },
    lang: { type: 'string' },
    field: { type: 'string', multiple: true },
    area: { type: 'string' },
    sms: { type: 'string' },
    // --- lang --- the other language's text: filled from the same template in it, or given
    bilingual: { type: 'boolean' },
    'sms-other': { type: 'string' },
    urgent: { type: 'boolean' },
    kind: { type: 'string' },
    parent: { type: 'string' },
    submit: { type: 'boolean' },
    // --- social ---
    social: { type: 'string' },
    channels: { type: 'string' },
  },
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError('alert create takes options, not arguments');
    const v = ctx.values;
    const category = Category.safeParse(v.category);
    if (!category.success) throw new UsageError(`--category is one of ${Category.options.join(', ')}`);
    const kind = AlertKind.safeParse(v.kind ?? 'alert');
    if (!kind.success) throw new UsageError('--kind is alert, update or close');
    const language = v.lang ?? 'da';
    if (language !== 'da' && language !== 'en') throw new UsageError('--lang is da or en');
    const parentId = intOption(v.parent, 'parent', 1, Number.MAX_SAFE_INTEGER);
    const fields = parseFields(v.field);
    const area = typeof v.area === 'string' ? readArea(v.area) : undefined;
    const channels = typeof v.channels === 'string' ? AlertChannels.safeParse(v.channels.split(',').map((c) => c.trim())) : undefined;
    if (channels && !channels.success) throw new UsageError('--channels is a list of sms, facebook, x and picture, with sms always in it (e.g. sms,facebook,x)');
    return withAlerts(ctx, async (alerts, store) => {
      const actor = await signIn(ctx, store);
      // Checked before anything is created: a refused command leaves no draft behind.
      let counterpart: Template | undefined;
      if (v.bilingual === true) {
        const all = await alerts.templates();
        const template = typeof v.template === 'string' ? all.find((t) => t.id === v.template) : undefined;
        counterpart = template ? counterpartOf(template, all) : undefined;
        if (!counterpart) throw new UsageError('--bilingual fills the other language from the same template in it: give --template ID (or --sms-other TEXT)');
      }
      let alert = await alerts.create(actor, {
        category: category.data,
        kind: kind.data,
        language,
        ...(typeof v.template === 'string' ? { templateId: v.template } : {}),
        ...(parentId !== undefined ? { parentId } : {}),
      });
      const patch: AlertPatch = {};
      if (Object.keys(fields).length) {
        patch.fields = { ...alert.fields, ...fields };
        const template = alert.templateId ? (await alerts.templates()).find((t) => t.id === alert.templateId) : undefined;
        if (template) Object.assign(patch, (({ sms, social }) => ({ smsText: sms, socialText: social }))(fillTemplate(template, patch.fields)));
      }
      if (typeof v.sms === 'string') patch.smsText = v.sms;
      if (counterpart) patch.smsTextOther = fillTemplate(counterpart, patch.fields ?? alert.fields).sms;
      if (typeof v['sms-other'] === 'string') patch.smsTextOther = v['sms-other'];
      if (area) patch.area = area;
      if (v.urgent === true) patch.urgency = 'urgent';
      if (typeof v.social === 'string') patch.socialText = v.social;
      if (channels?.success) patch.channels = channels.data;
      if (Object.keys(patch).length) alert = await alerts.update(actor, alert.id, alert.revision, patch);
      if (v.submit === true) alert = await alerts.submit(actor, alert.id, alert.revision);
      return done(alert, 'created');
    });
  },
};

/** The revision the officer saw (--revision), or the current one: a script acts on what it just read. */
const revisionOf = (ctx: CommandContext) => intOption(ctx.values.revision, 'revision', 1, Number.MAX_SAFE_INTEGER);

export const alertSubmitCommand: Command = {
  name: 'alert submit',
  summary: 'submit a draft for approval (or straight to approved when the rule asks for none)',
  usage: 'tryk alert submit ID --as USERNAME [--revision N] [--data-dir DIR] [--json]',
  options: { as: { type: 'string' }, revision: { type: 'string' } },
  async run(ctx) {
    const id = alertId(ctx);
    return withAlerts(ctx, async (alerts, store) => {
      const actor = await signIn(ctx, store);
      return done(await alerts.submit(actor, id, revisionOf(ctx) ?? (await alerts.get(id)).revision), 'submitted');
    });
  },
};

export const alertApproveCommand: Command = {
  name: 'alert approve',
  summary: 'approve an alert awaiting approval (an approver other than its author and last editor)',
  usage: 'tryk alert approve ID --as USERNAME [--revision N] [--comment TEXT] [--data-dir DIR] [--json]',
  options: { as: { type: 'string' }, revision: { type: 'string' }, comment: { type: 'string' } },
  async run(ctx) {
    const id = alertId(ctx);
    return withAlerts(ctx, async (alerts, store) => {
      const actor = await signIn(ctx, store);
      const revision = revisionOf(ctx) ?? (await alerts.get(id)).revision;
      return done(await alerts.approve(actor, id, revision, ctx.values.comment as string | undefined), 'approved');
    });
  },
};

export const alertRejectCommand: Command = {
  name: 'alert reject',
  summary: 'reject an alert awaiting approval, saying why',
  usage: 'tryk alert reject ID --as USERNAME --comment TEXT [--data-dir DIR] [--json]',
  options: { as: { type: 'string' }, comment: { type: 'string' } },
  async run(ctx) {
    const id = alertId(ctx);
    const comment = ctx.values.comment;
    if (typeof comment !== 'string' || !comment.trim()) throw new UsageError('--comment TEXT is required: say why');
    return withAlerts(ctx, async (alerts, store) => done(await alerts.reject(await signIn(ctx, store), id, comment), 'rejected'));
  },
};

export const alertCancelCommand: Command = {
  name: 'alert cancel',
  summary: 'cancel an alert that has not been released for sending',
  usage: 'tryk alert cancel ID --as USERNAME [--data-dir DIR] [--json]',
  options: { as: { type: 'string' } },
  async run(ctx) {
    const id = alertId(ctx);
    return withAlerts(ctx, async (alerts, store) => done(await alerts.cancel(await signIn(ctx, store), id), 'cancelled'));
  },
};

export const alertTemplatesCommand: Command = {
  name: 'alert templates',
  summary: 'list the alert templates, or set an administrator\'s own (a JSON list replacing built-ins by id)',
  usage: 'tryk alert templates [--set FILE.json --as ADMIN] [--data-dir DIR] [--json]',
  options: { set: { type: 'string' }, as: { type: 'string' } },
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError('alert templates takes options, not arguments');
    const file = ctx.values.set;
    let overrides: unknown;
    if (typeof file === 'string') {
      overrides = readBoundedJson(file, 'settings');
    }
    return withAlerts(ctx, async (alerts, store) => {
      const list =
        overrides === undefined ? await alerts.templates() : await alerts.setTemplateOverrides(await signIn(ctx, store), overrides as Template[]);
      return { text: list.map((t) => `${t.id.padEnd(28)} ${t.name}`).join('\n'), json: list };
    });
  },
};

export const alertCommands: Command[] = [
  alertTemplatesCommand,
  alertListCommand,
  alertShowCommand,
  alertCapCommand,
  alertCreateCommand,
  alertSubmitCommand,
  alertApproveCommand,
  alertRejectCommand,
  alertCancelCommand,
];
