/**
 * A released alert's delivery result, from its send: the recipients frozen at release and how
 * many were reached. Followed every few seconds while the send goes, then left alone.
 */
import type { BridgeError } from '../../../shared/bridge/result';
import type { SendStatus } from '../../../shared/dispatch/schema';
import type { SliceCreator } from '../../store';

export const DELIVERY_POLL_MS = 3000;

export interface DeliverySlice {
  delivery: { sendId: number | null; value: SendStatus | null; error: BridgeError | null };
  /** Fetches the send's status now and until it is over; returns the function that stops. */
  watchDelivery(sendId: number): () => void;
}

export const createDeliverySlice: SliceCreator<DeliverySlice> = (set, get, { bridge }) => ({
  delivery: { sendId: null, value: null, error: null },

  watchDelivery(sendId) {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (get().delivery.sendId !== sendId) set({ delivery: { sendId, value: null, error: null } });
    const load = async () => {
      const result = await bridge.invoke('dispatch.status', { sendId });
      if (stopped || get().delivery.sendId !== sendId) return;
      if (result.ok) {
        set({ delivery: { sendId, value: result.value, error: null } });
        if (result.value.state === 'done' || result.value.state === 'cancelled') return;
      } else {
        set({ delivery: { sendId, value: get().delivery.value, error: result.error } });
      }
      timer = setTimeout(() => void load(), DELIVERY_POLL_MS);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  },
});
