import type { TicketNotification, TicketNotifier } from '../../core/tickets/ticket-notifier.js';

/**
 * In the local chat, the triage channel and the requester's thread are the same terminal:
 * notifications are printed with a prefix saying where they would go.
 */
export class LocalNotifier implements TicketNotifier {
  constructor(private readonly print: (line: string) => void) {}

  async notify(n: TicketNotification): Promise<void> {
    const t = n.ticket;
    if (n.type === 'opened') {
      this.print(
        `[triage ${t.tier}] New ticket ${t.key} (${t.priority}, ${t.category}) from ${t.requesterName ?? t.requesterId}: ${t.subject}`,
      );
      return;
    }
    const note = n.note ? `: ${n.note}` : '';
    if (n.type === 'priority' || n.type === 'category') {
      // The reason stays among engineers; the requester hears of a new priority only.
      this.print(`[triage ${t.tier}] ${n.summary} (${n.actor.name ?? n.actor.id})${note}`);
      if (n.type === 'priority')
        this.print(`[to ${t.requesterName ?? t.requesterId}] IT set the priority of ${t.key} to ${t.priority}.`);
      return;
    }
    const triageOnly = n.type === 'rated' || n.type === 'reminder' || n.type === 'unclaimed' || n.type === 'vendor';
    if ((n.type === 'comment' && n.from === 'requester') || triageOnly) {
      this.print(`[triage ${t.tier}] ${n.summary}${note}`);
      return;
    }
    this.print(`[to ${t.requesterName ?? t.requesterId}] ${n.summary}${note}`);
    if (n.type === 'escalated')
      this.print(`[triage ${t.tier}] ${t.key} escalated to ${t.tier} and waits to be claimed`);
  }
}
