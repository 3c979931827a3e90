/**
 * An alert as an OASIS CAP 1.2 document: our words mapped onto CAP's (shared/cap does the
 * writing and the schema's rules). Boundary parts of the area are resolved from the store.
 */
import type { Alert, AlertKind } from '../../shared/alerts/schema';
import { smsTextsAsSent } from '../../shared/alerts/exercise';
import { capAreaFromTargetArea, toCap } from '../../shared/cap';
import type { CapAlertInput } from '../../shared/cap';
import type { AreaGeometry } from '../../shared/geo/types';
import type { Category } from '../../shared/registry/subscriber';
import type { BoundaryKind } from '../../shared/targeting/area';

export type BoundaryGeometry = (kind: BoundaryKind, code: string) => Promise<AreaGeometry | null>;

export interface AlertCapInput {
  alert: Alert;
  /** When the alert was handed to dispatch; CAP's <sent>. Null: not sent yet, so "now". */
  releasedAt: string | null;
  /** An update's or close's original, which CAP names in <references>. */
  parent: { uuid: string; releasedAt: string } | null;
  templateName: string | null;
  sender: string;
  senderName: string;
  now: Date;
  boundaryGeometry?: BoundaryGeometry;
}

const msgTypes: Record<AlertKind, 'Alert' | 'Update' | 'Cancel'> = {
  alert: 'Alert',
  update: 'Update',
  // "Case closed": the original is no longer in effect, which is what CAP's Cancel says.
  close: 'Cancel',
};

export const events: Record<Category, { da: string; en: string }> = {
  burglary: { da: 'Indbrud', en: 'Burglary' },
  missing_person: { da: 'Savnet person', en: 'Missing person' },
  wanted_vehicle: { da: 'Efterlyst køretøj', en: 'Wanted vehicle' },
  wanted_person: { da: 'Efterlyst person', en: 'Wanted person' },
  fraud: { da: 'Svindel', en: 'Fraud' },
  traffic: { da: 'Trafik', en: 'Traffic' },
  prevention: { da: 'Forebyggende råd', en: 'Prevention advice' },
  general: { da: 'Politiet informerer', en: 'Police information' },
};

const severities: Record<Category, 'Severe' | 'Moderate' | 'Minor'> = {
  burglary: 'Moderate',
  missing_person: 'Severe',
  wanted_vehicle: 'Moderate',
  wanted_person: 'Severe',
  fraud: 'Moderate',
  traffic: 'Moderate',
  prevention: 'Minor',
  general: 'Minor',
};

export async function alertCapXml(input: AlertCapInput): Promise<string> {
  const { alert } = input;
  const lang = alert.language;
  const areaName = alert.fields.area_name?.trim() || (lang === 'da' ? 'Målområde' : 'Target area');
  const areas: CapAlertInput['areas'] = [];
  if (alert.area) {
    const geometries = new Map<string, AreaGeometry>();
    for (const part of alert.area.parts) {
      if (part.shape.type !== 'boundary' || !input.boundaryGeometry) continue;
      const g = await input.boundaryGeometry(part.shape.kind, part.shape.code);
      if (g) geometries.set(`${part.shape.kind}:${part.shape.code}`, g);
    }
    areas.push(capAreaFromTargetArea(alert.area, areaName, (kind, code) => geometries.get(`${kind}:${code}`)).area);
  }
  const cap: CapAlertInput = {
    id: alert.uuid,
    sender: input.sender,
    sentAt: input.releasedAt ?? input.now,
    status: alert.capStatus,
    msgType: msgTypes[alert.kind],
    ...(input.parent ? { references: [{ sender: input.sender, identifier: input.parent.uuid, sent: input.parent.releasedAt }] } : {}),
    scope: 'Public',
    category: alert.category,
    urgency: alert.urgency === 'urgent' ? 'Immediate' : 'Expected',
    severity: alert.kind === 'close' ? 'Minor' : severities[alert.category],
    certainty: alert.category === 'prevention' ? 'Possible' : 'Observed',
    // One <info> per language the alert carries (its own first): the same words as each
    // language's SMS, an exercise's prefix included.
    infos: smsTextsAsSent(alert).map((text, i) => {
      const event = events[alert.category][text.language];
      return {
        language: text.language === 'da' ? 'da-DK' : 'en-US',
        event,
        headline: `${(i === 0 ? input.templateName : null) ?? event} - ${areaName}`.slice(0, 500),
        description: text.text,
        instruction: text.language === 'da' ? 'Tip politiet på 114.' : 'Send tips to the police on 114.',
        senderName: input.senderName,
        contact: '114',
      };
    }),
    areas,
  };
  return toCap(cap);
}
