/**
 * The officer's alerts: the list with live status, the one on screen, its draft being edited
 * (autosaved, kept through a lost connection, a lock or a reload), its preview, its approval
 * and its follow-ups. Components read from here; every bridge call is made here.
 */
import type { Alert, AlertKind, AlertPreview, Template } from '../../../shared/alerts/schema';
import type { Category } from '../../../shared/registry/subscriber';
import type { BridgeError } from '../../../shared/bridge/result';
import { latestOnly } from '../../lib/latest';
import type { AppState, SliceCreator } from '../../store';
import { createAutosaver } from './autosave';
import type { SaveOutcome } from './autosave';
import { contentOf, editableStatuses, patchOf, sameContent, sameText } from './draft';
import type { DraftContent } from './draft';
import { readTabState, writeTabState } from '../../lib/tabState';

/**
 * saved: the store has what is on screen; pending: changed, a save is due; saving: a save is
 * out; offline: the host could not be reached, the text is kept here and retried; locked: the
 * console locked, saved after sign-in; failed: the host refused the save (`error` says why).
 */
export type SaveStatus = 'saved' | 'pending' | 'saving' | 'offline' | 'locked' | 'failed';

export interface DraftEditor {
  id: number;
  content: DraftContent;
  /** The content differs from what the store has. */
  dirty: boolean;
  save: SaveStatus;
  /** When the store last confirmed a save (ISO). */
  savedAt: string | null;
  error: BridgeError | null;
  /** Set when someone else changed the draft: the store's version is on screen, this is what the officer had. */
  conflictText: string | null;
}

export type LoadState<T> = { status: 'idle' | 'loading' | 'ready' | 'failed'; value: T; error: BridgeError | null };

export interface CapState {
  status: 'closed' | 'loading' | 'ready' | 'failed';
  xml: string;
  error: BridgeError | null;
}

export type AlertsView = 'alerts' | 'approvals' | 'audit';

export interface AlertsSlice {
  alertsView: AlertsView;
  templates: LoadState<Template[]>;
  alertList: LoadState<Alert[]>;
  /** The alert on screen, as the store last had it. */
  selected: Alert | null;
  selectedError: BridgeError | null;
  editor: DraftEditor | null;
  preview: LoadState<AlertPreview | null> & { revision: number | null };
  cap: CapState;
  /** A decision or command in progress (submit, approve, …) and the last one's refusal. */
  alertAction: { pending: string | null; error: BridgeError | null };

  setAlertsView(view: AlertsView): void;
  loadTemplates(): Promise<void>;
  loadAlerts(): Promise<void>;
  selectAlert(id: number | null): Promise<void>;
  createAlert(request: { category: Category; templateId?: string; kind?: AlertKind; parentId?: number; language?: 'da' | 'en' }): Promise<boolean>;
  /** A CAP 1.2 document from elsewhere as a new draft; resolves with the reader's notes, or null when refused. */
  importCap(xml: string): Promise<string[] | null>;
  createFollowUp(kind: 'update' | 'close'): Promise<boolean>;
  editDraft(change: Partial<DraftContent>): void;
  /** Saves now and waits; true when the store has what is on screen. */
  saveNow(): Promise<boolean>;
  dismissConflict(): void;
  submitAlert(): Promise<boolean>;
  approveAlert(comment: string): Promise<boolean>;
  rejectAlert(comment: string): Promise<boolean>;
  cancelAlert(): Promise<boolean>;
  refreshPreview(): void;
  openCap(): Promise<void>;
  closeCap(): void;
  /** While an officer is signed in: live status, saving after reconnects, the safety net. Returns the stop function. */
  watchAlerts(): () => void;
}

/** The per-tab copy of unsaved text: survives a reload or a crash of the page, not a closed tab. */
export const SAFETY_NET_KEY = 'tryk.unsavedDraft';

interface SafetyNetEntry {
  officerId: number;
  id: number;
  revision: number;
  content: DraftContent;
}

function sessionStore(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage disabled by policy: the slice still holds the text
  }
}

const retryable = new Set(['unavailable', 'unauthorized', 'internal', 'io_error', 'disk_full', 'store_locked']);

export const createAlertsSlice: SliceCreator<AlertsSlice> = (set, get, { bridge, tab }) => {
  /** Who the alerts on screen were loaded for: another officer signing in must not see them. */
  let loadedFor: number | null = null;
  const idle = <T>(value: T): LoadState<T> => ({ status: 'idle', value, error: null });

  function editor(): DraftEditor | null {
    return get().editor;
  }
  function patchEditor(change: Partial<DraftEditor>) {
    const e = editor();
    if (e) set({ editor: { ...e, ...change } });
  }

  function writeSafetyNet() {
    const e = editor();
    const officer = get().officer;
    const base = get().selected;
    const storage = sessionStore();
    if (!storage || !e || !officer || !base) return;
    try {
      if (!e.dirty) storage.removeItem(SAFETY_NET_KEY);
      else {
        const entry: SafetyNetEntry = { officerId: officer.id, id: e.id, revision: base.revision, content: e.content };
        storage.setItem(SAFETY_NET_KEY, JSON.stringify(entry));
      }
    } catch {
      // full or refused: the slice still has the text
    }
  }

  function readSafetyNet(): SafetyNetEntry | null {
    try {
      const raw = sessionStore()?.getItem(SAFETY_NET_KEY);
      if (!raw) return null;
      const entry = JSON.parse(raw) as SafetyNetEntry;
      return typeof entry?.id === 'number' && typeof entry.content?.smsText === 'string' ? entry : null;
    } catch {
      return null;
    }
  }

  /** Replaces the alert in the list (or adds it at the top) so chips change without a reload. */
  function upsert(alert: Alert) {
    const list = get().alertList;
    const found = list.value.some((a) => a.id === alert.id);
    set({
      alertList: {
        ...list,
        value: found ? list.value.map((a) => (a.id === alert.id ? alert : a)) : [alert, ...list.value],
      },
    });
  }

  /** Shows an alert: in the composer when it can still be edited, else as it stands. */
  function show(alert: Alert, { keepEditor = false } = {}) {
    const canEdit = editableStatuses.includes(alert.status);
    const e = editor();
    set({
      selected: alert,
      selectedError: null,
      editor: canEdit
        ? keepEditor && e && e.id === alert.id
          ? e
          : { id: alert.id, content: contentOf(alert), dirty: false, save: 'saved', savedAt: alert.updatedAt, error: null, conflictText: null }
        : null,
    });
    upsert(alert);
    const officer = get().officer;
    if (officer) writeTabState(tab, { alert: { id: alert.id, officerId: officer.id } });
  }

  /** After a reload: the alert that was on screen in this tab, if nothing else is. */
  function restoreTabAlert() {
    const stored = readTabState(tab).alert;
    const officer = get().officer;
    if (!stored || !officer || stored.officerId !== officer.id || get().selected) return;
    set({ alertsView: 'alerts' });
    void get().selectAlert(stored.id);
  }

  async function save(): Promise<SaveOutcome> {
    const e = editor();
    const base = get().selected;
    if (!e || !e.dirty || !base || base.id !== e.id) return 'done';
    if (get().sessionStatus !== 'signedIn') {
      patchEditor({ save: 'locked' });
      return 'retry';
    }
    const sent = e.content;
    patchEditor({ save: 'saving', error: null });
    const result = await bridge.invoke('alerts.update', { id: e.id, revision: base.revision, patch: patchOf(sent) }, { timeoutMs: 8000 });
    const now = editor();
    if (!now || now.id !== e.id) return 'done';
    if (result.ok) {
      const clean = sameContent(now.content, sent);
      set({ selected: result.value });
      patchEditor({ dirty: !clean, save: clean ? 'saved' : 'pending', savedAt: result.value.updatedAt, error: null });
      upsert(result.value);
      writeSafetyNet();
      previewer.push(result.value.id);
      return 'done';
    }
    const { error } = result;
    if (error.code === 'conflict') return resolveConflict(sent);
    patchEditor({
      save: error.code === 'unavailable' ? 'offline' : error.code === 'unauthorized' ? 'locked' : 'failed',
      error,
    });
    return retryable.has(error.code) ? 'retry' : 'done';
  }

  /**
   * The store has a newer revision than ours. Often it is our own save whose answer the lost
   * connection swallowed: then nothing was lost and the newest text simply goes out again.
   * Otherwise someone else changed the draft: their version is shown and ours is kept aside.
   */
  async function resolveConflict(sent: DraftContent): Promise<SaveOutcome> {
    const id = editor()?.id;
    if (id === undefined) return 'done';
    const fresh = await bridge.invoke('alerts.get', { id });
    const e = editor();
    if (!e || e.id !== id) return 'done';
    if (!fresh.ok) {
      patchEditor({ save: 'failed', error: fresh.error });
      return retryable.has(fresh.error.code) ? 'retry' : 'done';
    }
    const server = fresh.value;
    if (editableStatuses.includes(server.status) && sameText(contentOf(server), sent)) {
      set({ selected: server });
      upsert(server);
      const clean = sameContent(contentOf(server), e.content);
      patchEditor({ dirty: !clean, save: clean ? 'saved' : 'pending', savedAt: server.updatedAt });
      return clean ? 'done' : 'retry';
    }
    const mine = e.content.smsText;
    show(server);
    if (editor()) patchEditor({ conflictText: mine });
    else set({ alertAction: { pending: null, error: { code: 'conflict', message: 'changed elsewhere', details: { lostText: mine } } } });
    writeSafetyNet();
    return 'done';
  }

  const autosaver = createAutosaver(save);

  const previewer = latestOnly<number>(async (id, superseded) => {
    const result = await bridge.invoke('alerts.preview', { id });
    if (superseded() || get().selected?.id !== id) return;
    const revision = get().selected?.revision ?? null;
    set({
      preview: result.ok
        ? { status: 'ready', value: result.value, error: null, revision }
        : { status: 'failed', value: get().preview.value, error: result.error, revision },
    });
  });

  const lister = latestOnly<null>(async (_req, superseded) => {
    const result = await bridge.invoke('alerts.list', { limit: 200 });
    if (superseded()) return;
    const list = get().alertList;
    set({ alertList: result.ok ? { status: 'ready', value: result.value, error: null } : { ...list, status: 'failed', error: result.error } });
  });

  /** A command on the alert on screen; its answer replaces what is shown. */
  async function command(name: string, call: () => ReturnType<typeof bridge.invoke<'alerts.submit'>>): Promise<boolean> {
    set({ alertAction: { pending: name, error: null } });
    const result = await call();
    if (!result.ok) {
      set({ alertAction: { pending: null, error: result.error } });
      return false;
    }
    set({ alertAction: { pending: null, error: null } });
    show(result.value);
    previewer.push(result.value.id);
    return true;
  }

  async function restoreSafetyNet() {
    const entry = readSafetyNet();
    const officer = get().officer;
    if (!entry || !officer || entry.officerId !== officer.id) return;
    const e = editor();
    if (e && e.id === entry.id) return; // still in memory: the autosaver has it
    const result = await bridge.invoke('alerts.get', { id: entry.id });
    if (!result.ok) return; // tried again at the next sign-in or reconnect
    const alert = result.value;
    if (!editableStatuses.includes(alert.status)) return;
    set({ alertsView: 'alerts' });
    show(alert);
    if (sameContent(contentOf(alert), entry.content)) {
      sessionStore()?.removeItem(SAFETY_NET_KEY);
      return;
    }
    if (alert.revision !== entry.revision) {
      // Changed in the store since this text was typed: show both rather than overwrite.
      patchEditor({ conflictText: entry.content.smsText });
      return;
    }
    patchEditor({ content: entry.content, dirty: true, save: 'pending' });
    void autosaver.now();
  }

  return {
    alertsView: 'alerts',
    templates: idle<Template[]>([]),
    alertList: idle<Alert[]>([]),
    selected: null,
    selectedError: null,
    editor: null,
    preview: { ...idle<AlertPreview | null>(null), revision: null },
    cap: { status: 'closed', xml: '', error: null },
    alertAction: { pending: null, error: null },

    setAlertsView: (alertsView) => set({ alertsView }),

    async loadTemplates() {
      set({ templates: { ...get().templates, status: 'loading' } });
      const result = await bridge.invoke('alerts.templates', {});
      set({
        templates: result.ok
          ? { status: 'ready', value: result.value, error: null }
          : { status: 'failed', value: get().templates.value, error: result.error },
      });
    },

    async loadAlerts() {
      if (get().alertList.status === 'idle') set({ alertList: { ...get().alertList, status: 'loading' } });
      lister.push(null);
    },

    async selectAlert(id) {
      // Whatever the officer typed in the draft being left is saved first, not dropped.
      if (editor()?.dirty) void autosaver.now();
      set({ alertAction: { pending: null, error: null }, cap: { status: 'closed', xml: '', error: null } });
      if (id === null) {
        if (!editor()?.dirty) {
          set({ selected: null, editor: null });
          writeTabState(tab, { alert: null });
        }
        return;
      }
      const cached = get().alertList.value.find((a) => a.id === id);
      if (editor()?.dirty && editor()?.id !== id) {
        // Keep the unsaved draft in the composer until its save has landed.
        await autosaver.now();
        if (editor()?.dirty) return;
      }
      if (cached) show(cached);
      set({ preview: { ...idle<AlertPreview | null>(null), revision: null } });
      const result = await bridge.invoke('alerts.get', { id });
      if (!result.ok) {
        set({ selectedError: result.error });
        return;
      }
      show(result.value, { keepEditor: editor()?.dirty ?? false });
      previewer.push(id);
    },

    async createAlert(request) {
      set({ alertAction: { pending: 'create', error: null } });
      const result = await bridge.invoke('alerts.create', request);
      if (!result.ok) {
        set({ alertAction: { pending: null, error: result.error } });
        return false;
      }
      set({ alertAction: { pending: null, error: null }, alertsView: 'alerts', preview: { ...idle<AlertPreview | null>(null), revision: null } });
      show(result.value);
      previewer.push(result.value.id);
      return true;
    },

    async importCap(xml) {
      set({ alertAction: { pending: 'create', error: null } });
      const result = await bridge.invoke('alerts.importCap', { xml });
      if (!result.ok) {
        set({ alertAction: { pending: null, error: result.error } });
        return null;
      }
      set({ alertAction: { pending: null, error: null }, alertsView: 'alerts', preview: { ...idle<AlertPreview | null>(null), revision: null } });
      show(result.value.alert);
      previewer.push(result.value.alert.id);
      lister.push(null);
      return result.value.warnings;
    },

    async createFollowUp(kind) {
      const parent = get().selected;
      if (!parent) return false;
      const templates = get().templates.value;
      const template =
        templates.find((t) => t.kind === kind && t.category === parent.category && t.language === parent.language) ??
        templates.find((t) => t.kind === kind && t.language === parent.language) ??
        templates.find((t) => t.kind === kind);
      return get().createAlert({
        category: parent.category,
        kind,
        parentId: parent.id,
        language: parent.language,
        ...(template ? { templateId: template.id } : {}),
      });
    },

    editDraft(change) {
      const e = editor();
      if (!e) return;
      set({ editor: { ...e, content: { ...e.content, ...change }, dirty: true, save: e.save === 'saving' ? 'saving' : 'pending' } });
      writeSafetyNet();
      autosaver.changed();
    },

    async saveNow() {
      await autosaver.now();
      return !editor()?.dirty;
    },

    dismissConflict: () => patchEditor({ conflictText: null }),

    async submitAlert() {
      const e = editor();
      if (e?.dirty && !(await get().saveNow())) {
        set({ alertAction: { pending: null, error: editor()?.error ?? { code: 'unavailable', message: 'the draft is not saved' } } });
        return false;
      }
      const alert = get().selected;
      if (!alert) return false;
      return command('submit', () => bridge.invoke('alerts.submit', { id: alert.id, revision: alert.revision }));
    },

    async approveAlert(comment) {
      const alert = get().selected;
      if (!alert) return false;
      const text = comment.trim();
      return command('approve', () =>
        bridge.invoke('alerts.approve', { id: alert.id, revision: alert.revision, ...(text ? { comment: text } : {}) }),
      );
    },

    async rejectAlert(comment) {
      const alert = get().selected;
      if (!alert || !comment.trim()) return false;
      return command('reject', () => bridge.invoke('alerts.reject', { id: alert.id, comment: comment.trim() }));
    },

    async cancelAlert() {
      const alert = get().selected;
      if (!alert) return false;
      const done = await command('cancel', () => bridge.invoke('alerts.cancel', { id: alert.id }));
      if (done) sessionStore()?.removeItem(SAFETY_NET_KEY);
      return done;
    },

    refreshPreview() {
      const id = get().selected?.id;
      if (id !== undefined) previewer.push(id);
    },

    async openCap() {
      const alert = get().selected;
      if (!alert) return;
      set({ cap: { status: 'loading', xml: '', error: null } });
      const result = await bridge.invoke('alerts.cap', { id: alert.id });
      if (get().cap.status !== 'loading') return; // closed while waiting
      set({ cap: result.ok ? { status: 'ready', xml: result.value.xml, error: null } : { status: 'failed', xml: '', error: result.error } });
    },

    closeCap: () => set({ cap: { status: 'closed', xml: '', error: null } }),

    watchAlerts() {
      const officerId = get().officer?.id ?? null;
      if (loadedFor !== null && loadedFor !== officerId) {
        set({ selected: null, editor: null, alertList: idle<Alert[]>([]), preview: { ...idle<AlertPreview | null>(null), revision: null } });
      }
      loadedFor = officerId;
      // Alerts are read and written by operators and shift leaders only; nothing to follow otherwise.
      if (!get().officer?.roles.some((r) => r === 'operator' || r === 'approver')) return () => undefined;
      const stops = [
        bridge.onEvent('alerts.changed', (change) => {
          lister.push(null);
          const shown = get().selected;
          // An approval or a send changes the status, not the revision: both are news.
          if (!shown || shown.id !== change.id || (shown.revision === change.revision && shown.status === change.status)) return;
          const e = editor();
          // Our own save is on its way back, or our unsaved text would be overwritten: the save decides.
          if (e && (e.dirty || e.save === 'saving')) return;
          void bridge.invoke('alerts.get', { id: change.id }).then((result) => {
            if (result.ok && get().selected?.id === change.id && !editor()?.dirty) {
              show(result.value);
              previewer.push(change.id);
            }
          });
        }),
        bridge.onConnectionChange((state) => {
          if (state !== 'connected') {
            if (editor()?.dirty) patchEditor({ save: 'offline' });
            return;
          }
          lister.push(null);
          if (editor()?.dirty) void autosaver.now();
        }),
      ];
      // Signed in (again): what was typed meanwhile, or before a reload, goes to the store now.
      if (editor()?.dirty) void autosaver.now();
      else void restoreSafetyNet().then(restoreTabAlert);
      void get().loadTemplates();
      lister.push(null);
      return () => stops.forEach((stop) => stop());
    },
  };
};

/** The template a draft was made from, when it is still there. */
export const selectTemplate = (s: AppState): Template | null =>
  s.selected?.templateId ? (s.templates.value.find((t) => t.id === s.selected!.templateId) ?? null) : null;

export const awaitingApproval = (alerts: readonly Alert[]) => alerts.filter((a) => a.status === 'awaiting_approval');
