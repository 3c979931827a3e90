/** Messages between the main thread (electron/parse/client.ts) and the parse worker (worker.ts). */
import type { CapDraft } from '../../shared/cap';
import type { ValidationSummary } from '../../shared/registry/import';
import type { SubscriberInput } from '../../shared/registry/subscriber';
import type { TargetArea } from '../../shared/targeting/area';
import type { ImportFormat } from '../registry/reader';

/** A police district with its geometry as the store keeps it (JSON text, parsed in the worker). */
export interface DistrictText {
  code: string;
  name: string;
  geometry: string;
}

export type ParseRequest =
  /** Our CAP reader (size, DTDs, depth, the CAP model) and the area checks (vertex limits, crossings). */
  | { type: 'cap'; xml: string }
  | { type: 'import.begin'; job: number; format: ImportFormat; name: string; groups: string[]; district: DistrictText | null }
  | { type: 'import.part'; job: number; text: string }
  | { type: 'import.end'; job: number }
  | { type: 'import.page'; job: number; from: number; count: number }
  | { type: 'import.drop'; job: number };

/** The reader's verdict; `unsafe` means the document must not reach libxml2 at all. */
export type CapRead =
  | { ok: true; draft: CapDraft; warnings: string[]; area: { ok: true; value: TargetArea; warnings: string[] } | { ok: false; code: string; message: string } }
  | { ok: false; unsafe: boolean; code: string; message: string };

export interface ParseResults {
  cap: CapRead;
  'import.begin': null;
  'import.part': null;
  'import.end': ValidationSummary;
  'import.page': SubscriberInput[];
  'import.drop': null;
}

export type Envelope = ParseRequest & { id: number };
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; code: string; message: string; details?: unknown };
