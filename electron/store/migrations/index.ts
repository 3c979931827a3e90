import { migration0001 } from './0001-foundation';
import { migration0002 } from './0002-registry';
import { migration0003 } from './0003-audit';
import { migration0004 } from './0004-dispatch';
import { migration0005 } from './0005-officers';
import { migration0006 } from './0006-alerts';
import { migration0007 } from './0007-inbound';
import { migration0008 } from './0008-index-snapshot';
import { migration0009 } from './0009-no-http-gateways';
import { migration0010 } from './0010-social';
import { migration0011 } from './0011-signin-pause';
import { migration0012 } from './0012-officer-phone';
import { migration0013 } from './0013-tips';
import { migration0014 } from './0014-alert-schedule';
import { migration0015 } from './0015-evaluation';
import { migration0016 } from './0016-surveys';
import { migration0017 } from './0017-alert-languages';
import type { Migration } from './types';

/** Every migration, in order. A new one gets the next number, its own file and its own test. */
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0011, migration0012, migration0013, migration0014, migration0015, migration0016, migration0017];
export const latestVersion = migrations.length;
export type { Migration };
