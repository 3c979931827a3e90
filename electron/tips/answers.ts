/**
 * What the console answers a citizen by SMS, in their language. GSM-7 only (one part each
 * where possible), so an answer costs one SMS. A tipster's reply and the automatic
 * acknowledgement are written by officers and come with their own text.
 */
export type AnswerKind =
  | 'stop_confirm'
  | 'signup_confirm'
  | 'signup_done'
  | 'signup_needs_postcode'
  | 'signup_unknown_postcode'
  | 'already_active'
  | 'help'
  | 'tip_reply'
  | 'tip_ack'
  | 'tip_thanks'
  | 'panel_joined'
  | 'panel_already'
  | 'panel_needs_signup';

const TEXTS: Record<'da' | 'en', Partial<Record<AnswerKind, string>>> = {
  da: {
    stop_confirm: 'Politiet: Du er nu afmeldt og får ikke flere SMS-varsler. Send START og dit postnummer for at tilmelde dig igen.',
    signup_confirm: 'Politiet: Vil du have SMS-varsler fra politiet om hændelser nær {postcode}? Svar JA for at tilmelde dig. Send STOP for at afmelde.',
    signup_done: 'Politiet: Tak, du er nu tilmeldt SMS-varsler. Send STOP for at afmelde, HJÆLP for info.',
    signup_needs_postcode: 'Politiet: Send TILMELD og dit postnummer, fx TILMELD 3400, for at få SMS-varsler.',
    signup_unknown_postcode: 'Politiet: Postnummer {postcode} findes ikke. Send TILMELD og dit postnummer, fx TILMELD 3400.',
    already_active: 'Politiet: Du er allerede tilmeldt SMS-varsler. Send STOP for at afmelde.',
    help: 'Politiet: SMS-varsler om hændelser nær dig. Svar på et varsel med dit tip. STOP afmelder, TILMELD 3400 tilmelder. Ring 114, i nødstilfælde 112.',
    panel_joined: 'Politiet: Tak, du er nu med i borgerpanelet og får af og til korte spørgsmål pr. SMS. Send STOP for at afmelde.',
    panel_already: 'Politiet: Du er allerede med i borgerpanelet. Send STOP for at afmelde.',
    panel_needs_signup: 'Politiet: Tilmeld dig SMS-varsler først: send TILMELD og dit postnummer, fx TILMELD 3400. Send derefter PANEL.',
  },
  en: {
    stop_confirm: 'Police: You are unsubscribed and will get no more SMS alerts. Send START and your postcode to subscribe again.',
    signup_confirm: 'Police: Do you want SMS alerts from the police about incidents near {postcode}? Reply YES to subscribe. Send STOP to unsubscribe.',
    signup_done: 'Police: Thank you, you are now subscribed to SMS alerts. Send STOP to unsubscribe, HELP for info.',
    signup_needs_postcode: 'Police: Send START and your postcode, e.g. START 3400, to get SMS alerts.',
    signup_unknown_postcode: 'Police: Postcode {postcode} does not exist. Send START and your postcode, e.g. START 3400.',
    already_active: 'Police: You are already subscribed to SMS alerts. Send STOP to unsubscribe.',
    help: 'Police: SMS alerts about incidents near you. Reply to an alert with your tip. STOP unsubscribes. Call 114, in an emergency 112.',
    panel_joined: 'Police: Thank you, you are now on the citizen panel and will now and then get short questions by SMS. Send STOP to unsubscribe.',
    panel_already: 'Police: You are already on the citizen panel. Send STOP to unsubscribe.',
    panel_needs_signup: 'Police: Subscribe to SMS alerts first: send START and your postcode, e.g. START 3400. Then send PANEL.',
  },
};

export function answerText(kind: AnswerKind, language: 'da' | 'en', vars: Record<string, string> = {}): string {
  const template = TEXTS[language][kind] ?? TEXTS.da[kind];
  if (!template) throw new Error(`no text for the answer ${kind}`);
  return template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '').replace(/ nær \.|near \./, '.').replace(/\s+\?/, '?');
}
