/**
 * The live delivery monitor: the recent sends as the host reports them, merged with the
 * aggregated `dispatch.progress` events, a short throughput history per send, the officer's
 * pause / resume / cancel, and the delivery-by-cell grid of the send on screen.
 *
 * Every send lives under its own key, and a merge replaces only that send's objects, so a
 * component that selects one send re-renders only when that send changes.
 */
import type { Category } from '../../../shared/registry/subscriber';
import type { ResponseOf } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import type { SendStatus } from '../../../shared/dispatch/schema';
import type { AppState, SliceCreator } from '../../store';

export type SendAction = 'pause' | 'resume' | 'cancel' | 'resend';
export type DeliveryCells = ResponseOf<'dispatch.cells'>;

/** What the title of an alert's send shows: never more of the text than its first words. */
export interface SendTitle {
  alertId: number;
  category: Category;
  excerpt: string;
  /** An exercise (CAP Exercise): its card says so in large letters. */
  exercise: boolean;
}

export interface SendControl {
  pending: SendAction | null;
  /** The last refused action and why; cleared by the next attempt. */
  failed: { action: SendAction; error: BridgeError } | null;
}

export interface CellsState {
  sendId: number | null;
  status: 'idle' | 'loading' | 'ready' | 'failed';
  value: DeliveryCells | null;
  error: BridgeError | null;
}

export interface MonitorSlice {
  /** Sends by id, each replaced as a whole when it changes. */
  monitorSends: Record<number, SendStatus>;
  /** Send ids of alerts (and anything not an answer), newest first. */
  monitorOrder: number[];
  /** Send ids of answers to citizens (`reply:` sends, one SMS each), newest first: shown as one group. */
  monitorAnswers: number[];
  /** Throughput samples per send, oldest first, at most THROUGHPUT_SAMPLES. */
  monitorSamples: Record<number, readonly number[]>;
  monitorTitles: Record<number, SendTitle>;
  /** What an answer send was (by send id): its kind and the tip and alert it answers. */
  monitorAnswerKinds: Record<number, { kind: string; tipId: number | null; alertId: number | null }>;
  monitorControls: Record<number, SendControl>;
  monitorList: { status: 'idle' | 'loading' | 'ready' | 'failed'; error: BridgeError | null };
  /** The send shown on its own (with its map); null: every send as a card. */
  monitorSelected: number | null;
  monitorCells: CellsState;

  loadSends(): Promise<void>;
  selectSend(sendId: number | null): void;
  pauseSend(sendId: number): Promise<boolean>;
  resumeSend(sendId: number): Promise<boolean>;
  cancelSend(sendId: number): Promise<boolean>;
  /** Queues the send's failed recipients again (an approver's call, after a gateway fix). */
  resendFailed(sendId: number): Promise<boolean>;
  dismissSendError(sendId: number): void;
  /** Follows progress events and reconnects; returns the function that stops. */
  watchMonitor(): () => void;
  /** Fetches the send's cells now and again every CELLS_EVERY_MS until the send is over; returns stop. */
  watchCells(sendId: number, zoom: number): () => void;
}

/** About a minute of history at the host's few events a second: enough for a trend, bounded. */
export const THROUGHPUT_SAMPLES = 120;
/** How many sends the monitor keeps; older finished ones fall off (the selected one never does). */
export const MAX_SENDS = 30;
export const LIST_LIMIT = 20;
/** Answers to citizens kept apart from the alerts' sends: enough to see they flow, bounded. */
export const MAX_ANSWER_SENDS = 30;
export const ANSWER_LIST_LIMIT = 20;
export const CELLS_EVERY_MS = 4000;
/** Words of the SMS text in a send's title: enough to recognise the alert, not to read it. */
export const TITLE_WORDS = 8;

const finalStates: readonly SendStatus['state'][] = ['done', 'cancelled'];
export const isFinal = (s: SendStatus) => finalStates.includes(s.state);

/** Which actions the send's state allows; the host decides in the end (it may still say conflict). */
export function allowedActions(state: SendStatus['state'], failed = 0): Record<SendAction, boolean> {
  return {
    pause: state === 'queued' || state === 'sending',
    resume: state === 'paused',
    cancel: state === 'queued' || state === 'sending' || state === 'paused',
    // Sending again reaches only the failed recipients (never a delivered one), of a send not stopped.
    resend: failed > 0 && state !== 'queued' && state !== 'cancelled',
  };
}

/** An answer to a citizen (a tip reply, an acknowledgement, a STOP confirmation…): its own one-SMS send. */
export const isAnswerSend = (s: Pick<SendStatus, 'alertRef'>) => /^reply:\d+$/.test(s.alertRef ?? '');

export function alertIdOf(ref: string | null): number | null {
  const m = ref?.match(/^alert:(\d+)$/);
  return m ? Number(m[1]) : null;
}

export function excerptOf(text: string, words = TITLE_WORDS): string {
  const all = text.trim().split(/\s+/).filter(Boolean);
  return all.length > words ? `${all.slice(0, words).join(' ')} …` : all.join(' ');
}

/** Newest first: by creation time, then by id (ids grow with time). */
function newestFirst(a: SendStatus, b: SendStatus): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return b.sendId - a.sendId;
}

export function pushSample(samples: readonly number[] | undefined, value: number): readonly number[] {
  const next = samples ? samples.slice(-(THROUGHPUT_SAMPLES - 1)) : [];
  next.push(value);
  return next;
}

const noControl: SendControl = { pending: null, failed: null };

export const createMonitorSlice: SliceCreator<MonitorSlice> = (set, get, { bridge }) => {
  // Each event bumps a tick; a list answer does not overwrite a send that had an event after
  // the list was asked for, so a slow list cannot roll the numbers back.
  let tick = 0;
  const touchedAt = new Map<number, number>();
  let listing = false;
  let listAgain = false;
  /** Sends whose title was asked for (once each, unless the host could not be reached). */
  const titleAsked = new Set<number>();
  /** Answer sends whose kind was asked for. */
  const answerAsked = new Set<number>();

  /** Puts statuses into the slice; only the sends in `statuses` get new objects. */
  function merge(statuses: SendStatus[], { sample }: { sample: 'always' | 'ifEmpty' }) {
    if (statuses.length === 0) return;
    const s = get();
    const sends = { ...s.monitorSends };
    const samples = { ...s.monitorSamples };
    let added = false;
    for (const status of statuses) {
      if (!sends[status.sendId]) added = true;
      sends[status.sendId] = status;
      if (sample === 'always' || !samples[status.sendId]) samples[status.sendId] = pushSample(samples[status.sendId], status.throughput);
    }
    const change: Partial<AppState> = { monitorSends: sends, monitorSamples: samples };
    if (added) Object.assign(change, prune(sends, samples));
    set(change);
    for (const status of statuses) askTitle(status);
    askAnswerKinds(statuses);
  }

  /** The kinds of answer sends not yet named, in one request. */
  function askAnswerKinds(statuses: SendStatus[]) {
    const wanted = statuses.filter((x) => isAnswerSend(x) && !answerAsked.has(x.sendId));
    if (wanted.length === 0) return;
    for (const x of wanted) answerAsked.add(x.sendId);
    const sendOf = new Map(wanted.map((x) => [Number(x.alertRef!.slice('reply:'.length)), x.sendId]));
    void bridge.invoke('tips.answerSends', { replyIds: [...sendOf.keys()].slice(0, 100) }).then((result) => {
      if (!result.ok) {
        if (result.error.code === 'unavailable' || result.error.code === 'unauthorized') for (const id of sendOf.values()) answerAsked.delete(id);
        return;
      }
      const kinds = { ...get().monitorAnswerKinds };
      for (const a of result.value) {
        const sendId = sendOf.get(a.replyId);
        if (sendId !== undefined && get().monitorSends[sendId]) kinds[sendId] = { kind: a.kind, tipId: a.tipId, alertId: a.alertId };
      }
      set({ monitorAnswerKinds: kinds });
    });
  }

  /**
   * Keeps MAX_SENDS sends and MAX_ANSWER_SENDS answers (and the selected one) and drops
   * everything kept about the rest. Running sends go before finished ones: an old send still
   * running must stay, or each of its events would bring it back and ask for the list again.
   */
  function prune(sends: Record<number, SendStatus>, samples: Record<number, readonly number[]>): Partial<AppState> {
    const s = get();
    const ordered = Object.values(sends).sort(newestFirst);
    const answers = ordered.filter(isAnswerSend);
    const others = ordered.filter((x) => !isAnswerSend(x));
    const ids = (list: SendStatus[]) => list.map((x) => x.sendId);
    if (others.length <= MAX_SENDS && answers.length <= MAX_ANSWER_SENDS) return { monitorOrder: ids(others), monitorAnswers: ids(answers) };
    const keepOf = (list: SendStatus[], max: number) => {
      const ranked = [...list.filter((x) => !isFinal(x)), ...list.filter(isFinal)];
      return ranked.filter((x, i) => i < max || x.sendId === s.monitorSelected).map((x) => x.sendId);
    };
    const kept = new Set([...keepOf(others, MAX_SENDS), ...keepOf(answers, MAX_ANSWER_SENDS)]);
    const only = <T>(record: Record<number, T>) =>
      Object.fromEntries(Object.entries(record).filter(([id]) => kept.has(Number(id)))) as Record<number, T>;
    for (const id of [...touchedAt.keys()]) if (!kept.has(id)) touchedAt.delete(id);
    for (const id of [...titleAsked]) if (!kept.has(id)) titleAsked.delete(id);
    for (const id of [...answerAsked]) if (!kept.has(id)) answerAsked.delete(id);
    return {
      monitorAnswerKinds: only(s.monitorAnswerKinds),
      monitorSends: only(sends),
      monitorSamples: only(samples),
      monitorTitles: only(s.monitorTitles),
      monitorControls: only(s.monitorControls),
      monitorOrder: ids(others.filter((x) => kept.has(x.sendId))),
      monitorAnswers: ids(answers.filter((x) => kept.has(x.sendId))),
    };
  }

  function askTitle(status: SendStatus) {
    const alertId = alertIdOf(status.alertRef);
    if (alertId === null || titleAsked.has(status.sendId)) return;
    titleAsked.add(status.sendId);
    void bridge.invoke('dispatch.titles', { sendIds: [status.sendId] }).then((result) => {
      if (!get().monitorSends[status.sendId]) return; // pruned meanwhile
      if (!result.ok) {
        // Unreachable now: ask again with the next list. Refused: the send keeps its number as title.
        if (result.error.code === 'unavailable' || result.error.code === 'unauthorized') titleAsked.delete(status.sendId);
        return;
      }
      const found = result.value.find((x) => x.sendId === status.sendId);
      if (!found) return; // gone: the send keeps its number as title
      const title = { alertId, category: found.category, excerpt: excerptOf(found.smsText), exercise: found.exercise };
      set({ monitorTitles: { ...get().monitorTitles, [status.sendId]: title } });
    });
  }

  function setControl(sendId: number, control: SendControl) {
    set({ monitorControls: { ...get().monitorControls, [sendId]: control } });
  }

  async function act(sendId: number, action: SendAction): Promise<boolean> {
    if (get().monitorControls[sendId]?.pending) return false;
    setControl(sendId, { pending: action, failed: null });
    const result =
      action === 'resend'
        ? await bridge.invoke('dispatch.resend', { sendId, failed: true })
        : await bridge.invoke(action === 'pause' ? 'dispatch.pause' : action === 'resume' ? 'dispatch.resume' : 'dispatch.cancel', { sendId });
    if (result.ok) {
      touchedAt.set(sendId, ++tick);
      merge([result.value], { sample: 'ifEmpty' });
      setControl(sendId, noControl);
      return true;
    }
    setControl(sendId, { pending: null, failed: { action, error: result.error } });
    // Refused as a conflict: the send moved on under us (finished, cancelled elsewhere); show where it is now.
    if (result.error.code === 'conflict') {
      const fresh = await bridge.invoke('dispatch.status', { sendId });
      if (fresh.ok) {
        touchedAt.set(sendId, ++tick);
        merge([fresh.value], { sample: 'ifEmpty' });
      }
    }
    return false;
  }

  return {
    monitorSends: {},
    monitorOrder: [],
    monitorAnswers: [],
    monitorSamples: {},
    monitorTitles: {},
    monitorAnswerKinds: {},
    monitorControls: {},
    monitorList: { status: 'idle', error: null },
    monitorSelected: null,
    monitorCells: { sendId: null, status: 'idle', value: null, error: null },

    async loadSends() {
      // One list request at a time; asks made meanwhile become one more request after it.
      if (listing) {
        listAgain = true;
        return;
      }
      listing = true;
      try {
        do {
          listAgain = false;
          const startedAt = tick;
          set({ monitorList: { ...get().monitorList, status: 'loading' } });
          // The alerts' sends and the answers to citizens apart: many answers never crowd out an alert.
          const result = await bridge.invoke('dispatch.list', { limit: LIST_LIMIT, answers: false });
          const answers = result.ok ? await bridge.invoke('dispatch.list', { limit: ANSWER_LIST_LIMIT, answers: true }) : result;
          if (!result.ok || !answers.ok) {
            const error = !result.ok ? result.error : !answers.ok ? answers.error : null;
            set({ monitorList: { status: 'failed', error } });
            continue;
          }
          const fresh = [...result.value, ...answers.value].filter((x) => (touchedAt.get(x.sendId) ?? -1) <= startedAt);
          merge(fresh, { sample: 'ifEmpty' });
          // Sends the list no longer names but we still hold stay until pruned: they may be the selected one.
          set({ monitorList: { status: 'ready', error: null } });
        } while (listAgain);
      } finally {
        listing = false;
      }
    },

    selectSend(sendId) {
      set({ monitorSelected: sendId });
    },

    pauseSend: (sendId) => act(sendId, 'pause'),
    resumeSend: (sendId) => act(sendId, 'resume'),
    cancelSend: (sendId) => act(sendId, 'cancel'),
    resendFailed: (sendId) => act(sendId, 'resend'),

    dismissSendError(sendId) {
      const c = get().monitorControls[sendId];
      if (c?.failed) setControl(sendId, { ...c, failed: null });
    },

    watchMonitor() {
      const stops = [
        bridge.onEvent('dispatch.progress', (status) => {
          const known = get().monitorSends[status.sendId] !== undefined;
          touchedAt.set(status.sendId, ++tick);
          merge([status], { sample: 'always' });
          // A send we did not know: the list may hold others we missed too (started while disconnected).
          if (!known) void get().loadSends();
        }),
        bridge.onConnectionChange((state) => {
          // Events sent while the connection was down are lost: the list brings the numbers up to date.
          if (state === 'connected') void get().loadSends();
        }),
      ];
      void get().loadSends();
      return () => stops.forEach((stop) => stop());
    },

    watchCells(sendId, zoom) {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | null = null;
      const previous = get().monitorCells;
      // Another zoom of the same send keeps the old cells on screen until the new ones arrive.
      set({
        monitorCells: {
          sendId,
          status: 'loading',
          value: previous.sendId === sendId ? previous.value : null,
          error: null,
        },
      });
      const poll = async () => {
        timer = null;
        // Whether the send was over before asking: then this answer is final and polling stops.
        const status = get().monitorSends[sendId];
        const last = status ? isFinal(status) : false;
        const result = await bridge.invoke('dispatch.cells', { sendId, zoom });
        if (stopped) return;
        const now = get().monitorCells;
        set({
          monitorCells: result.ok
            ? { sendId, status: 'ready', value: result.value, error: null }
            : { sendId, status: 'failed', value: now.sendId === sendId ? now.value : null, error: result.error },
        });
        const hopeless = !result.ok && ['forbidden', 'not_found', 'bad_request'].includes(result.error.code);
        if (last || hopeless) return;
        timer = setTimeout(() => void poll(), CELLS_EVERY_MS);
      };
      void poll();
      return () => {
        stopped = true;
        if (timer) clearTimeout(timer);
      };
    },
  };
};

/** Selectors: each returns a stored object or a primitive, so components re-render only for their send. */
export const selectSend = (sendId: number) => (s: AppState) => s.monitorSends[sendId];
export const selectSamples = (sendId: number) => (s: AppState) => s.monitorSamples[sendId];
export const selectTitle = (sendId: number) => (s: AppState) => s.monitorTitles[sendId];
export const selectControl = (sendId: number) => (s: AppState) => s.monitorControls[sendId] ?? noControl;
