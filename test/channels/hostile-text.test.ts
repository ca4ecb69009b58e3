import { describe, expect, it } from 'vitest';
import { cleanTurn, cleanUserText, cutText } from '../../src/core/conversation/user-text.js';
import { messagesFor } from '../../src/core/messages/catalogue.js';
import { ticketCard } from '../../src/core/conversation/conversation-service.js';
import { SlaPolicy } from '../../src/core/tickets/sla-policy.js';
import { validateTicketForm } from '../../src/core/tickets/ticket-form.js';
import type { Ticket } from '../../src/core/tickets/ticket.js';
import { triageCard } from '../../src/core/tickets/triage-card.js';
import {
  homeView,
  renderReply,
  ticketActionModal,
  ticketFormModal,
  triageCardMessage,
} from '../../src/channels/slack/block-kit.js';
import { clip, escapeMrkdwn } from '../../src/channels/slack/mrkdwn.js';
import { slackTextToPlain } from '../../src/channels/slack/slack-text.js';
import { replyCard, ticketFormCard, ticketListCard, triageCardJson } from '../../src/channels/teams/adaptive-cards.js';
import { clipText, teamsTextToPlain } from '../../src/channels/teams/card-text.js';
import {
  BIDI_OR_CONTROL,
  HOSTILE_INVISIBLE,
  HOSTILE_MARKUP,
  LONE_SURROGATE,
  renderedStrings,
  slackHazards,
  teamsHazards,
} from '../support/hostile-text.js';

const EMOJI = '😀';
const FAMILY = '👨‍👩‍👧';
const FLAG = '🇬🇧';
const THUMB = '👍🏽';

/** A ticket whose every free-text field is hostile, as the core would hold it (cleaned on the way in). */
function hostileTicket(overrides: Partial<Ticket> = {}): Ticket {
  const text = cleanUserText(`${HOSTILE_MARKUP} ${HOSTILE_INVISIBLE}`);
  const now = new Date('2026-03-02T10:00:00Z');
  return {
    id: 't1',
    key: 'HD-1001',
    subject: cutText(text, 120),
    description: `Question: ${text}\n*bold* _it_ ~s~ \`code\``,
    question: text,
    transcript: [],
    collected: {},
    priority: 'P2',
    tier: 'L4',
    category: '<!channel> category',
    status: 'claimed',
    channel: 'slack',
    conversationKey: 'slack:T1:D1:1700.1',
    requesterId: 'U0EMPLOYEE1',
    requesterName: '<!here> Mallory [me](https://evil.example)',
    assigneeId: 'aad-engineer',
    assigneeName: '<@U0BOSS0001> Eve',
    version: 1,
    createdAt: now,
    updatedAt: now,
    firstResponseAt: null,
    resolvedAt: null,
    closedAt: null,
    responseDueAt: new Date('2026-03-02T11:00:00Z'),
    resolveDueAt: new Date('2026-03-02T18:00:00Z'),
    satisfaction: null,
    statusChangedAt: now,
    vendorName: '<https://evil.example|Acme>',
    vendorCaseRef: '<!everyone>',
    vendorContact: '[call us](https://evil.example)',
    ...overrides,
  } as Ticket;
}

describe('user text as the core keeps it', () => {
  it('loses control and bidi-override characters, keeps tabs, newlines, marks and emoji', () => {
    expect(cleanUserText(HOSTILE_INVISIBLE)).toBe('invoicetxt.exe hidden [2Jdone');
    expect(cleanUserText('a\tb\r\nc\rd\u2028e')).toBe('a\tb\nc\nd\ne');
    // Right-to-left writers need the marks; they cannot reorder a run of text.
    expect(cleanUserText('שלום\u200F!\u200E')).toBe('שלום\u200F!\u200E');
    expect(cleanUserText(`${FAMILY} ${FLAG} ${THUMB} e\u0301`)).toBe(`${FAMILY} ${FLAG} ${THUMB} e\u0301`);
    expect(cleanUserText('half \uD83D and \uDE00')).toBe('half \uFFFD and \uFFFD');
  });

  it("cleans a turn where it enters the core: its text, form fields and the sender's name", () => {
    const turn = cleanTurn({
      conversationKey: 'k',
      channel: 'slack',
      user: { id: 'U1', name: 'Eve\u202E' },
      text: 'hi\u0007',
      form: { fields: { subject: 'VPN\u2066 down', description: undefined } },
    });
    expect(turn).toEqual({
      conversationKey: 'k',
      channel: 'slack',
      user: { id: 'U1', name: 'Eve' },
      text: 'hi',
      form: { fields: { subject: 'VPN down', description: undefined } },
    });
    const form = validateTicketForm(
      {
        subject: '\u202E\u202E\u202E\u202E\u202E\u0007',
        description: 'x'.repeat(20),
        priority: 'P3',
        category: 'general',
      },
      ['general'],
      messagesFor('en'),
    );
    expect(form.ok).toBe(false);
    expect(slackTextToPlain('a\u202Eb &lt;!channel&gt;')).toBe('ab <!channel>');
    expect(teamsTextToPlain('a\u2067b &lt;at&gt;x&lt;/at&gt;')).toBe('ab <at>x</at>');
  });

  it('is cut between characters as a reader sees them, never inside an emoji', () => {
    const pad = 'a'.repeat(9);
    expect(cutText(`${pad}${EMOJI}b`, 10)).toBe(pad);
    expect(cutText(`${pad}${EMOJI}b`, 11)).toBe(`${pad}${EMOJI}`);
    expect(cutText(`ab${FAMILY}c`, 6)).toBe('ab');
    expect(cutText(`ab${FLAG}c`, 4)).toBe('ab');
    expect(cutText(`ab${THUMB}c`, 5)).toBe('ab');
    expect(cutText('abe\u0301f', 3)).toBe('ab');
    // One cluster longer than the limit: cut between code points rather than lose everything.
    const zalgo = `${EMOJI}${'\u0301'.repeat(30)}`;
    expect(cutText(zalgo, 10)).toBe(zalgo.slice(0, 10));
    expect(cutText(`${EMOJI.repeat(20)}`, 7)).toBe(EMOJI.repeat(3));
    for (let max = 1; max < 30; max++)
      expect(LONE_SURROGATE.test(cutText(`x${FAMILY}${FLAG}${THUMB}${EMOJI}${FAMILY}`, max))).toBe(false);
    expect(cutText('ab\r\ncd', 3)).toBe('ab');
  });

  it('is cut where segmenting says, also where it skips segmenting between two ASCII characters', () => {
    // Every cut of mixed text, against the grapheme segmenter's own boundaries (as cutText segments).
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    const segmented = (text: string, max: number) => {
      if (text.length <= max) return text;
      let boundary = 0;
      for (const { index, segment } of segmenter.segment(text.slice(0, max + 2))) {
        if (index + segment.length > max) break;
        boundary = index + segment.length;
      }
      if (boundary > 0) return text.slice(0, boundary);
      return text.slice(0, /[\uD800-\uDBFF]/.test(text[max - 1] ?? '') ? max - 1 : max);
    };
    // ASCII, CR LF, an accent, emoji sequences, a keycap, a Prepend before a digit, Hangul jamo.
    const pieces = ['a', 'b', ' ', '1', '#', '\r', '\n', '\r\n', 'e\u0301', EMOJI, FAMILY, FLAG, THUMB];
    pieces.push('#\uFE0F\u20E3', '\u06001', '\u1100\u1161', '\u200D', '\u0301');
    let seed = 21;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let n = 0; n < 200; n++) {
      const text = Array.from({ length: 12 }, () => pieces[next() % pieces.length]).join('');
      for (let max = 1; max <= text.length; max++) expect(cutText(text, max)).toBe(segmented(text, max));
    }
  });
});

describe('Slack: user text in everything it renders', () => {
  const sla = new SlaPolicy();

  it('escapes every mrkdwn string of the triage card, its fallback text included', () => {
    const message = triageCardMessage(triageCard(hostileTicket(), sla, 'en'));
    expect(slackHazards(message)).toEqual([]);
    expect(message.text).toContain('&lt;!channel&gt;');
    expect(message.text).toContain('&lt;https://evil.example|click here&gt;');
    // The header is plain_text: shown as typed, never parsed.
    expect(JSON.stringify(message.blocks[0])).toContain('"type":"plain_text"');
  });

  it("shows triage's prediction on the card, escaped like the rest (its reasons quote the ticket's words)", () => {
    const triage = {
      predicted: { category: '<!channel>', priority: 'P1', tier: 'L2' },
      confidence: { category: 0.9, priority: 0.8, tier: 0.5 },
      applied: ['priority'],
      why: [HOSTILE_MARKUP, 'nearest article: Printer'],
    };
    const card = triageCard(hostileTicket({ collected: { triage } }), sla, 'en');
    const message = triageCardMessage(card);
    expect(slackHazards(message)).toEqual([]);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain('Predicted: &lt;!channel&gt; 90%, P1 80%, L2 50% (taken: priority)');
    expect(shown).toContain('nearest article: Printer');
    const teams = triageCardJson(card, []);
    expect(teamsHazards(teams)).toEqual([]);
    expect(JSON.stringify(teams)).toContain('P1 80%');
  });

  it('escapes replies, App Home, the action modals and the ticket form', () => {
    const ticket = hostileTicket();
    // The core's own markdown may link; the words in it that came from people must not.
    const markdown = `HD-1001 is already claimed by ${HOSTILE_MARKUP.replace(/\[reset\]\([^)]*\)/, '')}`;
    const payloads: unknown[] = [
      renderReply({ kind: 'text', markdown }),
      renderReply({ kind: 'ticket', markdown, ticket: ticketCard(ticket) }),
      homeView({
        mine: [ticket],
        queue: { breachingSoon: [ticket], unclaimed: [hostileTicket({ assigneeId: null })], mine: [ticket] },
        newTicketAction: 'home.new',
        language: 'en',
        engineersLanguage: 'en',
      }),
      ...(['escalation', 'vendor', 'resolution', 'assignee', 'comment', 'reason'] as const).map((kind) =>
        ticketActionModal({ kind, ticket, metadata: { kind: 'x' }, language: 'en' }),
      ),
      ticketFormModal({
        categories: ['general', '<!channel>'],
        subject: ticket.subject,
        description: ticket.description,
        metadata: { kind: 'ticket.form', language: 'en' },
      }),
    ];
    for (const payload of payloads) expect(slackHazards(payload)).toEqual([]);
    // What the person typed comes back as typed in a field they edit.
    expect(JSON.stringify(payloads.at(-1))).toContain('"initial_value":"<!channel>');
  });

  it('cuts fallback text and sections without breaking an emoji, an entity or a mention', () => {
    const long = `${'a'.repeat(298)}${EMOJI}${'b'.repeat(50)}`;
    const reply = renderReply({ kind: 'text', markdown: long });
    expect(reply.text).toBe(`${'a'.repeat(298)}…`);
    expect(LONE_SURROGATE.test(JSON.stringify(reply))).toBe(false);
    expect(clip(`${'a'.repeat(20)}&amp;${'b'.repeat(20)}`, 24)).toBe(`${'a'.repeat(20)}…`);
    expect(clip(`${'a'.repeat(20)}<@U0ENGINEER1> ok`, 26)).toBe(`${'a'.repeat(20)}…`);
    // A plain "<" in text is not a token: clipping keeps the text before the cut.
    expect(clip(`a < b ${'c'.repeat(40)}`, 20)).toBe(`a < b ${'c'.repeat(13)}…`);
    expect(escapeMrkdwn('@here and @channel')).not.toMatch(/@(here|channel)\b/);
  });
});

describe('Teams: user text in every card', () => {
  const sla = new SlaPolicy();
  const engineers = [{ id: 'aad-engineer', name: 'Erin' }];

  it('escapes the triage card, replies, the ticket list and form errors, so no link or mention is made', () => {
    const ticket = hostileTicket({ channel: 'teams' });
    const payloads: unknown[] = [
      triageCardJson(triageCard(ticket, sla, 'en'), engineers),
      replyCard({ kind: 'ticket', markdown: 'Your ticket HD-1001 is already open.', ticket: ticketCard(ticket) }),
      ticketListCard([ticket], { breachingSoon: [ticket], unclaimed: [ticket], mine: [ticket] }, 'en', 'en'),
      ticketFormCard({
        categories: ['general'],
        language: 'en',
        values: { subject: ticket.subject },
        errors: { subject: HOSTILE_MARKUP },
      }),
    ];
    for (const payload of payloads) expect(teamsHazards(payload)).toEqual([]);
    expect(JSON.stringify(payloads[0])).toContain('\\\\[reset\\\\]\\\\(https://evil.example\\\\)');
    for (const payload of payloads)
      expect(renderedStrings(payload).some(({ value }) => BIDI_OR_CONTROL.test(value))).toBe(false);
  });

  it('cuts card text without breaking an emoji', () => {
    expect(clipText(`${'a'.repeat(8)}${EMOJI}c`, 10)).toBe(`${'a'.repeat(8)}…`);
    expect(clipText(`ab${FAMILY}`, 6)).toBe('ab…');
    const card = ticketListCard([hostileTicket({ subject: `${'s'.repeat(78)}${EMOJI}tail` })], null, 'en', 'en');
    expect(LONE_SURROGATE.test(JSON.stringify(card))).toBe(false);
  });
});
