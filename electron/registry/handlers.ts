/**
 * The subscriber channels: counts for everyone; a person's own data and imports for admins
 * (audited). An import arrives in pieces (`subscribers.importPart`), each handed to the parse
 * worker at once, and is then written in one transaction (`subscribers.import`).
 */
import { TrykError } from '../../shared/bridge/result';
import { normalizePhone } from '../../shared/phone';
import { ALL_ROLES } from '../bridge/dispatcher';
import type { DomainHandlers } from '../bridge/dispatcher';
import type { Services } from '../services';
import type { ImportJob } from '../parse/client';
import { beginImport, finishImport, importDistrict } from './import-file';

function requirePhoneInput(phone: string): string {
  const p = normalizePhone(phone);
  if (!p.ok) throw new TrykError('bad_request', 'That is not a valid phone number', { phone: p.reason });
  return p.e164;
}

/** An upload no longer used is dropped after this long (the worker frees its rows). */
const UPLOAD_IDLE_MS = 10 * 60_000;

interface Upload {
  job: ImportJob;
  /** The signed-in connection that started it: no other may add to it or import it. */
  owner: object;
  chars: number;
  timer: ReturnType<typeof setTimeout> | null;
}

const gone = () => new TrykError('not_found', 'That upload is no longer open (imported, refused, or left too long): choose the file again', { upload: 'gone' });

export function subscriberHandlers(
  services: Services,
): DomainHandlers<'subscribers.counts' | 'subscribers.find' | 'subscribers.erase' | 'subscribers.importPart' | 'subscribers.import'> {
  // Uploads in progress: the file's pieces are in the parse worker, this holds only their ids.
  const uploads = new Map<number, Upload>();
  const drop = (id: number) => {
    const u = uploads.get(id);
    if (!u) return;
    uploads.delete(id);
    if (u.timer) clearTimeout(u.timer);
    u.job.drop();
  };
  const touch = (u: Upload) => {
    if (u.timer) clearTimeout(u.timer);
    u.timer = setTimeout(() => drop(u.job.id), UPLOAD_IDLE_MS);
    u.timer.unref();
  };
  return {
    'subscribers.counts': { roles: ALL_ROLES, passive: true, handle: () => services.registry.counts() },
    'subscribers.find': {
      roles: ['admin'],
      handle: async ({ phone }, caller) => {
        const e164 = requirePhoneInput(phone);
        const found = await services.registry.lookup(e164, { officer: caller.session.officer!.username, via: 'console' });
        if (!found) throw new TrykError('not_found', 'No subscriber with that phone number');
        const { id: _id, ...person } = found;
        return person;
      },
    },
    'subscribers.erase': {
      roles: ['admin'],
      handle: async ({ phone }, caller) => {
        const erased = await services.registry.erase(requirePhoneInput(phone), { officer: caller.session.officer!.username, via: 'console' });
        if (!erased) throw new TrykError('not_found', 'No subscriber with that phone number');
        return { erased: true as const };
      },
    },
    'subscribers.importPart': {
      roles: ['admin'],
      handle: async ({ uploadId, format, fileName, district, content }, caller) => {
        let upload = uploadId === null ? null : uploads.get(uploadId);
        if (uploadId !== null && (!upload || upload.owner !== caller.session)) throw gone();
        if (!upload) {
          for (const [id, u] of uploads) if (u.owner === caller.session) drop(id);
          const job = await beginImport(services.parse, services.registry, { format, name: fileName, district: await importDistrict(services.store.db, district) });
          upload = { job, owner: caller.session, chars: 0, timer: null };
          uploads.set(job.id, upload);
        }
        const u = upload;
        touch(u);
        try {
          await u.job.push(content);
        } catch (e) {
          drop(u.job.id); // refused: the worker has dropped it too
          throw e;
        }
        u.chars += content.length;
        return { uploadId: u.job.id, chars: u.chars };
      },
    },
    'subscribers.import': {
      roles: ['admin'],
      handle: async ({ uploadId, mode }, caller) => {
        const u = uploads.get(uploadId);
        if (!u || u.owner !== caller.session) throw gone();
        touch(u);
        try {
          const report = await finishImport(services.registry, u.job, mode, { officer: caller.session.officer?.username ?? null, via: 'console' });
          // Kept after a refused all-or-nothing: the officer may import the accepted rows next.
          if (report.imported) drop(uploadId);
          return report;
        } catch (e) {
          drop(uploadId);
          throw e;
        }
      },
    },
  };
}
