/** Stable codes for failures the core expects and callers may act on. */
export type CoreErrorCode = 'ILLEGAL_TRANSITION' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'INVALID_INPUT';

/** An expected failure, with a message written for the person who caused it. Bugs throw plain errors. */
export class CoreError extends Error {
  override readonly name = 'CoreError';
  constructor(
    readonly code: CoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isCoreError(error: unknown, code?: CoreErrorCode): error is CoreError {
  return error instanceof CoreError && (code === undefined || error.code === code);
}
