/** Whether the browser believes it has a network; it decides if online map tiles are tried at all. */
export interface NetworkMonitor {
  online(): boolean;
  subscribe(listener: (online: boolean) => void): () => void;
}

export function browserNetwork(win: Window = window): NetworkMonitor {
  return {
    online: () => win.navigator.onLine,
    subscribe(listener) {
      const up = () => listener(true);
      const down = () => listener(false);
      win.addEventListener('online', up);
      win.addEventListener('offline', down);
      return () => {
        win.removeEventListener('online', up);
        win.removeEventListener('offline', down);
      };
    },
  };
}
