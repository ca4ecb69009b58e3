import { randomUUID } from 'node:crypto';
import type { Logger } from './logger.js';
import type { LanguageCode } from './language/languages.js';
import { catalogue, CATALOGUE_LANGUAGES, messagesFor, type MessageKey } from './messages/catalogue.js';

/**
 * What a person is told when something unexpected failed on our side (a database down, the chat
 * refusing a call, a bug), in every channel, in `language` (the conversation's or the person's
 * where the caller knows it, else the deployment's). The person never sees the details: they get
 * a short reference, and the log line with the error carries the same reference.
 */
export function apology(reference: string, language: LanguageCode): string {
  return messagesFor(language)('apology', { reference });
}

/** Each catalogue's apology up to its reference: what every apology in that language starts with. */
const APOLOGY_STARTS: readonly string[] = CATALOGUE_LANGUAGES.map((language) => {
  const text = catalogue(language)!.apology;
  return text.slice(0, text.indexOf('{reference}'));
});

/** Whether a reply is an apology, in any catalogue's words (the metrics count them). */
export function isApology(markdown: string): boolean {
  return APOLOGY_STARTS.some((start) => markdown.startsWith(start));
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
 * up on after retrying, in `language`: the conversation's where the chat can tell which one it
 * was, else the person's or the deployment's.
 */
export function givenUpApology(what: string, reference: string, language: LanguageCode): string {
  const say = messagesFor(language);
  const thing = Object.hasOwn(GIVEN_UP_WHAT, what) ? say(GIVEN_UP_WHAT[what as keyof typeof GIVEN_UP_WHAT]) : what;
  return say('givenUp', { what: thing, reference });
}

/**
 * What a person is told when a request that is answered at once (a form, a card button) comes
 * while the bot starts: the knowledge base is not loaded, but the store is, so the person's
 * language is known.
 */
export function startingMessage(language: LanguageCode): string {
  return messagesFor(language)('starting');
}

/**
 * Logs an unexpected failure and returns the apology to show for it, in `language`. The reference
 * is the request's id when there is one (the same id is on every log line of that request), else a new one.
 */
export function apologise(
  logger: Logger,
  error: unknown,
  what: string,
  options: { context?: Record<string, unknown>; requestId?: string | undefined; language: LanguageCode },
): string {
  const ref = options.requestId ?? randomUUID().slice(0, 8);
  logger.error({ ...options.context, err: error, ref }, `${what} failed`);
  return apology(ref, options.language);
}
