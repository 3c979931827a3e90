/**
 * The after-action and period reports as PDF (pdfkit), from the same report objects the
 * screen and `--json` show. DejaVu Sans is embedded (subset by pdfkit) so æ, ø and å render
 * everywhere; the map is drawn as vector paths (area outline, delivery cells), so no image
 * library is needed and it stays sharp when printed.
 *
 * Runs only in the PDF worker (pdfWorker.ts): a PDF takes 0.9–2.9 s of CPU, which the main
 * thread must not spend (issue 9). Callers use pdfClient.ts; the lists arrive capped
 * (pdfProtocol.ts) with the totals, and each capped table or map says what was left out.
 */
import PDFDocument from 'pdfkit';
import type { AlertReport, EvaluationReport } from '../../shared/reports/schema';
import { categories } from '../../shared/registry/subscriber';
import { fmtDec, fmtInt, fmtOre, fmtPct, fmtSeconds } from '../../shared/reports/format';
import type { ReportLang } from '../../shared/reports/format';
import { categoryName, labels } from './labels';
import { localTime } from './period';
import type { Totals } from './pdfProtocol';

/** DejaVu Sans, regular and bold: file paths the worker was given. */
export interface PdfFonts {
  regular: string;
  bold: string;
}

const M = 50; // margin
const W = 595.28 - 2 * M; // A4 content width
const BOTTOM = 841.89 - M;

type Doc = PDFKit.PDFDocument;

function newDoc(title: string, fonts: PdfFonts): Doc {
  // `font` from the start: pdfkit would otherwise load Helvetica's metrics from its own folder.
  const doc = new PDFDocument({ size: 'A4', margin: M, font: fonts.regular, info: { Title: title, Author: 'Tryk Console' } });
  doc.registerFont('body', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  doc.font('body').fontSize(10);
  return doc;
}

function finish(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

function ensure(doc: Doc, height: number) {
  if (doc.y + height > BOTTOM) doc.addPage();
}

function heading(doc: Doc, text: string) {
  ensure(doc, 40);
  doc.moveDown(0.6).font('bold').fontSize(13).fillColor('#1a2b49').text(text, M, doc.y, { width: W }).moveDown(0.3);
  doc.font('body').fontSize(10).fillColor('black');
}

function para(doc: Doc, text: string, size = 10) {
  ensure(doc, 16);
  doc.font('body').fontSize(size).fillColor('black').text(text, M, doc.y, { width: W });
}

/** Label–value pairs in two columns. */
function pairs(doc: Doc, rows: [string, string][]) {
  for (const [k, v] of rows) {
    ensure(doc, 16);
    const y = doc.y;
    doc.font('body').fontSize(10).fillColor('#444').text(k, M, y, { width: W * 0.55 });
    const after = doc.y;
    doc.fillColor('black').font('bold').text(v, M + W * 0.55, y, { width: W * 0.45 });
    doc.y = Math.max(after, doc.y);
    doc.font('body');
  }
}

/** A table with a bold header row, repeated after a page break. */
function table(doc: Doc, lang: ReportLang, head: string[], rows: string[][], widths?: number[], size = 8.5, total?: number) {
  const cols = head.length;
  const w = widths ?? head.map(() => W / cols);
  const line = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'bold' : 'body').fontSize(size);
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: w[i]! - 4 }))) + 4;
    if (doc.y + h > BOTTOM) {
      doc.addPage();
      if (!bold) line(head, true);
      doc.font(bold ? 'bold' : 'body').fontSize(size);
    }
    const y = doc.y;
    let x = M;
    cells.forEach((c, i) => {
      doc.fillColor('black').text(c, x + 2, y + 2, { width: w[i]! - 4, lineBreak: true });
      x += w[i]!;
    });
    doc.y = y + h;
    doc.moveTo(M, doc.y).lineTo(M + W, doc.y).lineWidth(0.3).strokeColor(bold ? '#333' : '#ccc').stroke();
  };
  ensure(doc, 30);
  line(head, true);
  for (const r of rows) line(r, false);
  doc.font('body').fontSize(10);
  doc.x = M;
  doc.moveDown(0.3);
  if (total !== undefined && total > rows.length) capped(doc, lang, rows.length, total);
}

/** The note under a list that was cut at its bound (pdfProtocol.ts). */
function capped(doc: Doc, lang: ReportLang, shown: number, total: number, text = labels(lang).rowsCapped) {
  para(doc, text.replace('{shown}', fmtInt(shown, lang)).replace('{total}', fmtInt(total, lang)), 8);
  doc.moveDown(0.3);
}

/** Vertical bars for a series of labelled values (negative values hang below the axis). */
function bars(doc: Doc, title: string, points: { label: string; value: number }[], color = '#2f5d9e') {
  const h = 120;
  ensure(doc, h + 40);
  doc.font('body').fontSize(9).fillColor('#444').text(title, M, doc.y, { width: W });
  const top = doc.y + 4;
  const max = Math.max(1, ...points.map((p) => p.value));
  const min = Math.min(0, ...points.map((p) => p.value));
  const scale = (h - 20) / (max - min || 1);
  const zero = top + (max * scale);
  const bw = W / Math.max(1, points.length);
  points.forEach((p, i) => {
    const x = M + i * bw + bw * 0.15;
    const y = p.value >= 0 ? zero - p.value * scale : zero;
    doc.rect(x, y, bw * 0.7, Math.abs(p.value) * scale).fill(p.value >= 0 ? color : '#b03a2e');
    doc.fillColor('#333').fontSize(6.5).text(p.label, M + i * bw, top + h - 14, { width: bw, align: 'center' });
  });
  doc.moveTo(M, zero).lineTo(M + W, zero).lineWidth(0.5).strokeColor('#888').stroke();
  doc.fillColor('black').fontSize(10);
  doc.y = top + h + 4;
  doc.x = M;
}

/** The area and its delivery cells, projected equirectangularly around the middle latitude. */
function map(doc: Doc, report: AlertReport, lang: ReportLang) {
  const L = labels(lang);
  const h = 300;
  ensure(doc, h + 40);
  const top = doc.y;
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  const take = (lon: number, lat: number) => {
    x0 = Math.min(x0, lon);
    x1 = Math.max(x1, lon);
    y0 = Math.min(y0, lat);
    y1 = Math.max(y1, lat);
  };
  for (const poly of report.outline) for (const ring of poly) for (const [lon, lat] of ring) take(lon, lat);
  const size = report.cells.cellSizeDeg;
  for (const c of report.cells.cells) {
    take(c.lon, c.lat);
    take(c.lon + size, c.lat + size);
  }
  doc.rect(M, top, W, h).lineWidth(0.5).strokeColor('#999').stroke();
  if (!Number.isFinite(x0)) {
    doc.fontSize(9).fillColor('#666').text(L.noCells, M + 10, top + 10);
  } else {
    const k = Math.cos((((y0 + y1) / 2) * Math.PI) / 180);
    const sx = (x1 - x0) * k || 0.01;
    const sy = y1 - y0 || 0.01;
    const s = Math.min((W - 20) / sx, (h - 20) / sy);
    const ox = M + (W - sx * s) / 2;
    const oy = top + (h - sy * s) / 2;
    const px = (lon: number) => ox + (lon - x0) * k * s;
    const py = (lat: number) => oy + (y1 - lat) * s;
    doc.save();
    doc.rect(M, top, W, h).clip();
    for (const c of report.cells.cells) {
      const done = c.delivered + c.failed;
      const share = done > 0 ? c.delivered / done : null;
      const colour = share === null ? '#bbbbbb' : share >= 0.98 ? '#2e7d32' : share >= 0.9 ? '#9ccc65' : share >= 0.75 ? '#f9a825' : '#c62828';
      doc.rect(px(c.lon), py(c.lat + size), size * k * s, size * s).fillOpacity(0.75).fill(colour);
    }
    doc.fillOpacity(1);
    for (const poly of report.outline) {
      for (const ring of poly) {
        ring.forEach(([lon, lat], i) => (i === 0 ? doc.moveTo(px(lon), py(lat)) : doc.lineTo(px(lon), py(lat))));
        doc.closePath();
      }
      doc.lineWidth(1.5).strokeColor('#1a4fa0').stroke();
    }
    doc.restore();
  }
  doc.y = top + h + 4;
  doc.x = M;
  para(doc, L.mapLegend.replace('{n}', String(report.cells.minCount)), 8);
}

function header(doc: Doc, title: string, sub: string, generatedAt: string, lang: ReportLang) {
  doc.font('bold').fontSize(18).fillColor('#1a2b49').text(title, M, M, { width: W });
  doc.font('body').fontSize(10).fillColor('#333').text(sub, { width: W });
  doc.fontSize(8).fillColor('#666').text(`${labels(lang).generated} ${localTime(generatedAt)} · Tryk Console`, { width: W });
  doc.fillColor('black').fontSize(10).moveDown(0.5);
}

export async function renderAlertPdf(report: AlertReport, lang: ReportLang, fonts: PdfFonts, totals: Totals = {}): Promise<Buffer> {
  const L = labels(lang);
  const a = report.alert;
  const title = `${L.afterAction}: ${L.alert} #${a.id}`;
  const doc = newDoc(title, fonts);
  header(doc, title, `${categoryName(a.category, lang)} · ${L.kind[a.kind]} · ${L.released} ${localTime(a.releasedAt)}`, report.generatedAt, lang);
  pairs(doc, [
    [L.createdBy, a.createdBy ?? '–'],
    [L.approvedBy, a.approvedBy ?? '–'],
  ]);
  para(doc, `${L.sms}: ${a.smsText}`, 9);

  heading(doc, L.timeline);
  table(
    doc,
    lang,
    [L.date, L.timeline, ''],
    report.timeline.map((e) => [
      localTime(e.at),
      L.events[e.event] ?? e.event,
      e.event === 'outcome' && e.detail ? (L.outcomes[e.detail as keyof typeof L.outcomes] ?? e.detail) : e.event === 'released' && e.detail ? `${fmtInt(Number(e.detail), lang)} ${L.recipients.toLowerCase()}` : (e.detail ?? ''),
    ]),
    [W * 0.25, W * 0.4, W * 0.35],
    8.5,
    totals.timeline,
  );

  heading(doc, L.funnel);
  const d = a.delivery;
  pairs(doc, [
    [L.recipients, fmtInt(d.recipients, lang)],
    [L.delivered, fmtInt(d.delivered, lang)],
    [L.failed, fmtInt(d.failed, lang)],
    [L.expired, fmtInt(d.expired, lang)],
    [L.cancelled, fmtInt(d.cancelled, lang)],
    [L.pending, fmtInt(d.pending, lang)],
    [L.rate, fmtPct(d.rate, lang)],
    [L.t50, fmtSeconds(d.t50, lang)],
    [L.t90, fmtSeconds(d.t90, lang)],
    [L.t99, fmtSeconds(d.t99, lang)],
    [L.parts, fmtInt(a.parts, lang)],
    [L.cost, fmtOre(a.costOre, lang)],
  ]);
  para(doc, L.spreadNote, 8);

  heading(doc, L.failures);
  if (report.failures.length === 0) para(doc, L.noFailures);
  else table(doc, lang, [L.reason, L.count], report.failures.map((f) => [f.reason, fmtInt(f.count, lang)]), [W * 0.7, W * 0.3], 8.5, totals.failures);

  heading(doc, L.tips);
  pairs(doc, [
    [L.tipsTotal, fmtInt(a.tips, lang)],
    [L.firstTip, fmtSeconds(a.firstTipSeconds, lang)],
  ]);
  if (report.tipsByHour.length === 0) para(doc, L.noTips);
  else table(doc, lang, [L.hourAfter, L.count], report.tipsByHour.map((t) => [`${t.hour}–${t.hour + 1}`, fmtInt(t.count, lang)]), [W * 0.7, W * 0.3], 8.5, totals.tipsByHour);

  heading(doc, L.reach);
  if (report.reach.channels.length === 0) para(doc, L.noSocial);
  else table(doc, lang, [L.channel, L.posts, L.reachCol], report.reach.channels.map((c) => [c.channel, fmtInt(c.posts, lang), fmtInt(c.reach, lang)]), undefined, 8.5, totals.channels);

  heading(doc, L.outcome);
  if (!a.outcome) para(doc, L.noOutcome);
  else {
    pairs(doc, [
      [L.outcome, L.outcomes[a.outcome.outcome]],
      [L.tipsHelped, a.outcome.tipsHelped === null ? L.notSaid : a.outcome.tipsHelped ? L.yes : L.no],
      [L.recorded, `${localTime(a.outcome.recordedAt)} (${a.outcome.recordedBy})`],
    ]);
    if (a.outcome.note) para(doc, `${L.note}: ${a.outcome.note}`, 9);
  }

  heading(doc, L.map);
  map(doc, report, lang);
  if (totals.cells !== undefined) capped(doc, lang, report.cells.cells.length, totals.cells, L.cellsCapped);
  if (totals.outline !== undefined) capped(doc, lang, report.outline.flat().reduce((n, ring) => n + ring.length, 0), totals.outline, L.outlineCapped);
  return finish(doc);
}

export async function renderPeriodPdf(r: EvaluationReport, lang: ReportLang, fonts: PdfFonts, totals: Totals = {}): Promise<Buffer> {
  const L = labels(lang);
  const title = `${L.periodReport} ${r.query.from} – ${r.query.to}`;
  const doc = newDoc(title, fonts);
  header(
    doc,
    title,
    `${L.district}: ${r.query.district?.name ?? L.allDistricts} · ${L.category}: ${r.query.category ? categoryName(r.query.category, lang) : L.allCategories}`,
    r.generatedAt,
    lang,
  );
  const s = r.subscribers;
  heading(doc, L.subscribers);
  pairs(doc, [
    [L.atStart, fmtInt(s.atStart, lang)],
    [L.atEnd, fmtInt(s.atEnd, lang)],
    [L.signups, fmtInt(s.signups, lang)],
    [L.leaves, fmtInt(s.leaves, lang)],
    [L.net, fmtInt(s.net, lang)],
  ]);
  if (s.signups + s.leaves > 0) bars(doc, `${L.net} / ${L.month.toLowerCase()}`, s.byMonth.map((m) => ({ label: m.month, value: m.net })));
  table(
    doc,
    lang,
    [L.month, L.signups, L.leaves, L.net, L.total],
    s.byMonth.map((m) => [m.month, fmtInt(m.signups, lang), fmtInt(m.leaves, lang), fmtInt(m.net, lang), fmtInt(m.total, lang)]),
  );
  heading(doc, L.byGroup);
  table(
    doc,
    lang,
    [L.group, L.signups, L.leaves],
    [...s.byGroup.map((g) => [L.groups[g.group] ?? g.group, fmtInt(g.signups, lang), fmtInt(g.leaves, lang)]), [L.unknownGroup, '', fmtInt(s.unknownGroup, lang)]],
    [W * 0.5, W * 0.25, W * 0.25],
  );

  heading(doc, L.alerts);
  pairs(doc, [[L.alerts, fmtInt(r.alerts.count, lang)], [L.followUps, fmtInt(r.alerts.followUps, lang)], ...categories.filter((c) => r.alerts.byCategory[c]).map((c): [string, string] => [categoryName(c, lang), fmtInt(r.alerts.byCategory[c]!, lang)])]);
  if (r.alerts.count === 0) para(doc, L.noData);
  else {
    bars(doc, L.alertsByMonth, r.alerts.byMonth.map((m) => ({ label: m.month, value: m.total })));
    const used = categories.filter((c) => r.alerts.byCategory[c]);
    const w = W / (used.length + 2);
    table(
      doc,
      lang,
      [L.month, ...used.map((c) => categoryName(c, lang)), L.total],
      r.alerts.byMonth.map((m) => [m.month, ...used.map((c) => fmtInt(m.byCategory[c] ?? 0, lang)), fmtInt(m.total, lang)]),
      [w, ...used.map(() => w), w],
      7.5,
    );
  }

  heading(doc, L.delivery);
  const d = r.delivery;
  pairs(doc, [
    [L.recipients, fmtInt(d.recipients, lang)],
    [L.delivered, fmtInt(d.delivered, lang)],
    [L.failed, fmtInt(d.failed, lang)],
    [L.expired, fmtInt(d.expired, lang)],
    [L.cancelled, fmtInt(d.cancelled, lang)],
    [L.rate, fmtPct(d.rate, lang)],
    [L.t50, fmtSeconds(d.t50, lang)],
    [L.t90, fmtSeconds(d.t90, lang)],
    [L.t99, fmtSeconds(d.t99, lang)],
    [L.parts, fmtInt(r.cost.parts, lang)],
    [L.cost, fmtOre(r.cost.totalOre, lang)],
  ]);
  para(doc, `${L.spreadNote} ${L.alertsWithReceipts.replace('{n}', fmtInt(d.alertsWithReceipts, lang))}`, 8);

  heading(doc, L.tips);
  pairs(doc, [
    [L.tipsTotal, fmtInt(r.tips.total, lang)],
    [L.tipsPerAlert, fmtDec(r.tips.perAlert, lang, 2)],
    [L.medianFirstTip, fmtSeconds(r.tips.medianFirstTipSeconds, lang)],
  ]);
  heading(doc, L.reach);
  if (r.reach.channels.length === 0) para(doc, L.noSocial);
  else table(doc, lang, [L.channel, L.posts, L.reachCol], r.reach.channels.map((c) => [c.channel, fmtInt(c.posts, lang), fmtInt(c.reach, lang)]), undefined, 8.5, totals.channels);

  heading(doc, L.outcomesHeading);
  pairs(doc, [
    [L.recorded, fmtInt(r.outcomes.recorded, lang)],
    [L.notRecorded, fmtInt(r.outcomes.notRecorded, lang)],
    ...Object.entries(r.outcomes.byOutcome).map(([o, n]): [string, string] => [L.outcomes[o as keyof typeof L.outcomes] ?? o, fmtInt(n, lang)]),
    [L.tipsHelped, fmtInt(r.outcomes.tipsHelped, lang)],
  ]);

  heading(doc, L.perAlert);
  if (r.perAlert.length === 0) para(doc, L.noData);
  else {
    table(
      doc,
      lang,
      ['#', L.date, L.category, L.recipients, L.rate, 't50', 't90', L.tips, L.outcome],
      r.perAlert.map((a) => [
        String(a.id),
        localTime(a.releasedAt).slice(0, 10),
        categoryName(a.category, lang),
        fmtInt(a.delivery.recipients, lang),
        fmtPct(a.delivery.rate, lang),
        fmtSeconds(a.delivery.t50, lang),
        fmtSeconds(a.delivery.t90, lang),
        fmtInt(a.tips, lang),
        a.outcome ? L.outcomes[a.outcome.outcome] : '–',
      ]),
      [W * 0.06, W * 0.12, W * 0.17, W * 0.11, W * 0.1, W * 0.1, W * 0.1, W * 0.08, W * 0.16],
      7.5,
      totals.perAlert,
    );
  }
  return finish(doc);
}
