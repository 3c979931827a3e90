/** Where Electron's installer put the binary under `base`'s node_modules, or null. */
export function electronPath(base: string): string | null;
