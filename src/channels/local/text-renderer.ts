import type { Choice, Reply } from '../../core/conversation/turn.js';
import { messagesFor, statusText } from '../../core/messages/catalogue.js';

/** Replies as terminal text. Choices are numbered so they can be pressed by typing the number. */
export function renderReplies(replies: Reply[]): { text: string; choices: Choice[] } {
  const choices: Choice[] = [];
  const blocks = replies.map((reply) => {
    const lines = [stripMarkdown(reply.markdown)];
    if (reply.kind === 'ticket') {
      // The ticket's facts in the words of the reply they come with.
      const t = reply.ticket;
      const say = messagesFor(reply.language);
      const facts = [
        `${say('ticket.field.status')}: ${statusText(reply.language, t.status)}`,
        `${say('ticket.field.priority')}: ${t.priority}`,
        `${say('ticket.field.tier')}: ${t.tier}`,
        `${say('ticket.field.category')}: ${t.category}`,
        ...(t.assignee ? [`${say('ticket.field.with')}: ${t.assignee}`] : []),
      ];
      lines.push(`  [${t.key}] ${t.subject}\n  ${facts.join(' · ')}`);
    }
    const own = reply.choices ?? [];
    if (own.length > 0) {
      lines.push(own.map((choice) => `  ${choices.push(choice)}) ${choice.label}`).join('\n'));
    }
    return lines.join('\n');
  });
  return { text: blocks.join('\n\n'), choices };
}

/** Terminal text does not render markdown: keep the words, drop the markup. */
export function stripMarkdown(markdown: string): string {
  return markdown
    .replace(/\*\*(.+?)\*\*/g, '$1')
    .replace(/(^|\s)\*(\S[^*]*?)\*(?=\s|[.,!?]|$)/g, '$1$2')
    .replace(/`([^`]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)');
}
