/**
 * What people are told about a ticket's changes is worded once, in the core (ticket-news.ts):
 * Slack, Teams and the local chat differ only in markup (icons, bold, mentions, quotation marks,
 * escaping), never in words. Every kind of change, with a note full of markup of its own.
 */
import { describe, expect, it } from 'vitest';
import { newsMrkdwn } from '../../src/channels/slack/slack-notifier.js';
import { newsMarkdown } from '../../src/channels/teams/teams-notifier.js';
import { plainNews, requesterNews, triageNews, type NewsLine } from '../../src/core/tickets/ticket-news.js';
import type { TicketNotification } from '../../src/core/tickets/ticket-notifier.js';
import type { Ticket } from '../../src/core/tickets/ticket.js';

const NOTE = 'try *this* <@U999> [a link](http://x) & `code`\nsecond line';
const at = new Date('2026-03-02T10:00:00Z');

const ticket: Ticket = {
  id: 't1',
  key: 'HD-1001',
  subject: 'Dock # not _working_',
  description: 'd',
  question: null,
  transcript: [],
  collected: {},
  priority: 'P2',
  tier: 'L3',
  category: 'hard-ware',
  status: 'claimed',
  channel: 'slack',
  conversationKey: null,
  requesterId: 'ann',
  requesterName: 'Ann',
  assigneeId: 'bob',
  assigneeName: 'Bob',
  version: 3,
  createdAt: at,
  updatedAt: at,
  firstResponseAt: null,
  resolvedAt: null,
  closedAt: null,
  responseDueAt: null,
  resolveDueAt: null,
  satisfaction: 4,
  statusChangedAt: at,
  vendorName: 'Acme <Ltd>',
  vendorCaseRef: 'C-42',
  vendorContact: null,
};

const TYPES: TicketNotification['type'][] = [
  'opened',
  'claimed',
  'escalated',
  'waiting',
  'resumed',
  'resolved',
  'closed',
  'reopened',
  'comment',
  'rated',
  'vendor',
  'priority',
  'category',
  'reminder',
  'unclaimed',
  'nudged',
];

function notifications(): TicketNotification[] {
  const engineer = { id: 'bob', name: 'Bob', role: 'engineer' as const };
  return TYPES.flatMap((type): TicketNotification[] => {
    const base: TicketNotification = {
      type,
      ticket,
      actor: engineer,
      summary: 'Claimed by Bob',
      note: NOTE,
      previous: 'P3',
      fromTier: 'L2',
    };
    return type === 'comment'
      ? [
          { ...base, from: 'requester' as const, actor: { id: 'ann', name: 'Ann', role: 'employee' as const } },
          { ...base, from: 'engineer' as const },
        ]
      : [base, { ...base, actor: { id: 'sla', role: 'system' as const } }];
  });
}

/** The words a reader sees, markup taken away: icons, bold, escapes, quotation marks and line breaks. */
function words(text: string, markup: 'slack' | 'teams' | 'plain'): string {
  let t = text;
  if (markup !== 'plain') t = t.replace(/^\S+ /, ''); // the icon
  if (markup === 'slack')
    t = t
      .replace(/[\u200b\u2060]/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  if (markup === 'teams') t = t.replace(/\\(.)/g, '$1');
  return t
    .replace(/\*/g, '')
    .replace(/\n\s*>\s?/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function allThree(line: NewsLine): Record<'slack' | 'teams' | 'plain', string> {
  return {
    slack: words(newsMrkdwn(line), 'slack'),
    teams: words(newsMarkdown(line), 'teams'),
    plain: words(plainNews(line), 'plain'),
  };
}

describe("a ticket's news, in every chat", () => {
  it('has the same words in Slack, Teams and the local chat for every kind of change, to engineers and to the requester', () => {
    let lines = 0;
    for (const n of notifications()) {
      for (const line of [triageNews(n, 'en'), requesterNews(n, { threaded: true })]) {
        if (!line) continue;
        lines++;
        const seen = allThree(line);
        expect(seen.slack, `${n.type} (${n.actor.role})`).toBe(seen.plain);
        expect(seen.teams, `${n.type} (${n.actor.role})`).toBe(seen.plain);
      }
    }
    // Every kind but 'opened' (the card says it) and 'resumed' tells someone something.
    expect(lines).toBeGreaterThan(20);
  });

  it("keeps people's markup from acting as markup: no mention, link or bold of theirs survives", () => {
    const n = notifications().find((x) => x.type === 'resolved')!;
    const line = requesterNews(n, { threaded: true })!;
    const slack = newsMrkdwn(line);
    expect(slack).not.toContain('<@U999>');
    expect(slack).not.toMatch(/(^|[^\u200b])\*this\*/);
    const teams = newsMarkdown(line);
    expect(teams).not.toContain('[a link](http://x)');
    expect(teams).toContain('**HD-1001**');
    expect(slack).toContain('*HD-1001*');
  });

  it('names the new priority for the requester in the words of the ticket form, and keeps the reason among engineers', () => {
    const n = notifications().find((x) => x.type === 'priority')!;
    expect(plainNews(requesterNews(n, { threaded: false })!)).toBe(
      'IT set the priority of HD-1001 to P2 - High: I cannot work.',
    );
    expect(plainNews(triageNews(n, 'en')!)).toContain('> try *this*');
  });
});
