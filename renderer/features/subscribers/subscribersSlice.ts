/**
 * The subscriber registry as the console sees it: counts for every officer, and for admins the
 * import of a file (checked all-or-nothing first, so a bad row never leaves half an import
 * behind) and one person's own data (look up, export, erase). The subscriber list itself never
 * reaches the renderer.
 */
import { IMPORT_PART_CHARS } from '../../../shared/bridge/contract';
import type { ImportReport, ResponseOf, SubscriberCounts } from '../../../shared/bridge/contract';
import type { BridgeError, Result } from '../../../shared/bridge/result';
import type { SliceCreator } from '../../store';

export type PersonData = ResponseOf<'subscribers.find'>;
export type ImportFormat = 'csv' | 'json';

/** The host's limit on an import file (64 MiB, as the CLI's); a bigger file is refused before anything is sent. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** What the slice needs of a picked file (a DOM `File` has it; tests may hand in their own). */
export interface ImportFile {
  name: string;
  size: number;
  text(): Promise<string>;
}

/**
 * idle: nothing picked; checking: the all-or-nothing attempt is under way; review: it found bad
 * rows and imported nothing, the officer decides; importing: the good rows are being imported;
 * done: imported; refused: the file was not sent (too large, unknown format, unreadable);
 * failed: the host refused or could not be reached.
 */
export type ImportPhase = 'idle' | 'checking' | 'review' | 'importing' | 'done' | 'refused' | 'failed';
export type ImportRefusal = 'too_large' | 'unknown_format' | 'unreadable';

export interface ImportState {
  phase: ImportPhase;
  fileName: string | null;
  report: ImportReport | null;
  refusal: ImportRefusal | null;
  error: BridgeError | null;
}

export interface PersonState {
  status: 'idle' | 'loading' | 'ready' | 'failed';
  /** The number the officer looked up, as typed. */
  phone: string;
  value: PersonData | null;
  error: BridgeError | null;
  erasing: boolean;
  eraseError: BridgeError | null;
  /** The number of the person just erased, so the screen can say so. */
  erased: string | null;
}

export interface SubscribersSlice {
  subscriberCounts: { status: 'idle' | 'loading' | 'ready' | 'failed'; value: SubscriberCounts | null; error: BridgeError | null };
  subscriberImport: ImportState;
  subscriberPerson: PersonState;
  /** The officer whose lookup or import is on screen: nobody else signing in at this console may see it. */
  subscribersOwner: number | null;
  loadSubscriberCounts(): Promise<void>;
  /** Loads the counts and follows `subscribers.changed`; returns the function that stops. */
  watchSubscribers(): () => void;
  /** Checks the file all-or-nothing: a clean file is imported at once, otherwise the report waits for a decision. */
  importSubscribers(file: ImportFile): Promise<void>;
  /** Imports the good rows of the file under review. */
  acceptValidRows(): Promise<void>;
  /** Drops the file under review (nothing was imported) or the last result. */
  cancelImport(): void;
  findPerson(phone: string): Promise<void>;
  erasePerson(): Promise<boolean>;
  clearPerson(): void;
  /** Drops the person and the import on screen unless they are this officer's own. */
  forgetOthersSubscriberWork(officerId: number): void;
}

export function formatOf(fileName: string): ImportFormat | null {
  const m = fileName.toLowerCase().match(/\.(csv|json)$/);
  return m ? (m[1] as ImportFormat) : null;
}

const idleImport: ImportState = { phase: 'idle', fileName: null, report: null, refusal: null, error: null };
const idlePerson: PersonState = {
  status: 'idle',
  phone: '',
  value: null,
  error: null,
  erasing: false,
  eraseError: null,
  erased: null,
};

export const createSubscribersSlice: SliceCreator<SubscribersSlice> = (set, get, { bridge }) => {
  let latestCounts = 0;
  let latestImport = 0;
  let latestPerson = 0;
  // The upload the host holds for the second step ("import the valid rows"); the text itself is not kept here.
  let pending: { uploadId: number } | null = null;

  const setImport = (patch: Partial<ImportState>) => set({ subscriberImport: { ...get().subscriberImport, ...patch } });
  const setPerson = (patch: Partial<PersonState>) => set({ subscriberPerson: { ...get().subscriberPerson, ...patch } });

  async function loadSubscriberCounts() {
    const seq = ++latestCounts;
    set({ subscriberCounts: { ...get().subscriberCounts, status: 'loading' } });
    const result = await bridge.invoke('subscribers.counts', {});
    if (seq !== latestCounts) return;
    set({
      subscriberCounts: result.ok
        ? { status: 'ready', value: result.value, error: null }
        : { status: 'failed', value: get().subscriberCounts.value, error: result.error },
    });
  }

  return {
    subscriberCounts: { status: 'idle', value: null, error: null },
    subscriberImport: idleImport,
    subscriberPerson: idlePerson,
    subscribersOwner: null,

    loadSubscriberCounts,

    watchSubscribers() {
      void loadSubscriberCounts();
      const stopEvents = bridge.onEvent('subscribers.changed', () => void loadSubscriberCounts());
      // Events sent while the connection was down are lost: catch up when it is back.
      const stopConnection = bridge.onConnectionChange((state) => {
        if (state === 'connected') void loadSubscriberCounts();
      });
      return () => {
        stopEvents();
        stopConnection();
      };
    },

    async importSubscribers(file) {
      const seq = ++latestImport;
      pending = null;
      const format = formatOf(file.name);
      const base = { ...idleImport, fileName: file.name };
      if (file.size > MAX_IMPORT_BYTES) return setImport({ ...base, phase: 'refused', refusal: 'too_large' });
      if (!format) return setImport({ ...base, phase: 'refused', refusal: 'unknown_format' });
      set({ subscribersOwner: get().officer?.id ?? null });
      setImport({ ...base, phase: 'checking' });
      let content: string;
      try {
        content = await file.text();
      } catch {
        if (seq === latestImport) setImport({ ...base, phase: 'refused', refusal: 'unreadable' });
        return;
      }
      if (seq !== latestImport) return;
      // Characters, as the contract counts them; a file can pass the byte check and still fail here only in theory.
      if (content.length > MAX_IMPORT_BYTES) return setImport({ ...base, phase: 'refused', refusal: 'too_large' });
      const fileName = file.name.slice(0, 200);
      // The file goes in pieces: each is read by the host's parse worker as it arrives, so a bad
      // line stops the upload at once, and no one message holds the host's thread.
      let uploadId: number | null = null;
      for (let at = 0; at === 0 || at < content.length; at += IMPORT_PART_CHARS) {
        const part: Result<ResponseOf<'subscribers.importPart'>> = await bridge.invoke('subscribers.importPart', { uploadId, format, fileName, district: null, content: content.slice(at, at + IMPORT_PART_CHARS) });
        if (seq !== latestImport) return;
        if (!part.ok) return setImport({ ...base, phase: 'failed', error: part.error });
        uploadId = part.value.uploadId;
      }
      const result = await bridge.invoke('subscribers.import', { uploadId: uploadId!, mode: 'all_or_nothing' });
      if (seq !== latestImport) return;
      if (!result.ok) return setImport({ ...base, phase: 'failed', error: result.error });
      const report = result.value;
      if (report.imported) {
        setImport({ ...base, phase: 'done', report });
        void loadSubscriberCounts();
        return;
      }
      pending = { uploadId: uploadId! };
      setImport({ ...base, phase: 'review', report });
    },

    async acceptValidRows() {
      const file = pending;
      if (!file || get().subscriberImport.phase !== 'review') return;
      const seq = ++latestImport;
      setImport({ phase: 'importing', error: null });
      const result = await bridge.invoke('subscribers.import', { uploadId: file.uploadId, mode: 'accepted_only' });
      if (seq !== latestImport) return;
      if (!result.ok) {
        // The report and the file stay, so the officer can try again or cancel.
        return setImport({ phase: 'review', error: result.error });
      }
      pending = null;
      setImport({ phase: 'done', report: result.value, error: null });
      void loadSubscriberCounts();
    },

    cancelImport() {
      latestImport++;
      pending = null;
      set({ subscriberImport: idleImport });
    },

    async findPerson(phone) {
      const query = phone.trim();
      const seq = ++latestPerson;
      if (!query) return;
      set({ subscriberPerson: { ...idlePerson, status: 'loading', phone: query }, subscribersOwner: get().officer?.id ?? null });
      const result = await bridge.invoke('subscribers.find', { phone: query });
      if (seq !== latestPerson) return;
      setPerson(
        result.ok ? { status: 'ready', value: result.value, error: null } : { status: 'failed', value: null, error: result.error },
      );
    },

    async erasePerson() {
      const { value, erasing } = get().subscriberPerson;
      if (!value || erasing) return false;
      const seq = ++latestPerson;
      setPerson({ erasing: true, eraseError: null });
      const result = await bridge.invoke('subscribers.erase', { phone: value.phone });
      if (seq !== latestPerson) return false;
      if (!result.ok) {
        setPerson({ erasing: false, eraseError: result.error });
        return false;
      }
      set({ subscriberPerson: { ...idlePerson, erased: value.phone } });
      void loadSubscriberCounts();
      return true;
    },

    clearPerson() {
      latestPerson++;
      set({ subscriberPerson: idlePerson });
    },

    forgetOthersSubscriberWork(officerId) {
      const owner = get().subscribersOwner;
      if (owner === null || owner === officerId) return;
      latestPerson++;
      latestImport++;
      pending = null;
      set({ subscriberPerson: idlePerson, subscriberImport: idleImport, subscribersOwner: null });
    },
  };
};
