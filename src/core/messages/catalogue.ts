import { DEFAULT_LANGUAGE, type LanguageCode } from '../language/languages.js';
import { de } from './messages-de.js';
import { en } from './messages-en.js';
import { es } from './messages-es.js';
import { fr } from './messages-fr.js';

/** A key of the bot's own texts; English (messages-en.ts) is the source of the keys. */
export type MessageKey = keyof typeof en;

/** A language's texts: every English key, nothing more (the compiler checks both). */
export type Catalogue = { readonly [K in MessageKey]: string };

/** The `{name}` placeholders of a text, as a union of names. */
export type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** The values a key's text needs: one per placeholder of its English text. */
export type MessageParams<K extends MessageKey> = Readonly<Record<Placeholders<(typeof en)[K]>, string | number>>;

/** The bot's texts in one language: a key (and its placeholders' values) in, the text out. */
export type Say = <K extends MessageKey>(
  key: K,
  ...params: [Placeholders<(typeof en)[K]>] extends [never] ? [] : [MessageParams<K>]
) => string;

const CATALOGUES: ReadonlyMap<LanguageCode, Catalogue> = new Map<LanguageCode, Catalogue>([
  ['en', en],
  ['de', de],
  ['fr', fr],
  ['es', es],
]);

/** Languages with a catalogue of their own; the others are spoken to in English. */
export const CATALOGUE_LANGUAGES: readonly LanguageCode[] = [...CATALOGUES.keys()];

/** A language's catalogue, or undefined when it has none. */
export function catalogue(language: LanguageCode): Catalogue | undefined {
  return CATALOGUES.get(language);
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** A language's texts as written, placeholders unfilled (English for a language without a catalogue). */
export function textsFor(language: LanguageCode | null | undefined): Catalogue {
  return (language ? CATALOGUES.get(language) : undefined) ?? CATALOGUES.get(DEFAULT_LANGUAGE) ?? en;
}

/**
 * A text cut at its placeholders, each replaced by its value: for a line whose values are not
 * words (a person to mention, a ticket key to show as such), in the order the language puts them.
 */
export function fillParts<K extends MessageKey, V>(
  texts: Catalogue,
  key: K,
  values: Readonly<Record<Placeholders<(typeof en)[K]>, V>>,
): Array<string | V> {
  const parts: Array<string | V> = [];
  let at = 0;
  const text = texts[key];
  for (const match of text.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (!Object.hasOwn(values, name)) continue;
    if (match.index > at) parts.push(text.slice(at, match.index));
    parts.push((values as Record<string, V>)[name]!);
    at = match.index + match[0].length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}

/** The placeholder names a text uses, sorted and each once. */
export function placeholdersOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]!))].sort();
}

/**
 * The bot's texts in `language`, or in English for a language without a catalogue (or none
 * known yet). Values are put in once: a value that itself holds "{key}" stays as it is.
 */
export function messagesFor(language: LanguageCode | undefined): Say {
  const texts = (language !== undefined && CATALOGUES.get(language)) || CATALOGUES.get(DEFAULT_LANGUAGE) || en;
  return ((key: MessageKey, params?: Readonly<Record<string, string | number>>) => {
    const text = texts[key];
    if (!params) return text;
    return text.replace(PLACEHOLDER, (whole, name: string) =>
      Object.hasOwn(params, name) ? String(params[name]) : whole,
    );
  }) as Say;
}

/** A value put into a wording: a word as it is, or another catalogue text worded in the same language. */
export type WordingValue = string | number | Wording;

/**
 * A catalogue text and its values, put into words only where the reader's language is known: a
 * refusal (CoreError), triage's reasons. Values may be wordings themselves (a status, a hint).
 */
export interface Wording {
  readonly key: MessageKey;
  readonly params: Readonly<Record<string, WordingValue>>;
}

/** The values a wording of a key needs: one per placeholder, a word or a wording. */
export type WordingParams<K extends MessageKey> = Readonly<Record<Placeholders<(typeof en)[K]>, WordingValue>>;

/** A key and its values, worded later (see sayWording); the compiler checks the values against the English text. */
export function wording<K extends MessageKey>(
  key: K,
  ...params: [Placeholders<(typeof en)[K]>] extends [never] ? [] : [WordingParams<K>]
): Wording {
  return { key, params: params[0] ?? {} };
}

/** A wording in `say`'s language, the wordings among its values first. */
export function sayWording(say: Say, text: Wording): string {
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(text.params))
    values[name] = typeof value === 'object' ? sayWording(say, value) : value;
  return (say as (key: MessageKey, params: Readonly<Record<string, string | number>>) => string)(text.key, values);
}

/** A ticket's status ("claimed") in a language's words; a status without a text stays as it is. */
export function statusText(language: LanguageCode | undefined, status: string): string {
  const key = `ticket.status.${status}`;
  if (!Object.hasOwn(en, key)) return status;
  return (messagesFor(language) as (key: string) => string)(key);
}
