import type { Choice, Reply } from '../../core/conversation/turn.js';

/** Replies as terminal text. Choices are numbered so they can be pressed by typing the number. */
export function renderReplies(replies: Reply[]): { text: string; choices: Choice[] } {
  const choices: Choice[] = [];
  const blocks = replies.map((reply) => {
    const lines = [stripMarkdown(reply.markdown)];
    if (reply.kind === 'ticket') {
      const t = reply.ticket;
      lines.push(
        `  [${t.key}] ${t.subject}\n  status: ${t.status} · priority: ${t.priority} · tier: ${t.tier} · category: ${t.category}${t.assignee ? ` · assignee: ${t.assignee}` : ''}`,
      );
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
