/**
 * The target area as a picture for a Facebook post: the area's outlines (included parts in
 * police blue, excluded in red) over the municipalities around it in grey, drawn from the
 * stored boundaries, no map tiles, encoded as PNG by pngjs.
 */
import { PNG } from 'pngjs';
import type { TargetArea } from '../../shared/targeting/area';
import type { AreaGeometry, Position } from '../../shared/geo/types';
import type { Services } from '../services';

const W = 1200;
const H = 630; // the link-preview shape Facebook shows without cropping
type Rgb = readonly [number, number, number];
const BLUE: Rgb = [0, 51, 153];
const RED: Rgb = [200, 30, 30];
const GREY: Rgb = [170, 170, 170];

function ringsOf(g: AreaGeometry): Position[][] {
  return g.type === 'Polygon' ? g.coordinates : g.coordinates.flat();
}

function circleRing(center: Position, radiusM: number): Position[] {
  const [lon, lat] = center;
  const dLat = radiusM / 111_320;
  const dLon = radiusM / (111_320 * Math.cos((lat * Math.PI) / 180));
  return Array.from({ length: 97 }, (_, i) => {
    const a = (i / 96) * 2 * Math.PI;
    return [lon + dLon * Math.cos(a), lat + dLat * Math.sin(a)] as Position;
  });
}

export interface PicturePart {
  mode: 'include' | 'exclude';
  rings: Position[][];
}

/** Draws the parts (and context outlines) into a PNG; null when there is nothing to draw. */
export async function drawAreaPng(parts: PicturePart[], context: Position[][] = []): Promise<Buffer | null> {
  const all = parts.flatMap((p) => p.rings.flat());
  if (!all.length) return null;
  let [minLon, minLat, maxLon, maxLat] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lon, lat] of all) {
    minLon = Math.min(minLon, lon);
    maxLon = Math.max(maxLon, lon);
    minLat = Math.min(minLat, lat);
    maxLat = Math.max(maxLat, lat);
  }
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const spanX = Math.max((maxLon - minLon) * k, 1e-4);
  const spanY = Math.max(maxLat - minLat, 1e-4);
  const scale = Math.min((W * 0.8) / spanX, (H * 0.8) / spanY);
  const cx = (minLon + maxLon) / 2;
  const cy = (minLat + maxLat) / 2;
  const px = ([lon, lat]: Position): [number, number] => [W / 2 + (lon - cx) * k * scale, H / 2 - (lat - cy) * scale];

  // One filter (pngjs tries all five per row by default) and RGB; packed as a stream, so the
  // deflate runs off the main thread: measured at most 3 ms of event-loop delay for this size
  // (PNG.sync.write took 70–130 ms of it on the loaded test machine).
  const png = new PNG({ width: W, height: H, filterType: 0, deflateLevel: 6, colorType: 2, inputHasAlpha: true });
  png.data.fill(255);
  const dot = (x: number, y: number, c: Rgb, r: number) => {
    for (let dy = -r; dy <= r; dy++)
      for (let dx = -r; dx <= r; dx++) {
        const X = Math.round(x + dx);
        const Y = Math.round(y + dy);
        if (X < 0 || Y < 0 || X >= W || Y >= H) continue;
        const i = (Y * W + X) * 4;
        png.data[i] = c[0];
        png.data[i + 1] = c[1];
        png.data[i + 2] = c[2];
      }
  };
  // Lines are bounded by the picture's size: a huge ring costs at most its length in pixels.
  const line = (a: [number, number], b: [number, number], c: Rgb, r: number) => {
    if ((a[0] < 0 && b[0] < 0) || (a[0] > W && b[0] > W) || (a[1] < 0 && b[1] < 0) || (a[1] > H && b[1] > H)) return;
    const steps = Math.min(4 * (W + H), Math.ceil(Math.max(Math.abs(b[0] - a[0]), Math.abs(b[1] - a[1]))));
    for (let s = 0; s <= steps; s++) {
      const t = steps ? s / steps : 0;
      dot(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, c, r);
    }
  };
  const ring = (pts: Position[], c: Rgb, r: number) => {
    for (let i = 1; i < pts.length; i++) line(px(pts[i - 1]!), px(pts[i]!), c, r);
  };
  for (const r of context) ring(r, GREY, 0);
  for (const p of parts) for (const r of p.rings) ring(r, p.mode === 'include' ? BLUE : RED, 2);
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    png
      .pack()
      .on('data', (c: Buffer) => chunks.push(c))
      .on('end', () => resolve())
      .on('error', reject);
  });
  return Buffer.concat(chunks);
}

/** The picture of an alert's area, when the officer asked for one ('picture' among its channels). */
export async function areaPictureFor(services: Services, alertId: number): Promise<Uint8Array | null> {
  const row = await services.store.db.get<{ area: string | null; channels: string }>('SELECT area, channels FROM alerts WHERE id = ?', [alertId]);
  if (!row?.area || !(JSON.parse(row.channels) as string[]).includes('picture')) return null;
  const area = JSON.parse(row.area) as TargetArea;
  const parts: PicturePart[] = [];
  for (const { mode, shape } of area.parts) {
    if (shape.type === 'polygon') parts.push({ mode, rings: shape.coordinates });
    else if (shape.type === 'multipolygon') parts.push({ mode, rings: shape.coordinates.flat() });
    else if (shape.type === 'circle') parts.push({ mode, rings: [circleRing(shape.center, shape.radiusM)] });
    else {
      const g = await services.boundaries.geometry(shape.kind, shape.code);
      if (g) parts.push({ mode, rings: ringsOf(g as AreaGeometry) });
    }
  }
  const context = (await services.boundaries.outlines('municipality')).flatMap((o) => ringsOf(o.geometry));
  return drawAreaPng(parts, context);
}
