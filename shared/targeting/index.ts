export * from './area';
export * from './compile';
export * from './geojson';
