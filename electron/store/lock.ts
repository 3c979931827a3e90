/**
 * One writer per data directory: a lock file holding the owner's pid and when that process
 * started. A second `tryk serve` (or the desktop app) on the same directory is refused with a
 * clear message; a lock left by a process that died is taken over, and so is one whose pid
 * now belongs to another process (pids are reused: a live but unrelated process used to block
 * the store for good). Where the start time cannot be read (not Linux, an old pid-only lock),
 * a live process counts as the owner only if it is node or Electron (Tryk's runtimes).
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { basename } from 'node:path';
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

/** The process's start time in clock ticks since boot (Linux), or null where unknown. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function looksLikeTryk(pid: number): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return /^(node|nodejs|electron|tryk[- ]console|tryk)(\.exe)?$/i.test(basename(argv0));
  } catch {
    return true; // no /proc: cannot tell, so a live pid is taken to be the owner
  }
}

/** Whether the lock's owner still runs. */
function held(content: string): { pid: number; live: boolean } {
  const [pidText, started] = content.trim().split(/\s+/);
  const pid = Number.parseInt(pidText ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return { pid, live: false };
  const now = startTime(pid);
  if (started && now) return { pid, live: started === now };
  return { pid, live: looksLikeTryk(pid) };
}

export function acquireLock(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${process.pid} ${startTime(process.pid) ?? ''}`.trim());
      closeSync(fd);
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (Number.parseInt(readFileSync(file, 'utf8'), 10) === process.pid) unlinkSync(file);
        } catch {
          // already gone: nothing to release
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const { pid, live } = held(readFileSync(file, 'utf8'));
      if (pid !== process.pid && live) {
        throw new TrykError('store_locked', `The store in ${dataDir} is in use by another Tryk process (pid ${pid})`);
      }
      if (pid === process.pid) throw new TrykError('store_locked', `The store in ${dataDir} is already open in this process`);
      unlinkSync(file); // stale: its owner is gone
    }
  }
  throw new TrykError('store_locked', `Could not lock the store in ${dataDir}`);
}
