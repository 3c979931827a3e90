import type { SliceCreator } from '../../store';

/** The console's screens, in the order the navigation shows them. */
export const screens = ['map', 'alerts', 'monitor', 'tips', 'subscribers', 'evaluation', 'settings'] as const;
export type Screen = (typeof screens)[number];

export interface NavigationSlice {
  screen: Screen;
  navigate(screen: Screen): void;
}

// The map comes first: it is where an officer starts an alert.
export const createNavigationSlice: SliceCreator<NavigationSlice> = (set) => ({
  screen: 'map',
  navigate: (screen) => set({ screen }),
});
