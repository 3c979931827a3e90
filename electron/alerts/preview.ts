/**
 * What an alert would cost before it is sent: recipients, how many wait for the end of their
 * quiet hours, SMS parts, the price and the time at the primary gateway's rate.
 */
import { TrykError } from '../../shared/bridge/result';
import type { AlertPreview } from '../../shared/alerts/schema';
import { smsTextsAsSent } from '../../shared/alerts/exercise';
import { analyzeSms } from '../../shared/sms';
import { localTime } from '../dispatch/quiet';
import { describeGateway } from '../gateways/registry';
import type { AlertContext } from './records';
import { releasedFacts } from './released';

/** Routine alerts wait for the end of a recipient's quiet hours: how many would wait now. */
const QUIET_NOW = `quiet_start IS NOT NULL AND quiet_end IS NOT NULL AND (
    (quiet_start < quiet_end AND ? >= quiet_start AND ? < quiet_end) OR
    (quiet_start > quiet_end AND (? >= quiet_start OR ? < quiet_end)))`;


export function alertPreview(ctx: AlertContext): (id: number) => Promise<AlertPreview> {
  /** The primary gateway's agreed rate (parts per second); null when unknown, 0 when unlimited. */
  async function primaryTps(): Promise<number | null> {
    const primary = (await ctx.deps.gateways?.list())?.find((g) => g.primary && g.enabled);
    if (!primary) return null;
    try {
      return describeGateway(primary.url).tps;
    } catch {
      return null; // a stored address its connector no longer reads: no time estimate
    }
  }

  async function preview(id: number): Promise<AlertPreview> {
    const r = await ctx.row(ctx.db, id);
    const minutes = localTime(ctx.now().getTime()).minutes;
    const quietParams = [minutes, minutes, minutes, minutes];
    const routine = r.urgency === 'routine';
    let recipients = 0;
    let delayed = 0;
    /** Recipients registered in English; everybody else is Danish (the registry's default). */
    let english = 0;
    const englishAmong = async (sql: string, params: (string | number)[]) => (await ctx.db.get<{ n: number }>(sql, params))?.n ?? 0;
    // Released: the recipients frozen then, whatever the area counts today.
    const release = await releasedFacts(ctx.db, r);
    if (release) {
      recipients = release.frozenRecipients;
      english = await englishAmong(
        "SELECT count(*) AS n FROM alert_recipients r JOIN subscribers s ON s.id = r.subscriber_id WHERE r.alert_id = ? AND s.language = 'en'",
        [id],
      );
    } else if (r.parent_id !== null) {
      recipients = await ctx.frozenActiveCount(ctx.db, r.parent_id);
      english = await englishAmong(
        "SELECT count(*) AS n FROM alert_recipients r JOIN subscribers s ON s.id = r.subscriber_id WHERE r.alert_id = ? AND s.status = 'active' AND s.language = 'en'",
        [r.parent_id],
      );
      if (routine) {
        const d = await ctx.db.get<{ n: number }>(
          `SELECT count(*) AS n FROM alert_recipients r JOIN subscribers s ON s.id = r.subscriber_id
            WHERE r.alert_id = ? AND s.status = 'active' AND ${QUIET_NOW}`,
          [r.parent_id, ...quietParams],
        );
        delayed = d?.n ?? 0;
      }
    } else if (r.area !== null) {
      const sel = await (await ctx.deps.targeting()).selectRecipients(JSON.parse(r.area), r.filter === null ? undefined : JSON.parse(r.filter));
      if (!sel.ok) throw new TrykError('bad_request', sel.error.message, { area: sel.error.code });
      const ids = sel.value;
      recipients = ids.length;
      if (ids.length) {
        // A bitmap of the selection, then streamed passes over the people in quiet hours now and
        // over the English speakers (the fewer): no 6-million-long IN list, and memory of one
        // byte per subscriber id.
        let max = 0;
        for (const x of ids) if (x > max) max = x;
        const selected = new Uint8Array(max + 1);
        for (const x of ids) selected[x] = 1;
        if (routine) {
          await ctx.db.each<{ id: number }>(`SELECT id FROM subscribers WHERE id <= ? AND ${QUIET_NOW}`, [max, ...quietParams], (s) => {
            if (selected[s.id]) delayed++;
          });
        }
        await ctx.db.each<{ id: number }>("SELECT id FROM subscribers WHERE id <= ? AND language = 'en'", [max], (s) => {
          if (selected[s.id]) english++;
        });
      }
    }
    const byLanguage = { da: recipients - english, en: english };
    // Each text's parts times the recipients who get it: with one text, everybody; with two,
    // each language's subscribers their own (what the release freezes, see dispatch/release.ts).
    const sent = r.sms_text ? smsTextsAsSent({ smsText: r.sms_text, smsTextOther: r.sms_text_other, capStatus: r.cap_status, language: r.language }) : [];
    const texts = sent.map((t, i) => ({
      language: t.language,
      recipients: sent.length === 1 ? recipients : i === 0 ? recipients - byLanguage[sent[1]!.language] : byLanguage[t.language],
      smsParts: analyzeSms(t.text).segments,
    }));
    const smsParts = texts[0]?.smsParts ?? 0;
    const totalParts = texts.reduce((n, t) => n + t.smsParts * t.recipients, 0);
    const price = await ctx.settings.get('sms.pricePerPartOre');
    const tps = await primaryTps();
    return {
      recipients,
      delayedByQuietHours: delayed,
      smsParts,
      totalParts,
      costEstimateOre: Math.round(totalParts * price),
      sendSeconds: tps ? totalParts / tps : 0,
      byLanguage,
      texts,
      release: release ? { sendId: release.sendId, releasedAt: release.releasedAt } : null,
    };
  }

  return preview;
}
