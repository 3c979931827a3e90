/**
 * The one zustand store, made of the features' slices. It is created per app (not a module
 * singleton) with its dependencies handed in, so tests build one around a fake bridge.
 */
import { createContext, useContext } from 'react';
import { createStore, useStore } from 'zustand';
import type { StoreApi } from 'zustand';
import type { BridgeClient } from './lib/bridge';
import type { NetworkMonitor } from './lib/network';
import { createMapSlice } from './features/map/mapSlice';
import type { MapSlice } from './features/map/mapSlice';
import { createDensitySlice } from './features/map/densitySlice';
import type { DensitySlice } from './features/map/densitySlice';
import { createNavigationSlice } from './features/navigation/navigationSlice';
import type { NavigationSlice } from './features/navigation/navigationSlice';
import { createSettingsSlice } from './features/settings/settingsSlice';
import type { SettingsSlice } from './features/settings/settingsSlice';
import { createStatusSlice } from './features/status/statusSlice';
import type { StatusSlice } from './features/status/statusSlice';
import { createTargetSlice } from './features/target/targetSlice';
import type { TargetSlice } from './features/target/targetSlice';
import { createSessionSlice } from './features/session/sessionSlice';
import type { SessionSlice } from './features/session/sessionSlice';
import { guardSession } from './features/session/guard';
import { createAlertsSlice } from './features/alerts/alertsSlice';
import type { AlertsSlice } from './features/alerts/alertsSlice';
import { createAuditSlice } from './features/audit/auditSlice';
import type { AuditSlice } from './features/audit/auditSlice';
import { createMonitorSlice } from './features/monitor/monitorSlice';
import type { MonitorSlice } from './features/monitor/monitorSlice';
import { createSubscribersSlice } from './features/subscribers/subscribersSlice';
import { createDeliverySlice } from './features/alerts/deliverySlice';
import type { DeliverySlice } from './features/alerts/deliverySlice';
import { createTestSmsSlice } from './features/alerts/testSmsSlice';
import type { TestSmsSlice } from './features/alerts/testSmsSlice';
import type { SubscribersSlice } from './features/subscribers/subscribersSlice';
import { createTipsSlice } from './features/tips/tipsSlice';
import type { TipsSlice } from './features/tips/tipsSlice';
import { createEvaluationSlice } from './features/evaluation/evaluationSlice';
import type { EvaluationSlice } from './features/evaluation/evaluationSlice';
// --- social ---
import { createSocialSlice } from './features/social/socialSlice';
import type { SocialSlice } from './features/social/socialSlice';
// --- surveys ---
import { createSurveysSlice } from './features/surveys/surveysSlice';
import type { SurveysSlice } from './features/surveys/surveysSlice';

export interface StoreDeps {
  bridge: BridgeClient;
  network: NetworkMonitor;
  /** Where the officer's own preferences (language) are kept; null when storage is unavailable. */
  preferences: Storage | null;
  /** This tab's own memory (sessionStorage): where the officer was, so a reload returns there. */
  tab?: Storage | null;
}

export type AppState = NavigationSlice & StatusSlice & MapSlice & SettingsSlice & TargetSlice & DensitySlice &
  SessionSlice & AlertsSlice & AuditSlice & MonitorSlice & SubscribersSlice & DeliverySlice & SocialSlice & TestSmsSlice & TipsSlice & EvaluationSlice & SurveysSlice;
export type AppStore = StoreApi<AppState>;

/** A slice sees the whole state (to read other slices) but sets only through `set`. */
export type SliceCreator<T> = (set: AppStore['setState'], get: AppStore['getState'], deps: StoreDeps) => T;

export function createAppStore(rawDeps: StoreDeps): AppStore {
  // Every slice's calls pass the session guard, so a console that locked itself shows the
  // sign-in screen whichever screen's call found out.
  const deps: StoreDeps = { ...rawDeps, bridge: guardSession(rawDeps.bridge, (error) => store.getState().sessionRefused(error)) };
  const store = createStore<AppState>()((set, get) => ({
    ...createNavigationSlice(set, get, deps),
    ...createStatusSlice(set, get, deps),
    ...createMapSlice(set, get, deps),
    ...createSettingsSlice(set, get, deps),
    ...createTargetSlice(set, get, deps),
    ...createDensitySlice(set, get, deps),
    ...createSessionSlice(set, get, deps),
    ...createAlertsSlice(set, get, deps),
    ...createAuditSlice(set, get, deps),
    ...createMonitorSlice(set, get, deps),
    ...createSubscribersSlice(set, get, deps),
    ...createTipsSlice(set, get, deps),
    ...createEvaluationSlice(set, get, deps),
    ...createDeliverySlice(set, get, deps),
    ...createTestSmsSlice(set, get, deps),
    ...createSocialSlice(set, get, deps),
    ...createSurveysSlice(set, get, deps),
  }));
  return store;
}

export const StoreContext = createContext<AppStore | null>(null);

/** Selects from the app's store; selectors must return stable values (a primitive or a stored object). */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore needs a StoreContext above it');
  return useStore(store, selector);
}
