import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { analyzeSms, replaceOffending } from '../../../shared/sms';
import type { OffendingChar, SmsAnalysis } from '../../../shared/sms';

/** U+2019 for ’: the officer (or a colleague on the phone) can name the character exactly. */
export const codePointLabel = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/** A character as it can be shown: invisible ones (no-break space, soft hyphen) by their code. */
function visible(char: string, cp: number): string {
  return /^[\p{L}\p{N}\p{P}\p{S}]+$/u.test(char) ? char : codePointLabel(cp);
}

/** One entry per distinct offending character, with every place it occurs. */
function group(offending: readonly OffendingChar[]) {
  const byChar = new Map<string, { first: OffendingChar; count: number }>();
  for (const o of offending) {
    const g = byChar.get(o.char);
    if (g) g.count++;
    else byChar.set(o.char, { first: o, count: 1 });
  }
  return [...byChar.values()];
}

/** Replaces every occurrence of one character by its suggestion (composing first, as replaceOffending does). */
export function fixCharacter(text: string, char: string, suggestion: string): string {
  return text.normalize('NFC').split(char).join(suggestion).normalize('NFC');
}

/** The text split into plain runs and the characters that force UCS-2, to render as spans (never HTML). */
export function mirrorSegments(text: string, offending: readonly OffendingChar[]) {
  const out: { text: string; offending: OffendingChar | null }[] = [];
  let at = 0;
  for (const o of offending) {
    if (o.index > at) out.push({ text: text.slice(at, o.index), offending: null });
    out.push({ text: text.slice(o.index, o.index + o.length), offending: o });
    at = o.index + o.length;
  }
  if (at < text.length) out.push({ text: text.slice(at), offending: null });
  return out;
}

export function useSmsAnalysis(text: string): SmsAnalysis {
  return useMemo(() => analyzeSms(text), [text]);
}

/**
 * What the SMS costs as typed: encoding, characters, parts and room left, and, when the text
 * needs UCS-2 (which more than halves a part), exactly which characters force it, each with a
 * one-click fix.
 */
export function SmsFacts({
  text,
  analysis,
  recipients,
  onChange,
  readOnly = false,
}: {
  text: string;
  analysis: SmsAnalysis;
  recipients: number | null;
  onChange?: (text: string) => void;
  readOnly?: boolean;
}) {
  const { t } = useTranslation();
  const ucs2 = analysis.encoding === 'UCS-2';
  const groups = group(analysis.offending);
  const fixable = analysis.offending.some((o) => o.suggestion !== null);
  return (
    <div className="sms-facts" data-testid="sms-facts" data-encoding={analysis.encoding}>
      <dl className="facts facts--inline">
        <dt>{t('alerts.facts.encoding')}</dt>
        <dd data-testid="sms-encoding" className={ucs2 ? 'facts__warn' : undefined}>
          {analysis.encoding}
        </dd>
        <dt>{t('alerts.facts.characters')}</dt>
        <dd data-testid="sms-characters">{t('alerts.facts.charactersValue', { count: analysis.characters })}</dd>
        <dt>{t('alerts.facts.parts')}</dt>
        <dd data-testid="sms-parts" data-parts={analysis.segments}>
          {t('alerts.facts.partsValue', { count: analysis.segments, per: analysis.unitsPerSegment })}
        </dd>
        <dt>{t('alerts.facts.remaining')}</dt>
        <dd data-testid="sms-remaining">{analysis.remainingInSegment}</dd>
        <dt>{t('alerts.facts.total')}</dt>
        <dd data-testid="sms-total">
          {recipients === null
            ? t('alerts.facts.totalUnknown')
            : t('alerts.facts.totalValue', {
                parts: analysis.segments,
                recipients: t('alerts.recipients', { count: recipients }),
                total: analysis.segments * recipients,
              })}
        </dd>
      </dl>
      {ucs2 && (
        <div className="ucs2" role="alert" data-testid="ucs2-warning">
          <p className="ucs2__lead">{t('alerts.ucs2.lead', { count: groups.length })}</p>
          <p className="sms-mirror" data-testid="sms-mirror" aria-label={t('alerts.ucs2.mirror')}>
            {mirrorSegments(text, analysis.offending).map((seg, i) =>
              seg.offending ? (
                <mark key={i} className="sms-mirror__bad" data-testid="offending-mark" title={codePointLabel(seg.offending.codePoint)}>
                  {seg.text}
                </mark>
              ) : (
                <span key={i}>{seg.text}</span>
              ),
            )}
          </p>
          <ul className="ucs2__list">
            {groups.map(({ first, count }) => (
              <li key={first.char} data-testid="offending" data-codepoint={first.codePoint}>
                <span className="ucs2__char">{visible(first.char, first.codePoint)}</span>{' '}
                <span className="hint">
                  {codePointLabel(first.codePoint)}
                  {count > 1 ? ` ×${count}` : ''}
                </span>{' '}
                {first.suggestion === null ? (
                  <span>{t('alerts.ucs2.noSuggestion')}</span>
                ) : (
                  <>
                    <span>
                      {first.suggestion === ''
                        ? t('alerts.ucs2.drop')
                        : t('alerts.ucs2.suggest', { replacement: first.suggestion })}
                    </span>{' '}
                    {!readOnly && onChange && (
                      <button
                        type="button"
                        className="button button--small"
                        data-testid="fix-char"
                        aria-label={t('alerts.ucs2.fixLabel', {
                          char: visible(first.char, first.codePoint),
                          replacement: first.suggestion || t('alerts.ucs2.nothing'),
                        })}
                        onClick={() => onChange(fixCharacter(text, first.char, first.suggestion!))}
                      >
                        {t('alerts.ucs2.fix')}
                      </button>
                    )}
                  </>
                )}
              </li>
            ))}
          </ul>
          {!readOnly && onChange && fixable && (
            <button type="button" className="button" data-testid="fix-all" onClick={() => onChange(replaceOffending(text))}>
              {t('alerts.ucs2.fixAll')}
            </button>
          )}
        </div>
      )}
    </div>
  );
}
