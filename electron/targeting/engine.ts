/**
 * The targeting engine: validates the area and filter, turns boundary parts into prepared
 * shapes (cached, since an officer drags shapes over the same postcodes many times a second),
 * and asks the place index.
 *
 * The console runs it inside the targeting worker (worker.ts), behind client.ts: a count at
 * 6 M (tens of ms) or an index build (seconds) then never holds the bridge. Tests and the
 * benchmark's in-process figures use it directly on their own thread.
 */
import { TargetAreaSchema, TargetFilterSchema } from '../../shared/targeting/area';
import type { TargetArea, TargetFilterInput } from '../../shared/targeting/area';
import { areaVertices, compileArea } from '../../shared/targeting/compile';
import type { AreaResult, BoundaryResolver, CompiledArea } from '../../shared/targeting/compile';
import type { PreparedPolygon } from '../../shared/geo/pointInPolygon';
import type { BBox } from '../../shared/geo/types';
import type { CountResult, DensityResult, PlaceIndex, SubscriberRecord } from './placeIndex';

/** Areas up to this many vertices are compared with the last one counted (see `compile`). */
const SAME_AREA_VERTICES = 2_000;

/** A density cell about 32 screen pixels wide on a 256-pixel-tile web map at `zoom`. */
export function cellSizeForZoom(zoom: number): number {
  return 360 / 2 ** Math.max(0, Math.min(22, zoom)) / 8;
}

export class TargetingEngine {
  private readonly boundaryCache = new Map<string, PreparedPolygon[]>();
  private last: { key: string; value: CompiledArea } | null = null;

  constructor(
    readonly index: PlaceIndex,
    private readonly resolveBoundary: BoundaryResolver = () => undefined,
  ) {}

  compile(area: unknown): AreaResult<CompiledArea> {
    const parsed = TargetAreaSchema.safeParse(area);
    if (!parsed.success) {
      return { ok: false, error: { code: 'invalid_area', message: `not a target area: ${parsed.error.issues[0]?.message ?? 'invalid'}` } };
    }
    // The same area as last time (a filter change, a recount after a registry change) gets the
    // same CompiledArea, whose cell classes the index keeps. Only small areas are compared:
    // writing out a 20,000-vertex polygon to compare it would cost more than it saves.
    const key = areaVertices(parsed.data) <= SAME_AREA_VERTICES ? JSON.stringify(parsed.data) : null;
    if (key !== null && this.last?.key === key) return { ok: true, value: this.last.value };
    const compiled = compileArea(parsed.data, { resolveBoundary: this.resolveBoundary, boundaryCache: this.boundaryCache });
    this.last = key !== null && compiled.ok ? { key, value: compiled.value } : null;
    return compiled;
  }

  private filter(input: TargetFilterInput | undefined) {
    return TargetFilterSchema.parse(input ?? {});
  }

  count(area: unknown, filter?: TargetFilterInput): AreaResult<CountResult> {
    const c = this.compile(area);
    return c.ok ? { ok: true, value: this.index.count(c.value, this.filter(filter)) } : c;
  }

  selectRecipients(area: unknown, filter?: TargetFilterInput): AreaResult<Int32Array> {
    const c = this.compile(area);
    return c.ok ? { ok: true, value: this.index.selectRecipients(c.value, this.filter(filter)) } : c;
  }

  density(
    region: TargetArea | BBox,
    opts: { filter?: TargetFilterInput; cellSizeDeg?: number; zoom?: number; minCount: number },
  ): AreaResult<DensityResult> {
    const size = opts.cellSizeDeg ?? cellSizeForZoom(opts.zoom ?? 10);
    if (Array.isArray(region)) return { ok: true, value: this.index.density(region, this.filter(opts.filter), size, opts.minCount) };
    const c = this.compile(region);
    return c.ok ? { ok: true, value: this.index.density(c.value, this.filter(opts.filter), size, opts.minCount) } : c;
  }

  upsertSubscriber(rec: SubscriberRecord): void {
    this.index.upsertSubscriber(rec);
  }

  removeSubscriber(id: number): boolean {
    return this.index.removeSubscriber(id);
  }

  /** After a boundary import: prepared shapes of the old boundaries must not be reused. */
  forgetBoundaries(): void {
    this.boundaryCache.clear();
    this.last = null;
  }
}
