import { useEffect, useMemo } from 'react';
import { GeoJSON } from 'react-leaflet';
import { useAppStore } from '../../store';
import { selectOutlineLayer } from './mapSlice';
import { toFeatureCollection } from './outlines';

/** Outlines of the police district for orientation when there are no online tiles. */
export function DistrictOutline() {
  const loadOutlines = useAppStore((s) => s.loadOutlines);
  const district = useAppStore(selectOutlineLayer('district'));
  const data = useMemo(() => toFeatureCollection(district.outlines), [district.outlines]);
  useEffect(() => void loadOutlines('district'), [loadOutlines]);
  if (district.status !== 'ready' || district.outlines.length === 0) return null;
  return <GeoJSON data={data} style={() => ({ color: '#0b2545', weight: 2, fill: false, interactive: false })} interactive={false} />;
}
