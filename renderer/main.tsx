import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createI18n } from './i18n';
import { createBridge } from './lib/bridge';
import { browserNetwork } from './lib/network';
import { createAppStore } from './store';

function preferences(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null; // storage disabled by policy: the console still runs, in Danish
  }
}

function tab(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

const store = createAppStore({ bridge: createBridge(), network: browserNetwork(), preferences: preferences(), tab: tab() });
const i18n = createI18n(store.getState().language);
document.documentElement.lang = store.getState().language;

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={store} i18n={i18n} />
  </StrictMode>,
);
