/**
 * Text an attacker types, and a walk over everything a chat would render, for the tests that
 * show such text is shown as typed and never notifies, links, reorders or breaks.
 */

/** Broadcasts, a mention, disguised links (Slack's and markdown's) and a Teams mention tag. */
export const HOSTILE_MARKUP =
  '<!channel> <!here|here> <@U0BOSS0001> <https://evil.example|click here> [reset](https://evil.example) <at>Boss</at> @everyone';

/** A right-to-left override ("exe.txt" reads as "txt.exe"), an isolate, a bell, an escape sequence, a NUL. */
export const HOSTILE_INVISIBLE = 'invoice\u202Etxt.exe\u202C \u2066hidden\u2069 \u0007\u001b[2J\u0000done';

/** What must never reach a rendered string. */
export const BIDI_OR_CONTROL = /(?![\t\n])\p{Cc}|[\u202A-\u202E\u2066-\u2069]/u;
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** One string of a payload and where it sits ("blocks.2.text.text"). */
export interface RenderedString {
  path: string;
  value: string;
}

/**
 * Every string in a payload a chat renders, blocks and fallback text alike. Left out are the
 * strings no chat parses for markup: Slack's plain_text objects, input initial values (the
 * person's own text, given back for editing) and the values buttons, options and inputs send back.
 */
export function renderedStrings(payload: unknown, path = ''): RenderedString[] {
  if (typeof payload === 'string') return [{ path, value: payload }];
  if (Array.isArray(payload)) return payload.flatMap((item, i) => renderedStrings(item, `${path}.${i}`));
  if (!payload || typeof payload !== 'object') return [];
  const node = payload as Record<string, unknown>;
  if (node.type === 'plain_text') return [];
  return Object.entries(node).flatMap(([key, value]) => {
    if (key === 'initial_value' || key === 'private_metadata') return [];
    // A value is data sent back (a button's, an option's, an input's), except a fact's, which is shown.
    if (key === 'value' && !('title' in node)) return [];
    return renderedStrings(value, path ? `${path}.${key}` : key);
  });
}

/** Strings that would notify or link in Slack: an unescaped broadcast, mention or link from user text. */
export function slackHazards(payload: unknown): RenderedString[] {
  return renderedStrings(payload).filter(
    ({ value }) =>
      /<!(channel|here|everyone)|<@U0BOSS|<https?:\/\/evil|@(channel|here|everyone)\b/.test(value) ||
      BIDI_OR_CONTROL.test(value) ||
      LONE_SURROGATE.test(value),
  );
}

/** Strings that would link or mention in Teams markdown: an unescaped link or tag from user text. */
export function teamsHazards(payload: unknown): RenderedString[] {
  return renderedStrings(payload).filter(
    ({ value }) =>
      /(?<!\\)\[reset|\]\(|<at>|(?<!\\)<https?:\/\/evil/.test(value) ||
      BIDI_OR_CONTROL.test(value) ||
      LONE_SURROGATE.test(value),
  );
}
