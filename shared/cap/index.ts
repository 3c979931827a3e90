export * from './types';
export { toCap, formatCapDateTime, capPolygon, capCircle, DEFAULT_CAP_TIME_ZONE } from './write';
export type { ToCapOptions } from './write';
export { fromCap } from './read';
export { capAreaFromTargetArea, targetAreaFromCap } from './area';
export type { CapAreaFromTarget } from './area';
export { escapeXml, parseXml } from './xml';
export type { XmlElement, XmlError, XmlLimits } from './xml';
