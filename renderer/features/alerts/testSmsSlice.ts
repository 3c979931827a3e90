/** "Send test to my phone": one SMS to the signed-in officer's own number, before approval. */
import type { BridgeError } from '../../../shared/bridge/result';
import type { ResponseOf } from '../../../shared/bridge/contract';
import type { SliceCreator } from '../../store';

export interface TestSmsSlice {
  testSms: { alertId: number | null; pending: boolean; result: ResponseOf<'alerts.sendTest'> | null; error: BridgeError | null };
  sendTestSms(alertId: number): Promise<void>;
}

export const createTestSmsSlice: SliceCreator<TestSmsSlice> = (set, get, { bridge }) => ({
  testSms: { alertId: null, pending: false, result: null, error: null },
  async sendTestSms(alertId) {
    if (get().testSms.pending) return;
    // What is on screen is what is tested: unsaved text is saved first.
    if (get().editor?.dirty && !(await get().saveNow())) {
      set({ testSms: { alertId, pending: false, result: null, error: get().editor?.error ?? { code: 'unavailable', message: 'the draft is not saved' } } });
      return;
    }
    set({ testSms: { alertId, pending: true, result: null, error: null } });
    const result = await bridge.invoke('alerts.sendTest', { id: alertId });
    set({ testSms: { alertId, pending: false, result: result.ok ? result.value : null, error: result.ok ? null : result.error } });
  },
});
