import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.js';
import type { LanguageCode } from './language/languages.js';
import { messagesFor, type MessageKey } from './messages/catalogue.js';

/**
 * What a person is told when something unexpected failed on our side (a database down, the chat
 * refusing a call, a bug), in every channel. The person never sees the details: they get a short
 * reference, and the log line with the error carries the same reference.
 */
export function apology(reference: string): string {
  // In English: it is said where the conversation's language is not at hand (a failed turn, a channel's own failure).
  return messagesFor(undefined)('apology', { reference });
}

const GIVEN_UP_WHAT = {
  message: 'givenUp.message',
  reaction: 'givenUp.reaction',
  form: 'givenUp.form',
  'button press': 'givenUp.buttonPress',
  request: 'givenUp.request',
} as const satisfies Record<string, MessageKey>;

/**
 * What a person is told when work of theirs that was kept (a message, a button press) was given
 * up on after retrying. The chat that says it does not know the conversation's language: the
 * default language's words unless `language` is given.
 */
export function givenUpApology(what: string, reference: string, language?: LanguageCode): string {
  const say = messagesFor(language);
  const thing = Object.hasOwn(GIVEN_UP_WHAT, what) ? say(GIVEN_UP_WHAT[what as keyof typeof GIVEN_UP_WHAT]) : what;
  return say('givenUp', { what: thing, reference });
}

/**
 * What a person is told when a request that is answered at once (a form, a card button) comes
 * while the bot starts: nothing is loaded yet, the conversation's language neither, so the
 * default language's words.
 */
export const STARTING_MESSAGE = messagesFor(undefined)('starting');

/**
 * Logs an unexpected failure and returns the apology to show for it. The reference is the
 * request's id when there is one (the same id is on every log line of that request), else a new one.
 */
export function apologise(
  logger: Logger,
  error: unknown,
  what: string,
  context: Record<string, unknown> = {},
  requestId?: string,
): string {
  const ref = requestId ?? randomUUID().slice(0, 8);
  logger.error({ ...context, err: error, ref }, `${what} failed`);
  return apology(ref);
}
