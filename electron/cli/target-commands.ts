import { readBoundedJson } from './read-file';
import { areaFromGeoJSON } from '../../shared/targeting/geojson';
import { createServices } from '../services';
import { unwrapArea } from '../targeting/area';
import type { Command } from './command';
import { UsageError } from './command';
import { withStore } from './store-commands';
import { VERSION } from './version';

const list = (v: unknown) =>
  typeof v === 'string'
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;

export const targetCountCommand: Command = {
  name: 'target count',
  summary: 'count the subscribers inside an area (GeoJSON Feature, FeatureCollection or geometry)',
  usage: 'tryk target count --area FILE.geojson [--groups a,b] [--categories a,b] [--data-dir DIR] [--json]',
  options: { area: { type: 'string' }, groups: { type: 'string' }, categories: { type: 'string' } },
  async run(ctx) {
    const file = ctx.values.area as string | undefined;
    if (!file) throw new UsageError('--area FILE is required');
    const json = readBoundedJson(file, 'area');
    const area = unwrapArea(areaFromGeoJSON(json));
    const groups = list(ctx.values.groups);
    const categories = list(ctx.values.categories);
    return withStore(ctx, async (store) => {
      const services = createServices({ store, host: 'headless', version: VERSION });
      const targeting = await services.targeting();
      const started = performance.now();
      const c = unwrapArea(await targeting.count(area, { ...(groups ? { groups } : {}), ...(categories ? { categories } : {}) }));
      const ms = performance.now() - started;
      await services.liveTargeting.close();
      const byGroup = Object.entries(c.byGroup)
        .filter(([, n]) => n > 0)
        .map(([g, n]) => `  ${g.padEnd(20)} ${n}`);
      return {
        text: [`${c.total} subscribers inside (${c.places} places), counted in ${ms.toFixed(1)} ms`, ...byGroup].join('\n'),
        json: c,
      };
    });
  },
};
