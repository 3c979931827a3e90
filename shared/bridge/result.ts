/** Every bridge answer is a value or an error with a code the UI can translate. */
export const errorCodes = [
  'unknown_channel',
  'bad_request',
  'too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'store_missing',
  'store_exists',
  'store_locked',
  'store_wrong_key',
  'store_corrupt',
  'store_newer',
  'disk_full',
  'io_error',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface BridgeError {
  code: ErrorCode;
  /** For a developer or a log: English, never personal data. The UI translates `code`. */
  message: string;
  /** Structured details the UI may show (e.g. which field failed validation). */
  details?: unknown;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: BridgeError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string, details?: unknown): Result<never> => ({
  ok: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

/** An error thrown inside services that carries a translatable code to the bridge edge. */
export class TrykError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'TrykError';
  }
}

export const isTrykError = (e: unknown): e is TrykError => e instanceof TrykError;
