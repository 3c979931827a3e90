import { migration0001 } from './0001-foundation';
import { migration0002 } from './0002-registry';
import type { Migration } from './types';

/** Every migration, in order. A new one gets the next number, its own file and its own test. */
export const migrations: readonly Migration[] = [migration0001, migration0002];
export const latestVersion = migrations.length;
export type { Migration };
