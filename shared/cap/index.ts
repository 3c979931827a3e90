export * from './types';
export { toCap, formatCapDateTime } from './write';
export { fromCap } from './read';
export { capAreaFromTargetArea, targetAreaFromCap } from './area';
export { escapeXml } from './xml';
