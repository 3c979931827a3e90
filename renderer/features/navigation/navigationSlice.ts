import { readTabState, writeTabState } from '../../lib/tabState';
import type { SliceCreator } from '../../store';

/** The console's screens, in the order the navigation shows them. */
export const screens = ['map', 'alerts', 'monitor', 'tips', 'subscribers', 'evaluation', 'surveys', 'settings'] as const;
export type Screen = (typeof screens)[number];

export interface NavigationSlice {
  screen: Screen;
  navigate(screen: Screen): void;
}

const isScreen = (value: unknown): value is Screen => (screens as readonly unknown[]).includes(value);

// The map comes first: it is where an officer starts an alert. A reload returns to the screen the
// officer was on (the session gate still asks for a sign-in first when there is none).
export const createNavigationSlice: SliceCreator<NavigationSlice> = (set, _get, { tab }) => {
  const stored = readTabState(tab).screen;
  return {
    screen: isScreen(stored) ? stored : 'map',
    navigate: (screen) => {
      set({ screen });
      writeTabState(tab, { screen });
    },
  };
};
