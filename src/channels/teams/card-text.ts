import { cleanUserText, cutText } from '../../core/conversation/user-text.js';

/**
 * Adaptive Card TextBlocks render a markdown subset: user text is escaped so it cannot make
 * links or formatting of its own. (Mentions need entities in Teams, so text cannot forge one.)
 */
export function escapeCardText(text: string): string {
  return text.replace(/([\\`*_[\]()#+\-!>|~<])/g, '\\$1');
}

/** What Teams sends as message text: HTML-ish, with <at>Bot</at> for mentions. */
export function teamsTextToPlain(text: string | undefined, botName?: string): string {
  const plain = (text ?? '')
    .replace(/<at>([^<]*)<\/at>/gi, (_m, name: string) => (botName && name.trim() === botName ? '' : `@${name}`))
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .trim();
  return cleanUserText(plain).trim();
}

/** Cuts text for a card field, between characters (see cutText). */
export function clipText(text: string, max: number): string {
  return text.length <= max ? text : `${cutText(text, max - 1)}…`;
}
