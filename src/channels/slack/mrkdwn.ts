import { cutText } from '../../core/conversation/user-text.js';

/**
 * Slack's mrkdwn treats <...> as links, mentions (<@U1>) and broadcasts (<!channel>): escaping
 * &, < and > is what Slack documents for untrusted text, and it also defuses fake links. A bare
 * @channel, @here or @everyone also broadcasts where Slack parses text automatically (mrkdwn
 * blocks are "verbatim: false" by default): a word joiner after the @ keeps it as it looks.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@(channel|here|everyone)\b/gi, '@\u2060$1');
}

/** User text shown inside bold or italics: also keep it from closing our own formatting. */
export function escapeInline(text: string): string {
  return escapeMrkdwn(text).replace(/[*_~`]/g, (c) => `\u200b${c}\u200b`);
}

/**
 * The core writes CommonMark-ish markdown (knowledge-base articles, bot sentences); Slack wants
 * mrkdwn. Text is escaped first, then the few constructs we use are converted.
 */
export function markdownToMrkdwn(markdown: string): string {
  return escapeMrkdwn(markdown)
    .replace(
      /\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g,
      (_m, label: string, url: string) => `<${url}|${label.replace(/\|/g, '/')}>`,
    )
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/^#{1,6}\s+(.+)$/gm, '*$1*')
    .replace(/^(\s*)[-*]\s+/gm, '$1• ');
}

/**
 * Cuts text to a Slack limit, on a word boundary when there is one near, never inside a
 * character (see cutText), an entity such as &amp; or one of Slack's <…> links, mentions and
 * dates: half of one shows as garbage, or swallows what follows.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = cutText(text, max - 1)
    .replace(/&[a-z]{0,5}$/, '')
    .replace(/<(?:[@#!]|https?:|mailto:)[^<>]{0,500}$/, '');
  const space = cut.lastIndexOf(' ');
  return `${space > max * 0.8 ? cut.slice(0, space) : cut}…`;
}

/**
 * A person: a mention for a Slack member id (never built from user text), otherwise their
 * name, as for a requester or engineer who came from Teams.
 */
export function mention(userId: string, name?: string | null): string {
  if (/^[UW][A-Z0-9]+$/.test(userId)) return `<@${userId}>`;
  return escapeInline(name ?? userId);
}
