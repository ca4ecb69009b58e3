import { describe, expect, it } from 'vitest';
import { transition, type TicketCommand } from '../../src/core/tickets/ticket-state-machine.js';
import { ticketStatuses, type TicketStatus } from '../../src/core/tickets/ticket.js';

const legal: Array<[TicketStatus, TicketCommand, TicketStatus]> = [
  ['new', 'claim', 'claimed'],
  ['new', 'escalate', 'escalated'],
  ['new', 'resolve', 'resolved'],
  ['new', 'close', 'closed'],
  ['claimed', 'escalate', 'escalated'],
  ['claimed', 'wait', 'waiting'],
  ['claimed', 'resolve', 'resolved'],
  ['claimed', 'close', 'closed'],
  ['escalated', 'claim', 'claimed'],
  ['escalated', 'escalate', 'escalated'],
  ['escalated', 'resolve', 'resolved'],
  ['escalated', 'close', 'closed'],
  ['waiting', 'resume', 'claimed'],
  ['waiting', 'escalate', 'escalated'],
  ['waiting', 'resolve', 'resolved'],
  ['waiting', 'close', 'closed'],
  ['resolved', 'reopen', 'reopened'],
  ['resolved', 'close', 'closed'],
  ['reopened', 'claim', 'claimed'],
  ['reopened', 'escalate', 'escalated'],
  ['reopened', 'resolve', 'resolved'],
  ['reopened', 'close', 'closed'],
];
const commands: TicketCommand[] = ['claim', 'escalate', 'wait', 'resume', 'resolve', 'close', 'reopen'];

describe('ticket state machine', () => {
  it.each(legal)('%s --%s--> %s', (from, command, to) => {
    expect(transition('HD-1', from, command)).toEqual({ ok: true, to });
  });

  it('refuses every other transition with a reason naming the ticket and its status', () => {
    const isLegal = (from: TicketStatus, command: TicketCommand) => legal.some(([f, c]) => f === from && c === command);
    let refused = 0;
    for (const from of ticketStatuses) {
      for (const command of commands) {
        if (isLegal(from, command)) continue;
        const result = transition('HD-1', from, command);
        expect(result.ok, `${from} ${command}`).toBe(false);
        if (!result.ok) expect(result.reason).toMatch(new RegExp(`HD-1: it is ${from}`));
        refused++;
      }
    }
    expect(refused).toBe(ticketStatuses.length * commands.length - legal.length);
  });

  it('explains what to do instead', () => {
    expect(transition('HD-7', 'closed', 'reopen')).toEqual({
      ok: false,
      reason: 'Cannot reopen HD-7: it is closed. Closed tickets are final: open a new ticket and mention this one.',
    });
    expect(transition('HD-7', 'resolved', 'claim')).toMatchObject({
      reason: expect.stringContaining('Reopen it first'),
    });
  });
});
