import { cleanUserText } from '../../core/conversation/user-text.js';

/**
 * Slack sends message text in its own markup: &amp;-escaped, mentions as <@U123>, links as
 * <url|label>. The core wants what the person typed.
 */
export function slackTextToPlain(text: string, botUserId?: string): string {
  const plain = text
    .replace(/<@([UW][A-Z0-9]+)(\|[^>]*)?>/g, (_m, id: string, label?: string) =>
      id === botUserId ? '' : label ? `@${label.slice(1)}` : `@${id}`,
    )
    .replace(/<!(channel|here|everyone)[^>]*>/g, '@$1')
    .replace(/<#C[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<(https?:[^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/<(https?:[^>]+)>/g, '$1')
    .replace(/<mailto:[^|>]+\|([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return cleanUserText(plain).trim();
}
