import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { CapAlertInput } from '../../../shared/cap';

const repoRoot = resolve(__dirname, '../../..');
/** The official OASIS schema, kept outside the repository (it is not ours to ship). */
export const CAP_XSD = resolve(repoRoot, '../shared/data/cap/CAP-v1.2.xsd');

/** What xmllint says about a document against the CAP 1.2 schema; `ok` only if it validates. */
export function validateCap(xml: string): { ok: boolean; output: string } {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', CAP_XSD, '-'], { input: xml, encoding: 'utf8' });
  if (r.error) throw r.error; // xmllint missing: fail loudly, never skip
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
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
