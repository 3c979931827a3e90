declare const __TRYK_VERSION__: string | undefined;

/** Set by the build from package.json; tests run unbundled and fall back to "dev". */
export const VERSION: string = typeof __TRYK_VERSION__ === 'string' ? __TRYK_VERSION__ : 'dev';
