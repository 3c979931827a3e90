/**
 * `tryk alert send`: an alert from a script, under the same rules as the console — the same
 * approval rule (an admin can set it to "never" for a training store), the same audit trail,
 * the same dispatch engine and gateways.
 */
import { readBoundedJson, readBoundedText } from './read-file';
import { analyzeSms } from '../../shared/sms';
import { Category } from '../../shared/alerts/schema';
import { TrykError } from '../../shared/bridge/result';
import { areaFromGeoJSON } from '../../shared/targeting/geojson';
import { createServices } from '../services';
import { unwrapArea } from '../targeting/area';
import { importCapDraft } from '../alerts/cap-import';
import type { AlertService } from '../alerts/service';
import { storedStatus } from '../dispatch/outbox';
import { startSender } from '../sending/sender';
import { lineLog } from '../log';
import type { Command } from './command';
import { intOption, UsageError } from './command';
import { formatSendStatus } from './dispatch-commands';
import { withStore } from './store-commands';
import { VERSION } from './version';
import { signInAs } from './sign-in';

export const alertSendCommand: Command = {
  name: 'alert send',
  summary: 'send an SMS alert to the subscribers in an area, obeying the approval rule and the audit trail',
  usage: [
    'tryk alert send --as USERNAME --area FILE.geojson --text TEXT [--category CATEGORY] [--urgent]',
    '                [--gateway NAME] [--wait] [--timeout SECONDS] [--data-dir DIR] [--json]',
    '  without --wait the send is frozen in the outbox and a running console finishes it',
  ].join('\n'),
  options: {
    as: { type: 'string' },
    area: { type: 'string' },
    text: { type: 'string' },
    category: { type: 'string' },
    urgent: { type: 'boolean' },
    gateway: { type: 'string' },
    wait: { type: 'boolean' },
    timeout: { type: 'string' },
  },
  async run(ctx) {
    const v = ctx.values;
    if (ctx.positionals.length) throw new UsageError('alert send takes options, not arguments');
    if (typeof v.as !== 'string' || !v.as.trim()) throw new UsageError('--as USERNAME is required: an alert is sent by a signed-in officer');
    if (typeof v.area !== 'string') throw new UsageError('--area FILE.geojson is required');
    if (typeof v.text !== 'string' || !v.text.trim()) throw new UsageError('--text is required');
    const category = Category.safeParse(v.category ?? 'general');
    if (!category.success) throw new UsageError(`--category is one of ${Category.options.join(', ')}`);
    const timeoutS = intOption(v.timeout, 'timeout', 1, 86_400) ?? 3_600;
    const json = readBoundedJson(v.area, 'area');
    const area = unwrapArea(areaFromGeoJSON(json));
    return withStore(ctx, async (store) => {
      const services = createServices({ store, host: 'headless', version: VERSION });
      const officer = await signInAs(ctx, services.officers, 'an alert is sent by a signed-in officer');
      const actor = { id: officer.id, username: officer.username, roles: officer.roles };
      const alerts = services.alerts;
      let alert = await alerts.create(actor, { category: category.data, kind: 'alert', language: 'da' });
      alert = await alerts.update(actor, alert.id, alert.revision, {
        smsText: v.text as string,
        area,
        ...(v.urgent === true ? { urgency: 'urgent' as const } : {}),
      });
      alert = await alerts.submit(actor, alert.id, alert.revision);
      const sms = analyzeSms(alert.smsText);
      if (alert.status !== 'approved') {
        return {
          text: `Alert ${alert.id} awaits approval by a shift leader (the approval rule asks for it): tryk alert approve ${alert.id} --as APPROVER`,
          json: { alertId: alert.id, status: alert.status, sendId: null, encoding: sms.encoding, segments: sms.segments },
        };
      }
      ctx.progress(`Alert ${alert.id} approved (${sms.encoding}, ${sms.segments} part${sms.segments === 1 ? '' : 's'}); connecting the gateway…`);
      const sender = await startSender({
        services,
        only: [alert.id],
        ...(typeof v.gateway === 'string' ? { primary: v.gateway } : {}),
        log: lineLog((m) => ctx.progress(m), 'warn'),
      });
      try {
        const deadline = Date.now() + Math.min(timeoutS, 60) * 1000;
        let sendId: number | null = null;
        while (sendId === null && Date.now() < deadline) {
          await sender.releaseApproved();
          sendId = (await store.db.get<{ id: number }>('SELECT id FROM sends WHERE alert_ref = ?', [`alert:${alert.id}`]))?.id ?? null;
          if (sendId === null) await new Promise((r) => setTimeout(r, 500));
        }
        if (sendId === null) {
          throw new TrykError(
            'unavailable',
            `The gateway could not be reached: alert ${alert.id} stays approved and leaves when a console can reach the gateway`,
          );
        }
        if (v.wait !== true) {
          const status = await storedStatus(store.db, sendId);
          return {
            text: `Alert ${alert.id} released as send ${sendId} to ${status.recipients} recipients; a running console (tryk serve, the app) finishes it. Follow it with: tryk alert status ${alert.id}`,
            json: { alertId: alert.id, sendId, status },
          };
        }
        ctx.progress(`Sending to the recipients as send ${sendId}…`);
        // Waits until nothing is on its way any more. Recipients in their quiet hours wait for
        // the morning in the outbox: --wait does not hold a script until then.
        const waitUntil = Date.now() + timeoutS * 1000;
        let status = await sender.engine.status(sendId);
        const onItsWay = (st: typeof status) => st.counts.queued + st.counts.submitting + st.counts.accepted;
        while (onItsWay(status) > 0 && Date.now() < waitUntil) {
          await new Promise((r) => setTimeout(r, 250));
          status = await sender.engine.status(sendId);
        }
        const settled = onItsWay(status) === 0;
        if (settled && status.counts.deferred === 0) await alerts.markSent(alert.id).catch(() => undefined);
        const note = !settled
          ? `\n(still sending after ${timeoutS} s: the rest waits in the outbox)`
          : status.counts.deferred > 0
            ? `\n(${status.counts.deferred} recipients are in their quiet hours: they get it when those end, from a running console)`
            : '';
        return { text: `${formatSendStatus(status)}${note}`, json: { alertId: alert.id, sendId, status } };
      } finally {
        await sender.close();
      }
    });
  },
};

export const alertRuleCommand: Command = {
  name: 'alert rule',
  summary: 'show or set when an alert needs a second officer\'s approval (admin)',
  usage: 'tryk alert rule [always | never | above N | categories a,b] [--as ADMIN] [--data-dir DIR] [--json]',
  options: { as: { type: 'string' } },
  async run(ctx) {
    const [mode, arg, ...rest] = ctx.positionals;
    if (rest.length) throw new UsageError('too many arguments');
    return withStore(ctx, async (store) => {
      const services = createServices({ store, host: 'headless', version: VERSION });
      const alerts = services.alerts;
      if (!mode) {
        const rule = await alerts.approvalRule();
        return { text: `Approval rule: ${describeRule(rule)}`, json: rule };
      }
      const rule = ruleOf(mode, arg);
      const officer = await signInAs(ctx, services.officers, 'the rule is changed by an administrator');
      const set = await alerts.setApprovalRule({ id: officer.id, username: officer.username, roles: officer.roles }, rule);
      return { text: `Approval rule: ${describeRule(set)}`, json: set };
    });
  },
};

type Rule = Awaited<ReturnType<AlertService['approvalRule']>>;

function ruleOf(mode: string, arg: string | undefined): Rule {
  if (mode === 'always' || mode === 'never') {
    if (arg !== undefined) throw new UsageError(`"${mode}" takes no value`);
    return { mode };
  }
  if (mode === 'above') {
    const n = Number(arg);
    if (!Number.isInteger(n) || n < 0) throw new UsageError('above takes a number of recipients');
    return { mode, recipients: n };
  }
  if (mode === 'categories') {
    const list = (arg ?? '').split(',').map((c) => c.trim()).filter(Boolean);
    const parsed = list.map((c) => Category.safeParse(c));
    if (list.length === 0 || parsed.some((p) => !p.success)) throw new UsageError(`categories takes a list of ${Category.options.join(', ')}`);
    return { mode, categories: parsed.map((p) => p.data!) };
  }
  throw new UsageError('the rule is always, never, above N or categories a,b');
}

function describeRule(rule: Rule): string {
  switch (rule.mode) {
    case 'always':
      return 'every alert needs a second officer';
    case 'never':
      return 'no alert needs approval (training stores only)';
    case 'above':
      return `alerts to more than ${rule.recipients} recipients need a second officer`;
    case 'categories':
      return `alerts in ${rule.categories.join(', ')} need a second officer`;
  }
}

export const alertImportCapCommand: Command = {
  name: 'alert import-cap',
  summary: 'make a draft from a CAP 1.2 file (its areas become the target area)',
  usage: 'tryk alert import-cap FILE --as USERNAME [--data-dir DIR] [--json]',
  options: { as: { type: 'string' } },
  async run(ctx) {
    const [file, ...rest] = ctx.positionals;
    if (!file || rest.length) throw new UsageError('name one CAP file');
    if (typeof ctx.values.as !== 'string') throw new UsageError('--as USERNAME is required: a draft has an author');
    const xml = readBoundedText(file, 'cap');
    return withStore(ctx, async (store) => {
      const services = createServices({ store, host: 'headless', version: VERSION });
      const officer = await signInAs(ctx, services.officers, 'a draft has an author');
      const { alert, warnings } = await importCapDraft(services.alerts, services.parse, { id: officer.id, username: officer.username, roles: officer.roles }, xml).finally(() =>
        services.parse.close(),
      );
      return {
        text: [`Draft ${alert.id} made from ${file} (${alert.category}, ${alert.area?.parts.length ?? 0} area part(s)).`, ...warnings.map((w) => `  note: ${w}`)].join('\n'),
        json: { alert, warnings },
      };
    });
  },
};
