/**
 * The built-in alert templates: one per category and kind (alert, update, close), in Danish
 * and English, with the same fields in both languages. Placeholders are `{key}`; a field the
 * officer has not filled stays visible as `[label]` so it cannot slip out unnoticed.
 *
 * The SMS texts are GSM-7 only (plain quotes, " - " instead of dashes) and fit two parts
 * with ordinary field values: a UCS-2 character would more than double the cost. Texts hold
 * only `{key}` placeholders, so the composer can fill them as it likes (see fillTemplate).
 */
import { z } from 'zod';
import { Template } from './schema';
import type { AlertKind, Template as TemplateType } from './schema';
import type { Category } from '../registry/subscriber';

export type Language = 'da' | 'en';
export const fieldKeys = ['case_number', 'description', 'area_name', 'time', 'tip'] as const;
export type FieldKey = (typeof fieldKeys)[number];

const labels: Record<Language, Record<FieldKey, string>> = {
  da: { case_number: 'journalnummer', description: 'beskrivelse', area_name: 'område', time: 'tidspunkt', tip: 'tip' },
  en: { case_number: 'case number', description: 'description', area_name: 'area', time: 'time', tip: 'how to tip' },
};

/** How to send a tip: the two ways the police ask for one. */
export const tipOptions: Record<Language, { reply: string; call: string }> = {
  da: { reply: 'svar på denne SMS', call: 'ring 114' },
  en: { reply: 'reply to this SMS', call: 'call 114' },
};

interface Texts {
  name: string;
  sms: string;
  social: string;
}

interface CategoryTexts {
  alert: Record<Language, Texts>;
  /** The noun for an update, e.g. "indbruddene": "Opdatering om indbruddene i ...". */
  about: Record<Language, string>;
}

const byCategory: Record<Category, CategoryTexts> = {
  burglary: {
    about: { da: 'indbruddene', en: 'the burglaries' },
    alert: {
      da: {
        name: 'Indbrud',
        sms: 'Politiet: Indbrud i {area_name} {time}. {description} Lås døre og vinduer. Tip os: {tip}. J.nr. {case_number}',
        social: 'Indbrud i {area_name} {time}. {description} Har du set noget mistænkeligt, så ring 114. #politidk',
      },
      en: {
        name: 'Burglary',
        sms: 'Police: Burglaries in {area_name} {time}. {description} Lock doors and windows. Tips: {tip}. Case {case_number}',
        social: 'Burglaries in {area_name} {time}. {description} If you saw anything suspicious, call 114. #politidk',
      },
    },
  },
  missing_person: {
    about: { da: 'den savnede person', en: 'the missing person' },
    alert: {
      da: {
        name: 'Savnet person',
        sms: 'Politiet leder efter en savnet person i {area_name}, sidst set {time}. {description} Tip os: {tip}. J.nr. {case_number}',
        social: 'Savnet i {area_name}, sidst set {time}. {description} Har du set personen, så ring 114. Del gerne. #politidk',
      },
      en: {
        name: 'Missing person',
        sms: 'Police are searching for a missing person in {area_name}, last seen {time}. {description} Tips: {tip}. Case {case_number}',
        social: 'Missing in {area_name}, last seen {time}. {description} If you have seen this person, call 114. Please share. #politidk',
      },
    },
  },
  wanted_vehicle: {
    about: { da: 'det efterlyste køretøj', en: 'the wanted vehicle' },
    alert: {
      da: {
        name: 'Efterlyst køretøj',
        sms: 'Politiet efterlyser et køretøj i {area_name} {time}. {description} Grib ikke selv ind. Tip os: {tip}. J.nr. {case_number}',
        social: 'Efterlyst køretøj i {area_name} {time}. {description} Ser du det, så ring 114 og grib ikke selv ind. #politidk',
      },
      en: {
        name: 'Wanted vehicle',
        sms: 'Police are looking for a vehicle in {area_name} {time}. {description} Do not intervene. Tips: {tip}. Case {case_number}',
        social: 'Wanted vehicle in {area_name} {time}. {description} If you see it, call 114 and do not intervene. #politidk',
      },
    },
  },
  wanted_person: {
    about: { da: 'den efterlyste person', en: 'the wanted person' },
    alert: {
      da: {
        name: 'Efterlyst person',
        sms: 'Politiet efterlyser en person i {area_name} {time}. {description} Kontakt ikke personen. Tip os: {tip}. J.nr. {case_number}',
        social: 'Efterlyst i {area_name} {time}. {description} Kontakt ikke personen selv, men ring 114. #politidk',
      },
      en: {
        name: 'Wanted person',
        sms: 'Police are looking for a person in {area_name} {time}. {description} Do not approach. Tips: {tip}. Case {case_number}',
        social: 'Wanted in {area_name} {time}. {description} Do not approach the person yourself; call 114. #politidk',
      },
    },
  },
  fraud: {
    about: { da: 'svindlen', en: 'the fraud' },
    alert: {
      da: {
        name: 'Svindel (advarsel)',
        sms: 'Politiet advarer: Svindel i {area_name} {time}. {description} Giv aldrig koder eller kort til fremmede. Tip os: {tip}. J.nr. {case_number}',
        social: 'Advarsel om svindel i {area_name} {time}. {description} Giv aldrig koder eller kort til fremmede. #politidk',
      },
      en: {
        name: 'Fraud warning',
        sms: 'Police warning: Fraud in {area_name} {time}. {description} Never give codes or cards to strangers. Tips: {tip}. Case {case_number}',
        social: 'Fraud warning for {area_name} {time}. {description} Never give codes or cards to strangers. #politidk',
      },
    },
  },
  traffic: {
    about: { da: 'trafikken', en: 'the traffic' },
    alert: {
      da: {
        name: 'Trafik',
        sms: 'Politiet: Trafik i {area_name} {time}. {description} Kør forsigtigt og følg skiltningen.',
        social: 'Trafik i {area_name} {time}. {description} Kør forsigtigt og følg skiltningen. #politidk',
      },
      en: {
        name: 'Traffic',
        sms: 'Police: Traffic in {area_name} {time}. {description} Drive carefully and follow the signs.',
        social: 'Traffic in {area_name} {time}. {description} Drive carefully and follow the signs. #politidk',
      },
    },
  },
  prevention: {
    about: { da: 'rådene', en: 'the advice' },
    alert: {
      da: {
        name: 'Forebyggende råd',
        sms: 'Politiet: Gode råd til dig i {area_name}. {description} Spørgsmål? Ring 114.',
        social: 'Gode råd til dig i {area_name}. {description} #politidk',
      },
      en: {
        name: 'Prevention advice',
        sms: 'Police: Advice for you in {area_name}. {description} Questions? Call 114.',
        social: 'Advice for you in {area_name}. {description} #politidk',
      },
    },
  },
  general: {
    about: { da: 'sagen', en: 'the case' },
    alert: {
      da: {
        name: 'Politiet informerer',
        sms: 'Politiet informerer, {area_name}: {description} Tip os: {tip}.',
        social: 'Politiet informerer, {area_name}: {description} #politidk',
      },
      en: {
        name: 'Police information',
        sms: 'Police information, {area_name}: {description} Tips: {tip}.',
        social: 'Police information, {area_name}: {description} #politidk',
      },
    },
  },
};

const uses = (t: Texts, key: FieldKey) => t.sms.includes(`{${key}}`);

/** An update says what is new, with the tip line and case number if the alert had them. */
function updateTexts(about: string, lang: Language, alert: Texts): Texts {
  const tip = uses(alert, 'tip') ? (lang === 'da' ? ' Tip os: {tip}.' : ' Tips: {tip}.') : '';
  const caseNo = uses(alert, 'case_number') ? (lang === 'da' ? ' J.nr. {case_number}' : ' Case {case_number}') : '';
  return lang === 'da'
    ? {
        name: `${alert.name} - opdatering`,
        sms: `Politiet, opdatering om ${about} i {area_name}: {description}${tip}${caseNo}`,
        social: `Opdatering om ${about} i {area_name}: {description} #politidk`,
      }
    : {
        name: `${alert.name} - update`,
        sms: `Police update on ${about} in {area_name}: {description}${tip}${caseNo}`,
        social: `Update on ${about} in {area_name}: {description} #politidk`,
      };
}

/** "Sagen er opklaret - tak for hjælpen": a plain hyphen, since a dash would force UCS-2. */
function closeTexts(lang: Language, alert: Texts): Texts {
  const caseNo = uses(alert, 'case_number') ? (lang === 'da' ? ' J.nr. {case_number}' : ' Case {case_number}') : '';
  return lang === 'da'
    ? {
        name: `${alert.name} - sagen er opklaret`,
        sms: `Politiet: Sagen er opklaret - tak for hjælpen.${caseNo}`,
        social: 'Sagen i {area_name} er opklaret - tak for hjælpen til alle, der delte og tippede os. #politidk',
      }
    : {
        name: `${alert.name} - case closed`,
        sms: `Police: The case is closed - thank you for your help.${caseNo}`,
        social: 'The case in {area_name} is closed - thank you to everyone who shared and sent tips. #politidk',
      };
}

export const templateId = (category: Category, kind: AlertKind, language: Language) => `${category}.${kind}.${language}`;

/**
 * Every field a template's texts use is required: a template asks only for what it says, so
 * an empty field is a gap in the message, never an optional extra.
 */
function build(): TemplateType[] {
  const out: TemplateType[] = [];
  for (const [category, texts] of Object.entries(byCategory) as [Category, CategoryTexts][]) {
    for (const kind of ['alert', 'update', 'close'] as const) {
      for (const language of ['da', 'en'] as const) {
        const alert = texts.alert[language];
        const t = kind === 'alert' ? alert : kind === 'update' ? updateTexts(texts.about[language], language, alert) : closeTexts(language, alert);
        const used = fieldKeys.filter((k) => t.sms.includes(`{${k}}`) || t.social.includes(`{${k}}`));
        out.push({
          id: templateId(category, kind, language),
          category,
          kind,
          language,
          name: t.name,
          sms: t.sms,
          social: t.social,
          fields: used.map((key) => ({ key, label: labels[language][key], required: true })),
        });
      }
    }
  }
  return out;
}

export const builtinTemplates: readonly TemplateType[] = Object.freeze(build());

/** Admin overrides (settings 'alerts.templates'): replace a built-in by id, or add new ones. */
export const TemplateOverrides = z.array(Template).max(500);

export function mergeTemplates(builtin: readonly TemplateType[], overrides: readonly TemplateType[]): TemplateType[] {
  const byId = new Map(builtin.map((t) => [t.id, t]));
  for (const t of overrides) byId.set(t.id, t);
  return [...byId.values()];
}

const PLACEHOLDER = /\{([a-z_]{1,40})\}/g;

/**
 * The template's SMS and social texts with the fields filled in, values as typed (trimmed).
 * An empty field stays visible as `[label]`, e.g. "[journalnummer]", so it cannot slip out.
 */
export function fillTemplate(template: TemplateType, fields: Readonly<Record<string, string>>): { sms: string; social: string } {
  const fill = (text: string) =>
    text.replace(PLACEHOLDER, (_m, key: string) => {
      const value = fields[key]?.trim();
      if (value) return value;
      return `[${template.fields.find((f) => f.key === key)?.label ?? key}]`;
    });
  return { sms: fill(template.sms), social: fill(template.social) };
}

/** The template's fields still unfilled in a text: "[journalnummer]" or a bare "{case_number}". */
export function unfilledFields(template: TemplateType, text: string): string[] {
  return template.fields.filter((f) => text.includes(`[${f.label}]`) || text.includes(`{${f.key}}`)).map((f) => f.key);
}

/** What a new draft starts with: tips by SMS reply, since the reply lands in the tip inbox. */
export function defaultFields(template: TemplateType): Record<string, string> {
  const out: Record<string, string> = {};
  if (template.fields.some((f) => f.key === 'tip')) out.tip = tipOptions[template.language].reply;
  return out;
}

/** The same template in the other language (the built-in ones exist in Danish and English). */
export function counterpartOf(template: TemplateType, all: readonly TemplateType[]): TemplateType | undefined {
  return all.find((t) => t.category === template.category && t.kind === template.kind && t.language !== template.language);
}
