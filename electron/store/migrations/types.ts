import type { Queryable } from '../db';

/** A numbered schema step; applied once, inside a transaction, in version order. */
export interface Migration {
  version: number;
  name: string;
  up(tx: Queryable): Promise<void>;
}
