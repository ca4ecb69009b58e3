import type { SlaPolicy } from './sla-policy.js';
import type { Ticket } from './ticket.js';

/** An engineer's queue: what nobody has, what they have, and what is about to breach its SLA. */
export interface QueueView {
  unclaimed: Ticket[];
  mine: Ticket[];
  breachingSoon: Ticket[];
}

/** Groups open tickets for one engineer; breaching-soon includes already breached ones, soonest first. */
export function queueView(open: Ticket[], engineerId: string, sla: SlaPolicy, now = new Date()): QueueView {
  const due = (ticket: Ticket) => sla.nextDue(ticket)?.at.getTime() ?? Number.POSITIVE_INFINITY;
  return {
    unclaimed: open.filter((t) => !t.assigneeId && t.status !== 'waiting'),
    mine: open.filter((t) => t.assigneeId === engineerId),
    breachingSoon: open
      .filter((t) => {
        const state = sla.state(t, now);
        return state === 'soon' || state === 'breached';
      })
      .sort((a, b) => due(a) - due(b)),
  };
}
