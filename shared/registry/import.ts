/**
 * A subscriber file's records validated one batch at a time (the import worker feeds it as it
 * reads): the good rows kept for the writer, every refused row and every warning with its
 * row number. The report carries at most REPORT_PROBLEMS of each with their totals, so a
 * file of 600,000 bad rows answers with a short report, not 600,000 objects.
 */
import type { DistrictBounds } from './district';
import { validateRecord } from './subscriber';
import type { RawRecord, RowProblem, SubscriberInput } from './subscriber';

export const REPORT_PROBLEMS = 1000;

export interface ValidationSummary {
  rows: number;
  accepted: number;
  /** The first REPORT_PROBLEMS refused rows; `refused` counts them all. */
  rejected: RowProblem[];
  refused: number;
  /** The first REPORT_PROBLEMS warnings (imported all the same); `warned` counts them all. */
  warnings: RowProblem[];
  warned: number;
}

export class ImportValidator {
  readonly accepted: SubscriberInput[] = [];
  private readonly seen = new Map<string, number>();
  private readonly summary: ValidationSummary = { rows: 0, accepted: 0, rejected: [], refused: 0, warnings: [], warned: 0 };

  constructor(
    private readonly knownGroups: ReadonlySet<string>,
    private readonly district: DistrictBounds | null = null,
  ) {}

  private refuse(p: RowProblem): void {
    this.summary.refused++;
    if (this.summary.rejected.length < REPORT_PROBLEMS) this.summary.rejected.push(p);
  }

  private warn(p: RowProblem): void {
    this.summary.warned++;
    if (this.summary.warnings.length < REPORT_PROBLEMS) this.summary.warnings.push(p);
  }

  add(records: readonly { row: number; record: RawRecord }[]): void {
    for (const { row, record } of records) {
      this.summary.rows++;
      const r = validateRecord(record, this.knownGroups);
      if (!r.ok) {
        this.refuse({ row, ...r.problem });
        continue;
      }
      const first = this.seen.get(r.value.phone);
      if (first !== undefined) {
        this.refuse({ row, code: 'duplicate_phone', field: 'phone', message: `the same phone number as row ${first}` });
        continue;
      }
      this.seen.set(r.value.phone, row);
      this.accepted.push(r.value);
      if (this.district) {
        for (const place of r.value.places) {
          if (this.district.contains(place.lon, place.lat)) continue;
          const d = this.district.district;
          this.warn({
            row,
            code: 'outside_district',
            field: `${place.kind}_lat`,
            message: `the ${place.kind.replace('_', ' ')} place is outside ${d.name} (${d.code}); imported all the same`,
          });
        }
      }
    }
  }

  result(): ValidationSummary {
    return { ...this.summary, accepted: this.accepted.length };
  }
}
