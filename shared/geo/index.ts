export * from './types';
export * from './bbox';
export * from './distance';
export * from './pointInPolygon';
export * from './validate';
