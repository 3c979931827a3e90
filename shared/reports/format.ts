/**
 * How report figures are written as text (PDF, CLI), Danish first. The test that compares a
 * PDF's text with `--json` formats the JSON's numbers with these same functions.
 */
export type ReportLang = 'da' | 'en';

const locale = (lang: ReportLang) => (lang === 'da' ? 'da-DK' : 'en-GB');

export const fmtInt = (n: number, lang: ReportLang) => n.toLocaleString(locale(lang), { maximumFractionDigits: 0 });

export const fmtDec = (n: number | null, lang: ReportLang, digits = 1) =>
  n === null ? '–' : n.toLocaleString(locale(lang), { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A share 0..1 as "96,4 %". */
export const fmtPct = (share: number | null, lang: ReportLang) => (share === null ? '–' : `${fmtDec(share * 100, lang)} %`);

/** Seconds as "42 s", "12,5 min" or "3,2 t"/"3.2 h". */
export function fmtSeconds(s: number | null, lang: ReportLang): string {
  if (s === null) return '–';
  if (s < 120) return `${fmtDec(s, lang)} s`;
  if (s < 7200) return `${fmtDec(s / 60, lang)} min`;
  return `${fmtDec(s / 3600, lang)} ${lang === 'da' ? 't' : 'h'}`;
}

/** Øre as kroner: "1.234,50 kr." / "DKK 1,234.50". */
export const fmtOre = (ore: number, lang: ReportLang) =>
  lang === 'da' ? `${fmtDec(ore / 100, lang, 2)} kr.` : `DKK ${fmtDec(ore / 100, lang, 2)}`;
