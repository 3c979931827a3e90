import type { CapAlertInput } from '../../../shared/cap';
import { checkCapSchema } from '../../../electron/alerts/cap-schema/check';

/**
 * What the official CAP 1.2 schema (shipped in electron/alerts/cap-schema, checked by libxml2
 * in WebAssembly: no xmllint program needed) says about a document; `ok` only if it validates.
 */
export async function validateCap(xml: string): Promise<{ ok: boolean; output: string }> {
  const r = await checkCapSchema(xml);
  return { ok: r.valid, output: r.valid ? 'alert.xml validates' : ['alert.xml fails to validate', ...r.problems].join('\n') };
}

/** A Danish burglary warning in both languages, over Hillerød. */
export const burglary = (): CapAlertInput & Required<Pick<CapAlertInput, 'areas'>> => ({
  id: 'tryk-nsj-2026-000042',
  sender: 'nordsjaelland@politi.dk',
  sentAt: new Date('2026-11-24T09:00:00Z'),
  status: 'Actual',
  msgType: 'Alert',
  scope: 'Public',
  category: 'burglary',
  urgency: 'Expected',
  severity: 'Moderate',
  certainty: 'Likely',
  infos: [
    {
      language: 'da-DK',
      event: 'Indbrud',
      headline: 'Indbrud i Hillerød',
      description: 'Politiet har fået anmeldt flere indbrud i villaer i nat.',
      instruction: 'Lås døre og vinduer. Tip os: svar på denne SMS eller ring 114.',
      senderName: 'Nordsjællands Politi',
      web: 'https://politi.dk/nordsjaellands-politi',
      contact: '114',
    },
    {
      language: 'en-US',
      event: 'Burglary',
      headline: 'Burglaries in Hillerød',
      description: 'The police have had several reports of burglaries in houses tonight.',
      instruction: 'Lock doors and windows. Tips: reply to this SMS or call 114.',
    },
  ],
  areas: [
    {
      desc: 'Hillerød centrum',
      polygons: [
        [
          [12.29, 55.92],
          [12.33, 55.92],
          [12.33, 55.94],
          [12.29, 55.94],
          [12.29, 55.92],
        ],
      ],
      circles: [],
    },
  ],
});
