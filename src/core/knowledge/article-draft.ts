import type { Ticket, TicketEvent } from '../tickets/ticket.js';

/** Writes draft articles for editors to review. Implementations: FileDraftWriter. */
export interface DraftWriter {
  /** Writes a new file; returns false when one already exists at that path. */
  create(relativePath: string, content: string): Promise<boolean>;
}

/** A draft article from a resolved ticket: the requester's question first, the resolution as the answer. */
export function draftFromTicket(
  ticket: Ticket,
  events: TicketEvent[],
  today: Date,
): { path: string; markdown: string } | null {
  const resolution = [...events]
    .reverse()
    .find((e) => e.toStatus === 'resolved' && typeof e.detail.resolution === 'string')?.detail.resolution as
    string | undefined;
  if (!resolution) return null;
  const question = (ticket.question ?? ticket.subject).replace(/\s+/g, ' ').trim();
  const slug =
    ticket.subject
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'article';
  const id = `${slug}-${ticket.key.toLowerCase()}`;
  const date = today.toISOString().slice(0, 10);
  const yaml = (text: string) => JSON.stringify(text); // a JSON string is a valid YAML scalar, whatever it holds
  const markdown = [
    '---',
    `id: ${id}`,
    `title: ${yaml(ticket.subject)}`,
    'questions:',
    `  - ${yaml(question)}`,
    'tags: []',
    `category: ${ticket.category}`,
    'owner: service-desk',
    `updated: ${date}`,
    ...(ticket.tier !== 'L1' ? [`escalate_to: ${ticket.tier === 'L4' ? 'L4' : ticket.tier}`] : []),
    '---',
    '',
    `# ${ticket.subject}`,
    '',
    '## Answer',
    '',
    resolution.trim(),
    '',
    '## Details',
    '',
    `Drafted from ticket ${ticket.key} (${ticket.category}, ${ticket.priority}). Add more ways people ask this question above, check the steps, then move the file out of drafts/ to publish it.`,
    '',
    '```text',
    ticket.description.trim(),
    '```',
    '',
  ].join('\n');
  return { path: `drafts/${id}.md`, markdown };
}
