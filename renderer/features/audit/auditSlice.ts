/** The audit trail as approvers and admins read it: newest first, filtered by action or officer. */
import type { ResponseOf } from '../../../shared/bridge/contract';
import type { BridgeError } from '../../../shared/bridge/result';
import type { SliceCreator } from '../../store';

export type AuditEntry = ResponseOf<'audit.list'>[number];

export interface AuditSlice {
  audit: { status: 'idle' | 'loading' | 'ready' | 'failed'; entries: AuditEntry[]; error: BridgeError | null };
  auditFilter: { action: string; officer: string };
  setAuditFilter(filter: Partial<AuditSlice['auditFilter']>): void;
  loadAudit(): Promise<void>;
}

export const AUDIT_LIMIT = 200;

export const createAuditSlice: SliceCreator<AuditSlice> = (set, get, { bridge }) => {
  let latest = 0;
  return {
    audit: { status: 'idle', entries: [], error: null },
    auditFilter: { action: '', officer: '' },
    setAuditFilter: (filter) => set({ auditFilter: { ...get().auditFilter, ...filter } }),
    async loadAudit() {
      const seq = ++latest;
      const { action, officer } = get().auditFilter;
      set({ audit: { ...get().audit, status: 'loading' } });
      const result = await bridge.invoke('audit.list', {
        limit: AUDIT_LIMIT,
        ...(action.trim() ? { action: action.trim() } : {}),
        ...(officer.trim() ? { officer: officer.trim() } : {}),
      });
      if (seq !== latest) return;
      set({
        audit: result.ok
          ? { status: 'ready', entries: result.value, error: null }
          : { status: 'failed', entries: get().audit.entries, error: result.error },
      });
    },
  };
};
