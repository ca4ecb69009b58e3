import {
  messagesFor,
  sayWording,
  type MessageKey,
  type Say,
  type Wording,
  type WordingValue,
} from './messages/catalogue.js';

/** Stable codes for failures the core expects and callers may act on. */
export type CoreErrorCode = 'ILLEGAL_TRANSITION' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN' | 'INVALID_INPUT';

/**
 * An expected failure, with what the person who caused it is told: a catalogue key and its values
 * (`told`), worded in that person's language by whoever tells them (refusalText). The error's own
 * message is the English wording, for logs. Bugs throw plain errors.
 */
export class CoreError extends Error {
  override readonly name = 'CoreError';
  readonly told: Wording;
  constructor(
    readonly code: CoreErrorCode,
    told: Wording,
    options?: { cause?: unknown },
  ) {
    super(sayWording(messagesFor('en'), told), options);
    this.told = told;
  }

  /** The catalogue key of what the person is told. */
  get key(): MessageKey {
    return this.told.key;
  }

  /** Its values (words, or wordings of their own: a status, a hint). */
  get params(): Readonly<Record<string, WordingValue>> {
    return this.told.params;
  }
}

export function isCoreError(error: unknown, code?: CoreErrorCode): error is CoreError {
  return error instanceof CoreError && (code === undefined || error.code === code);
}

/**
 * What a person is told of an expected failure, in `say`'s words: their language, which the one who
 * tells them chooses as for everything else they say to that person (a requester's conversation or
 * ticket language, the engineers' for engineers). Every chat and the core word refusals here.
 */
export function refusalText(error: CoreError, say: Say): string {
  return sayWording(say, error.told);
}
