/**
 * One writer per data directory: a lock file holding the owner's pid. A second `tryk serve`
 * (or the desktop app) on the same directory is refused with a clear message; a lock left by
 * a process that died is taken over.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TrykError } from '../../shared/bridge/result';

export const LOCK_FILE = 'tryk.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new TrykError('store_locked', `The store in ${dataDir} is in use by another Tryk process (pid ${pid})`);
      }
      if (pid === process.pid) throw new TrykError('store_locked', `The store in ${dataDir} is already open in this process`);
      unlinkSync(file); // stale: its owner is gone
    }
  }
  throw new TrykError('store_locked', `Could not lock the store in ${dataDir}`);
}
