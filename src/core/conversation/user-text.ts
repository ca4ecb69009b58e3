import type { Turn } from './turn.js';

/**
 * Characters user text must not carry into what we store and show: control characters other
 * than tab and newline (a terminal escape, a NUL, a backspace that hides what came before) and
 * the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
 * make text display in another order than it is read ("Trojan Source"). The bidi marks
 * U+200E, U+200F and U+061C are kept: writers of right-to-left languages need them to place
 * punctuation, and a mark cannot reorder a run of text the way an override can.
 */
const UNSAFE = /(?![\t\n])\p{Cc}|[\u202A-\u202E\u2066-\u2069]/gu;
/** Half of a surrogate pair without its other half: not a character, and invalid UTF-8 when sent on. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** User text as we keep it: line breaks as \n, and nothing that hides, reorders or breaks it. */
export function cleanUserText(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029]/g, '\n')
    .replace(UNSAFE, '')
    .replace(LONE_SURROGATE, '\uFFFD');
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * At most `max` UTF-16 code units of text, cut between two characters as a reader sees them: never
 * inside a surrogate pair (half an emoji is invalid text), and not inside an emoji sequence (a
 * family, a flag, a skin tone) or a letter with its accents, unless one such cluster alone is
 * longer than `max`.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  // Two ASCII characters other than CR LF are always two clusters, so the cut needs no segmenting:
  // the usual case, as every Slack reply's fallback text is cut here.
  const before = text.charCodeAt(max - 1);
  const after = text.charCodeAt(max);
  if (before < 0x80 && after < 0x80 && !(before === 0x0d && after === 0x0a)) return text.slice(0, max);
  // Whether a cluster ends at `max` depends on the character after it: look one code point further.
  let boundary = 0;
  for (const { index, segment } of graphemes.segment(text.slice(0, max + 2))) {
    const end = index + segment.length;
    if (end > max) break;
    boundary = end;
  }
  if (boundary > 0) return text.slice(0, boundary);
  const high = text.charCodeAt(max - 1);
  return text.slice(0, high >= 0xd800 && high <= 0xdbff ? max - 1 : max);
}

/** Every string field of an object cleaned (see cleanUserText); other fields as they were. */
export function cleanStrings<T extends object>(fields: T): T {
  const cleaned = { ...fields } as Record<string, unknown>;
  for (const [name, value] of Object.entries(cleaned))
    if (typeof value === 'string') cleaned[name] = cleanUserText(value);
  return cleaned as T;
}

/** A turn as it enters the core: what the person typed, filled in and is called, cleaned. */
export function cleanTurn(turn: Turn): Turn {
  return {
    ...turn,
    user: cleanStrings(turn.user),
    ...(turn.text !== undefined ? { text: cleanUserText(turn.text) } : {}),
    ...(turn.form ? { form: { fields: cleanStrings(turn.form.fields) } } : {}),
  };
}
