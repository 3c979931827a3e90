type Env = Record<string, string | undefined>;
export function findBrowser(env?: Env): string | null;
export function browserHint(env?: Env): string;
export function kannelBinaries(env?: Env): { bearerbox: string; smsbox: string; fakesmsc: string };
export function kannelMissing(env?: Env): string | undefined;
