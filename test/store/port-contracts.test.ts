/**
 * The core's ports, one contract each, run on the Prisma stores (SQLite; PostgreSQL in the postgres
 * project) and on their in-memory twins (src/store/memory), so the twins the core tests use cannot
 * drift from the database: the guarantees the core relies on (unique origins, a counter, the
 * compare-and-set on a ticket's version, idempotent records, orders) hold on both.
 * LearnedPhrasings has its own in learned-phrasings-store.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketThread } from '../../src/core/tickets/ticket-thread-store.js';
import type { NewTicket, NewTicketEvent, TicketSearch } from '../../src/core/tickets/ticket-repository.js';
import type { CorePorts } from '../../src/store/core-ports.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { onPostgres, openTestStore } from '../support/test-database.js';
import { tempDir } from '../support/test-app.js';

/** A store under test, and what a test reads beside the ports (tables the core only writes). */
interface Subject {
  ports: CorePorts;
  votes(): Promise<Array<{ questionId: string; userId: string; helpful: boolean }>>;
  rating(runId: string): Promise<number | null | undefined>;
  close(): Promise<void>;
}

async function prismaSubject(): Promise<Subject> {
  const tmp = tempDir();
  const store = await openTestStore(tmp.dir);
  return {
    ports: store,
    votes: async () =>
      (await store.prisma.feedback.findMany({ orderBy: { id: 'asc' } })).map(({ questionId, userId, helpful }) => ({
        questionId,
        userId,
        helpful,
      })),
    rating: async (id) => (await store.prisma.scriptRun.findUnique({ where: { id } }))?.rating,
    close: async () => {
      await store.close();
      tmp.cleanup();
    },
  };
}

async function memorySubject(): Promise<Subject> {
  const store = new MemoryStore();
  return {
    ports: store,
    votes: async () =>
      store.questions.votes().map(({ questionId, userId, helpful }) => ({ questionId, userId, helpful })),
    rating: async (id) => store.scriptRuns.all().find((r) => r.id === id)?.rating,
    close: () => store.close(),
  };
}

// The twins need no database: on the postgres project they would only run a second time.
const subjects: Array<[string, () => Promise<Subject>]> = onPostgres
  ? [['Prisma', prismaSubject]]
  : [
      ['Prisma', prismaSubject],
      ['Memory', memorySubject],
    ];

let unique = 0;
const uid = (prefix: string) => `${prefix}-${++unique}-${Math.random().toString(36).slice(2, 8)}`;
const at = (iso: string) => new Date(iso);

const newTicket = (extra: Partial<NewTicket> = {}): NewTicket => {
  const id = uid('t');
  return {
    id,
    key: `HD-${id}`,
    subject: 'VPN broken',
    description: 'It fails',
    question: 'vpn?',
    transcript: [{ author: 'user', text: 'vpn?', at: '2026-12-01T10:00:00.000Z' }],
    collected: { articleTried: 'vpn', nested: { ok: true } },
    priority: 'P2',
    tier: 'L1',
    category: 'network',
    status: 'new',
    channel: 'local',
    conversationKey: 'local:ann',
    requesterId: 'ann',
    requesterName: 'Ann',
    responseDueAt: at('2026-12-01T11:00:00Z'),
    resolveDueAt: at('2026-12-02T10:00:00Z'),
    statusChangedAt: at('2026-12-01T10:00:00Z'),
    ...extra,
  };
};
const created: NewTicketEvent = {
  actorId: 'ann',
  actorName: 'Ann',
  type: 'created',
  fromStatus: null,
  toStatus: 'new',
  detail: { via: 'test' },
};
const claimed: NewTicketEvent = {
  actorId: 'bob',
  actorName: 'Bob',
  type: 'assigned',
  fromStatus: 'new',
  toStatus: 'claimed',
  detail: {},
};

describe.each(subjects)('%s ports', (_name, open) => {
  let subject: Subject;
  let ports: CorePorts;
  beforeAll(async () => {
    subject = await open();
    ports = subject.ports;
  });
  afterAll(async () => {
    await subject?.close();
  });

  describe('ConversationStore', () => {
    it('saves state and transcript lines and loads them back, a copy each time', async () => {
      const key = uid('local');
      expect(await ports.conversations.load(key)).toBeNull();
      const state = { ownerId: 'ann', recentQuestionIds: ['q1'], offered: ['a', 'b'] };
      await ports.conversations.save(key, { channel: 'local', userId: 'ann' }, state, [
        { author: 'user', authorId: 'ann', text: 'hello', at: at('2026-12-01T10:00:00.123Z') },
        { author: 'bot', text: 'hi', at: at('2026-12-01T10:00:01Z') },
      ]);
      state.offered.push('changed after saving');
      const loaded = await ports.conversations.load(key);
      expect(loaded).toEqual({ ownerId: 'ann', recentQuestionIds: ['q1'], offered: ['a', 'b'] });
      loaded!.offered!.push('changed after loading');
      expect((await ports.conversations.load(key))?.offered).toEqual(['a', 'b']);
      expect(await ports.conversations.transcript(key, 10)).toEqual([
        { author: 'user', authorId: 'ann', text: 'hello', at: at('2026-12-01T10:00:00.123Z') },
        { author: 'bot', authorId: null, text: 'hi', at: at('2026-12-01T10:00:01Z') },
      ]);
    });

    it('replaces the state on the next save, appends lines, and gives the last lines oldest first', async () => {
      const key = uid('local');
      const other = uid('local');
      const line = (text: string, second: number) => ({
        author: 'user' as const,
        authorId: 'ann',
        text,
        at: at(`2026-12-01T10:00:0${second}Z`),
      });
      await ports.conversations.save(key, { channel: 'local', userId: 'ann' }, { ownerId: 'ann' }, [
        line('one', 1),
        line('two', 2),
      ]);
      await ports.conversations.save(other, { channel: 'local', userId: 'bob' }, {}, [line('elsewhere', 3)]);
      await ports.conversations.save(key, { channel: 'local', userId: 'ann' }, { ticketKey: 'HD-1' }, []);
      await ports.conversations.save(key, { channel: 'local', userId: 'ann' }, { ticketKey: 'HD-2' }, [
        line('three', 4),
      ]);
      expect(await ports.conversations.load(key)).toEqual({ ticketKey: 'HD-2' });
      expect((await ports.conversations.transcript(key, 2)).map((m) => m.text)).toEqual(['two', 'three']);
      expect((await ports.conversations.transcript(key, 50)).map((m) => m.text)).toEqual(['one', 'two', 'three']);
      expect(await ports.conversations.transcript(uid('none'), 5)).toEqual([]);
    });

    it("records the turn's questions with its state, once each: a question saved again (a delivery handled twice) keeps the first", async () => {
      const key = uid('local');
      const id = uid('q');
      const asked = {
        id,
        conversationKey: key,
        channel: 'local',
        userId: 'ann',
        text: "it's 'quoted'; -- odd: 'x' || 'y', $1 and ? are text",
        outcome: 'suggested' as const,
        articleId: null,
        confidence: 0.31,
        explanation: { candidates: [{ articleId: 'vpn-setup', title: 'Set up the VPN', score: 1.5 }] },
      };
      await ports.conversations.save(
        key,
        { channel: 'local', userId: 'ann' },
        { recentQuestionIds: [id] },
        [],
        [asked],
      );
      await ports.conversations.save(
        key,
        { channel: 'local', userId: 'ann' },
        { recentQuestionIds: [id] },
        [{ author: 'user', authorId: 'ann', text: 'again', at: at('2026-12-01T10:00:00Z') }],
        [{ ...asked, text: 'saved twice' }],
      );
      expect(await ports.questions.find(id)).toMatchObject({ ...asked, explanation: asked.explanation });
      expect((await ports.conversations.transcript(key, 5)).map((m) => m.text)).toEqual(['again']);
      // The question is there for feedback, as one recorded alone would be.
      await ports.questions.feedback(id, 'ann', true);
      expect((await subject.votes()).filter((v) => v.questionId === id)).toHaveLength(1);
    });

    it("gives the language of the person's conversation in that chat saved last with one", async () => {
      const person = uid('person');
      const save = async (key: string, state: object, channel = 'slack', userId = person) => {
        await ports.conversations.save(key, { channel, userId }, state, []);
        // Saved in a later millisecond than the one before: the database orders by its updatedAt.
        for (const start = Date.now(); Date.now() === start;);
      };
      expect(await ports.conversations.latestLanguage('slack', person)).toBeNull();
      const first = uid('slack');
      await save(first, { language: 'de' });
      await save(uid('slack'), { ownerId: person });
      // The newest conversation has no language yet: the one before it speaks for the person.
      expect(await ports.conversations.latestLanguage('slack', person)).toBe('de');
      await save(uid('slack'), { language: 'fr' });
      expect(await ports.conversations.latestLanguage('slack', person)).toBe('fr');
      // Saving an older conversation again makes it the latest.
      await save(first, { language: 'de', ticketKey: 'HD-1' });
      expect(await ports.conversations.latestLanguage('slack', person)).toBe('de');
      // Other people's and other chats' conversations say nothing of this person here.
      await save(uid('slack'), { language: 'es' }, 'slack', uid('someone'));
      await save(uid('teams'), { language: 'es' }, 'teams');
      expect(await ports.conversations.latestLanguage('slack', person)).toBe('de');
      expect(await ports.conversations.latestLanguage('teams', person)).toBe('es');
    });
  });

  describe('QuestionLog', () => {
    const question = (id: string) => ({
      id,
      conversationKey: 'local:ann',
      channel: 'local',
      userId: 'ann',
      text: 'how do I reset my password',
      outcome: 'answered' as const,
      articleId: 'password-reset',
      confidence: 0.75,
      explanation: { matched: ['reset', 'password'], candidates: [{ id: 'password-reset', score: 0.75 }] },
    });

    it('records a question once, finds it, and takes a choice', async () => {
      const id = uid('q');
      expect(await ports.questions.find(id)).toBeNull();
      await ports.questions.record(question(id));
      // A delivery handled again records the same question again: the first one stays.
      await ports.questions.record({ ...question(id), text: 'recorded twice' });
      const found = await ports.questions.find(id);
      expect(found).toMatchObject(question(id));
      expect(found?.explanation).toEqual(question(id).explanation);
      await ports.questions.choose(id, 'mfa-setup');
      expect(await ports.questions.find(id)).toMatchObject({
        outcome: 'chosen',
        articleId: 'mfa-setup',
        text: 'how do I reset my password',
      });
    });

    it('keeps one vote per user and question, the last one', async () => {
      const id = uid('q');
      await ports.questions.record(question(id));
      await ports.questions.feedback(id, 'ann', false);
      await ports.questions.feedback(id, 'bob', true);
      await ports.questions.feedback(id, 'ann', true);
      expect((await subject.votes()).filter((v) => v.questionId === id)).toEqual([
        { questionId: id, userId: 'ann', helpful: true },
        { questionId: id, userId: 'bob', helpful: true },
      ]);
    });

    it('refuses a vote on a question it never recorded', async () => {
      await expect(ports.questions.feedback(uid('q'), 'ann', true)).rejects.toThrow();
    });
  });

  describe('TicketRepository', () => {
    it('gives each caller its own next number, even at once', async () => {
      const first = await ports.tickets.nextNumber();
      const more = await Promise.all([1, 2, 3, 4, 5].map(() => ports.tickets.nextNumber()));
      expect([...more].sort((a, b) => a - b)).toEqual([first + 1, first + 2, first + 3, first + 4, first + 5]);
    });

    it('finds breaching tickets named among tens of thousands of keys (past the 999 values Prisma binds on SQLite)', async () => {
      // "Due soon" depends on each ticket's target, so the core passes those tickets by key: an
      // hour in which 40,000 tickets fall due must not turn into a refused query.
      const word = uid('breach');
      const dueBefore = at('2026-12-01T12:00:00Z');
      const later = { responseDueAt: at('2026-12-01T15:00:00Z'), resolveDueAt: at('2026-12-02T15:00:00Z') };
      const past = await ports.tickets.create(newTicket({ subject: `${word} past due` }), created);
      const named = await ports.tickets.create(newTicket({ subject: `${word} due soon`, ...later }), created);
      await ports.tickets.create(newTicket({ subject: `${word} not yet`, ...later }), created);
      const keys = [...Array.from({ length: 40_000 }, (_, i) => `HD-NONE-${i}`), named.key];
      const search = { statuses: ['new' as const], words: [word], breaching: { dueBefore, keys } };
      expect((await ports.tickets.search(search, 10)).map((t) => t.key).sort()).toEqual([past.key, named.key].sort());
      expect(await ports.tickets.countMatching(search)).toBe(2);
      const byDue = await ports.tickets.search({ ...search, orderBy: 'nextDue' }, 10);
      expect(byDue.map((t) => t.key)).toEqual([past.key, named.key]);
    });

    it("finds a ticket's event by the delivery it was made for, and nothing for another delivery or ticket", async () => {
      const ticket = await ports.tickets.create(newTicket(), created);
      const origin = uid('slack:Ev');
      const actor = {
        actorId: 'U0ENG',
        actorName: 'Erin',
        type: 'status' as const,
        fromStatus: 'new' as const,
        toStatus: 'claimed' as const,
      };
      const claimed = await ports.tickets.update(
        ticket.id,
        0,
        { status: 'claimed' },
        { ...actor, detail: { command: 'claim', origin } },
      );
      await ports.tickets.update(
        ticket.id,
        1,
        {},
        {
          ...actor,
          type: 'comment',
          fromStatus: 'claimed',
          toStatus: 'claimed',
          detail: { text: 'hi', origin: uid('other') },
        },
      );
      const found = await ports.tickets.eventByOrigin(ticket.id, origin);
      expect(found).toMatchObject({
        ticketId: ticket.id,
        type: 'status',
        toStatus: 'claimed',
        detail: { command: 'claim', origin },
      });
      expect(found).toEqual((await ports.tickets.events(ticket.id)).find((e) => e.detail.origin === origin));
      expect(claimed).not.toBeNull();
      expect(await ports.tickets.eventByOrigin(ticket.id, uid('slack:Ev'))).toBeNull();
      const other = await ports.tickets.create(newTicket(), created);
      expect(await ports.tickets.eventByOrigin(other.id, origin)).toBeNull();
    });

    it('creates a ticket at version 0 with its creation event, found by key, id and origin', async () => {
      const origin = uid('slack:Ev');
      const ticket = await ports.tickets.create(newTicket({ origin }), created);
      expect(ticket).toMatchObject({
        ...newTicket({ id: ticket.id, key: ticket.key }),
        version: 0,
        assigneeId: null,
        assigneeName: null,
        firstResponseAt: null,
        resolvedAt: null,
        closedAt: null,
        satisfaction: null,
        vendorName: null,
        vendorCaseRef: null,
        vendorContact: null,
      });
      expect(ticket.createdAt).toBeInstanceOf(Date);
      expect(ticket.updatedAt).toBeInstanceOf(Date);
      expect(await ports.tickets.findByKey(ticket.key)).toEqual(ticket);
      expect(await ports.tickets.findById(ticket.id)).toEqual(ticket);
      expect(await ports.tickets.findByOrigin(origin)).toEqual(ticket);
      expect(await ports.tickets.findByKey(uid('HD'))).toBeNull();
      expect(await ports.tickets.findByOrigin(uid('slack:Ev'))).toBeNull();
      const events = await ports.tickets.events(ticket.id);
      expect(events).toMatchObject([
        {
          ticketId: ticket.id,
          actorId: 'ann',
          actorName: 'Ann',
          type: 'created',
          fromStatus: null,
          toStatus: 'new',
          detail: { via: 'test' },
        },
      ]);
      expect(typeof events[0]!.id).toBe('number');
      expect(events[0]!.createdAt).toBeInstanceOf(Date);
    });

    it('opens one ticket per delivery: a second create with the same origin returns the first', async () => {
      const origin = uid('slack:Ev');
      const first = await ports.tickets.create(newTicket({ origin }), created);
      const second = await ports.tickets.create(newTicket({ origin, subject: 'the same delivery again' }), created);
      expect(second).toEqual(first);
      expect(await ports.tickets.events(first.id)).toHaveLength(1);
    });

    it('refuses a second ticket with a key already taken', async () => {
      const first = await ports.tickets.create(newTicket(), created);
      await expect(ports.tickets.create(newTicket({ key: first.key }), created)).rejects.toMatchObject({
        code: 'P2002',
      });
      expect(await ports.tickets.findByKey(first.key)).toEqual(first);
    });

    it('applies a change only at the expected version, with its event, and refuses a stale one', async () => {
      const ticket = await ports.tickets.create(newTicket(), created);
      const firstResponseAt = at('2026-12-01T10:05:00Z');
      const changed = await ports.tickets.update(
        ticket.id,
        0,
        { status: 'claimed', assigneeId: 'bob', assigneeName: 'Bob', firstResponseAt, tier: undefined },
        claimed,
      );
      expect(changed).toMatchObject({
        id: ticket.id,
        version: 1,
        status: 'claimed',
        assigneeId: 'bob',
        assigneeName: 'Bob',
        firstResponseAt,
        tier: 'L1',
        subject: 'VPN broken',
      });
      // Someone else's change based on version 0 lost the race.
      expect(
        await ports.tickets.update(ticket.id, 0, { status: 'resolved' }, { ...claimed, toStatus: 'resolved' }),
      ).toBeNull();
      expect(await ports.tickets.update(uid('none'), 0, { status: 'resolved' }, claimed)).toBeNull();
      expect(
        await ports.tickets.update(
          ticket.id,
          1,
          { status: 'resolved', resolvedAt: at('2026-12-01T12:00:00Z') },
          { ...claimed, fromStatus: 'claimed', toStatus: 'resolved' },
        ),
      ).toMatchObject({ version: 2, status: 'resolved' });
      expect(await ports.tickets.findById(ticket.id)).toMatchObject({
        version: 2,
        status: 'resolved',
        assigneeId: 'bob',
      });
      expect((await ports.tickets.events(ticket.id)).map((e) => [e.type, e.fromStatus, e.toStatus])).toEqual([
        ['created', null, 'new'],
        ['assigned', 'new', 'claimed'],
        ['assigned', 'claimed', 'resolved'],
      ]);
    });

    it("lists by status, requester and assignee: oldest first, a requester's newest first, up to the limit", async () => {
      const requesterId = uid('req');
      const made = [];
      for (const n of [1, 2, 3])
        made.push(await ports.tickets.create(newTicket({ key: `${requesterId}-${n}`, requesterId }), created));
      await ports.tickets.update(made[1]!.id, 0, { status: 'claimed', assigneeId: requesterId }, claimed);
      const keys = (tickets: Array<{ key: string }>) => tickets.map((t) => t.key);
      expect(keys(await ports.tickets.list({ requesterId }))).toEqual([made[2]!.key, made[1]!.key, made[0]!.key]);
      expect(keys(await ports.tickets.list({ requesterId, statuses: ['new'] }))).toEqual([made[2]!.key, made[0]!.key]);
      expect(keys(await ports.tickets.list({ requesterId, limit: 1 }))).toEqual([made[2]!.key]);
      expect(keys(await ports.tickets.list({ assigneeId: requesterId }))).toEqual([made[1]!.key]);
      const all = keys(await ports.tickets.list({ statuses: ['new'], limit: 1000 })).filter((key) =>
        key.startsWith(requesterId),
      );
      expect(all).toEqual([made[0]!.key, made[2]!.key]);
    });

    it('searches (the web queue): each filter, words in any case, the next due time, keyset pages in (createdAt, key) order, and counts', async () => {
      const category = uid('cat');
      const make = (extra: Partial<NewTicket>) => ports.tickets.create(newTicket({ category, ...extra }), created);
      const a = await make({ subject: 'Printer TONER low', priority: 'P1' });
      const b = await make({ description: 'needs toner soon', channel: 'slack' });
      const c = await make({ subject: 'VPN', responseDueAt: at('2026-12-01T09:00:00Z') });
      const d = await make({ subject: 'toner', status: 'closed' });
      await ports.tickets.update(a.id, 0, { status: 'claimed', assigneeId: 'zed', assigneeName: 'Zed Z' }, claimed);
      const open = ['new', 'claimed'] as const;
      const order = [a, b, c].sort(
        (x, y) => x.createdAt.getTime() - y.createdAt.getTime() || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0),
      );
      const keys = async (search: Partial<TicketSearch>, limit = 10) =>
        (await ports.tickets.search({ statuses: open, category, ...search }, limit)).map((t) => t.key);
      expect(await keys({})).toEqual(order.map((t) => t.key));
      expect(await keys({ statuses: ['closed'] })).toEqual([d.key]);
      expect(await keys({ words: ['toner'] })).toEqual(order.filter((t) => t !== c).map((t) => t.key));
      expect(await keys({ words: ['TONER', 'printer'] })).toEqual([a.key]);
      expect(await keys({ words: ['toner', 'vpn'] })).toEqual([b.key]); // b's subject is 'VPN broken'
      expect(await keys({ words: ['toner', 'vpn', 'printer'] })).toEqual([]);
      expect(await keys({ priority: 'P1' })).toEqual([a.key]);
      expect(await keys({ channel: 'slack' })).toEqual([b.key]);
      expect(await keys({ tier: 'L2' })).toEqual([]);
      expect(await keys({ assignee: 'Zed Z' })).toEqual([a.key]);
      expect(await keys({ assignee: 'zed' })).toEqual([a.key]);
      expect(await keys({ assignee: null })).toEqual(order.filter((t) => t !== a).map((t) => t.key));
      expect(await keys({ nextDueBefore: at('2026-12-01T10:00:00Z') })).toEqual([c.key]);
      // Opened after (not at) and at or before an instant: the lead report's backlog ages.
      const first = order[0]!.createdAt;
      const later = (t: { createdAt: Date }) => t.createdAt.getTime() > first.getTime();
      expect(await keys({ createdAfter: first })).toEqual(order.filter(later).map((t) => t.key));
      expect(await keys({ createdUntil: first })).toEqual(order.filter((t) => !later(t)).map((t) => t.key));
      expect(await keys({ createdAfter: first, createdUntil: first })).toEqual([]);
      expect(await ports.tickets.countMatching({ statuses: open, category, createdUntil: first, priority: 'P1' })).toBe(
        [a].filter((t) => !later(t)).length,
      );
      // Pages of one, each after the last row of the page before: every row once.
      const paged: string[] = [];
      let after: TicketSearch['after'];
      for (;;) {
        const page = await ports.tickets.search({ statuses: open, category, ...(after ? { after } : {}) }, 1);
        if (!page.length) break;
        paged.push(page[0]!.key);
        after = { createdAt: page[0]!.createdAt, key: page[0]!.key };
      }
      expect(paged).toEqual(order.map((t) => t.key));
      expect(await ports.tickets.countMatching({ statuses: open, category, after: after! })).toBe(3);
      expect(await ports.tickets.countMatching({ statuses: open, category, words: ['TONER'] })).toBe(2);
    });

    it('narrows by the next due time from an instant and by breaching (past due, or named), and orders by the next due time', async () => {
      const category = uid('cat');
      const make = (key: string, extra: Partial<NewTicket>) =>
        ports.tickets.create(newTicket({ category, key: `${category}-${key}`, ...extra }), created);
      // Next due: p 09:00 (response), q 11:00 (responded: resolution), r 10:00 (no response target),
      // v 10:00 (a tie with r), s none (resolved), u none (no due times).
      const p = await make('p', { responseDueAt: at('2026-12-01T09:00:00Z') });
      const q = await make('q', {
        responseDueAt: at('2026-12-01T08:00:00Z'),
        resolveDueAt: at('2026-12-01T11:00:00Z'),
      });
      const r = await make('r', { responseDueAt: null, resolveDueAt: at('2026-12-01T10:00:00Z') });
      const v = await make('v', { responseDueAt: at('2026-12-01T10:00:00Z') });
      const s = await make('s', { responseDueAt: at('2026-12-01T07:00:00Z') });
      const u = await make('u', { responseDueAt: null, resolveDueAt: null });
      await ports.tickets.update(q.id, 0, { firstResponseAt: at('2026-12-01T07:30:00Z') }, claimed);
      await ports.tickets.update(s.id, 0, { resolvedAt: at('2026-12-01T06:00:00Z'), status: 'resolved' }, claimed);
      const statuses = ['new', 'resolved'] as const;
      const keys = async (search: Partial<TicketSearch>, limit = 10) =>
        (await ports.tickets.search({ statuses, category, ...search }, limit)).map((t) => t.key);
      const inOrder = (...tickets: Array<{ key: string }>) => tickets.map((t) => t.key);
      expect(await keys({ nextDueFrom: at('2026-12-01T10:00:00Z') })).toEqual(inOrder(q, r, v));
      expect(
        await keys({ nextDueFrom: at('2026-12-01T09:00:00Z'), nextDueBefore: at('2026-12-01T10:00:00Z') }),
      ).toEqual(inOrder(p));
      // Past due before 10:00 (p), or named and unsettled (q, u; s is settled).
      const breaching = { dueBefore: at('2026-12-01T10:00:00Z'), keys: [q.key, s.key, u.key] };
      expect(await keys({ breaching })).toEqual(inOrder(p, q, u));
      expect(await ports.tickets.countMatching({ statuses, category, breaching })).toBe(3);
      expect(await keys({ breaching: { ...breaching, keys: [] } })).toEqual(inOrder(p));
      // By next due time, ties by key, those without one last (by key).
      const [first, second] = r.key < v.key ? [r, v] : [v, r];
      const none = s.key < u.key ? [s, u] : [u, s];
      expect(await keys({ orderBy: 'nextDue' })).toEqual(inOrder(p, first, second, q, ...none));
      expect(await keys({ orderBy: 'nextDue' }, 2)).toEqual(inOrder(p, first));
      expect(await keys({ orderBy: 'nextDue', breaching })).toEqual(inOrder(p, q, u));
    });

    it('gives settled (resolved and closed) tickets for triage to learn from, the most recently changed first, up to the limit', async () => {
      // Its own store: settled tickets are every resolved or closed one in it.
      const own = await open();
      try {
        const repo = own.ports.tickets;
        const make = async (key: string, status: 'new' | 'resolved' | 'closed', category: string) => {
          const ticket = await repo.create(newTicket({ key }), created);
          if (status === 'new') return ticket;
          await new Promise((resolve) => setTimeout(resolve, 5));
          return (await repo.update(
            ticket.id,
            0,
            { status, category, priority: 'P1', tier: 'L2' },
            { ...claimed, toStatus: status },
          ))!;
        };
        await make('HD-S1', 'resolved', 'network');
        await make('HD-S2', 'new', 'email');
        await make('HD-S3', 'closed', 'security');
        expect(await repo.settled(10)).toMatchObject([
          { key: 'HD-S3', status: 'closed', category: 'security', priority: 'P1', tier: 'L2' },
          { key: 'HD-S1', status: 'resolved', category: 'network' },
        ]);
        expect((await repo.settled(1)).map((t) => t.key)).toEqual(['HD-S3']);
        expect(await repo.settled(0)).toEqual([]);
      } finally {
        await own.close();
      }
    });

    it('pages open tickets on which a timer may be due, oldest first', async () => {
      // Its own store: the candidates are every open ticket in it.
      const own = await open();
      try {
        const repo = own.ports.tickets;
        const now = at('2026-12-01T12:00:00Z');
        const make = async (key: string, extra: Partial<NewTicket>) => {
          const ticket = await repo.create(
            newTicket({
              key,
              responseDueAt: null,
              resolveDueAt: null,
              statusChangedAt: at('2026-12-01T11:59:00Z'),
              ...extra,
            }),
            created,
          );
          await new Promise((resolve) => setImmediate(resolve));
          return ticket;
        };
        const due = await make('A-due', { responseDueAt: at('2026-12-01T11:00:00Z') });
        await make('B-quiet', {});
        const resolveDue = await make('C-resolve', { resolveDueAt: now });
        const neverChanged = await make('D-never', { statusChangedAt: null });
        const idle = await make('E-idle', { statusChangedAt: at('2026-12-01T08:00:00Z') });
        const closed = await make('F-closed', { responseDueAt: at('2026-12-01T09:00:00Z') });
        await repo.update(closed.id, 0, { status: 'closed' }, { ...claimed, toStatus: 'closed' });
        const query = { dueBefore: now, changedBefore: at('2026-12-01T10:00:00Z') };
        const all = await repo.timerCandidates({ ...query, offset: 0, limit: 10 });
        expect(all.map((t) => t.key).sort()).toEqual([due.key, resolveDue.key, neverChanged.key, idle.key].sort());
        const pages = [
          ...(await repo.timerCandidates({ ...query, offset: 0, limit: 2 })),
          ...(await repo.timerCandidates({ ...query, offset: 2, limit: 2 })),
        ];
        expect(pages.map((t) => t.id)).toEqual(all.map((t) => t.id));
        expect(await repo.timerCandidates({ ...query, offset: 4, limit: 2 })).toEqual([]);
      } finally {
        await own.close();
      }
    });
  });

  describe('TicketThreadStore and AddressBook', () => {
    it("records each place once and finds it, a ticket's places oldest first", async () => {
      const ticket = await ports.tickets.create(newTicket(), created);
      const triage: TicketThread = {
        ticketKey: ticket.key,
        channel: 'slack',
        role: 'triage',
        address: 'C-TRIAGE',
        threadId: uid('ts'),
        tier: 'L1',
      };
      const requester: TicketThread = {
        ticketKey: ticket.key,
        channel: 'slack',
        role: 'requester',
        address: 'D-ANN',
        threadId: uid('ts'),
        tier: null,
      };
      await ports.ticketThreads.add(triage);
      await ports.ticketThreads.add(requester);
      await ports.ticketThreads.add({ ...triage, tier: 'L2' });
      expect(await ports.ticketThreads.ofTicket(ticket.key)).toEqual([triage, requester]);
      expect(await ports.ticketThreads.find('slack', 'D-ANN', requester.threadId)).toEqual(requester);
      expect(await ports.ticketThreads.find('teams', 'D-ANN', requester.threadId)).toBeNull();
      expect(await ports.ticketThreads.ofTicket(uid('HD'))).toEqual([]);
    });

    it('keeps the last reference of a conversation', async () => {
      const key = uid('teams');
      expect(await ports.addresses.get(key)).toBeNull();
      await ports.addresses.put(key, 'teams', { serviceUrl: 'https://one.example', conversation: { id: 'a' } });
      await ports.addresses.put(key, 'teams', { serviceUrl: 'https://two.example' });
      expect(await ports.addresses.get(key)).toEqual({ serviceUrl: 'https://two.example' });
    });
  });

  describe('ScriptRunLog', () => {
    const run = (id: string, outcome: 'resolved' | 'escalated') => ({
      id,
      conversationKey: 'local:ann',
      scriptId: 'vpn',
      outcome,
      path: ['start', 'check'],
      collected: { portal: 'ok' },
      ticketKey: null,
      startedAt: at('2026-12-01T10:00:00Z'),
    });

    it('rates resolved runs only, a new rating replacing the old', async () => {
      const resolved = uid('run');
      const escalated = uid('run');
      await ports.scriptRuns.record(run(resolved, 'resolved'));
      await ports.scriptRuns.record(run(escalated, 'escalated'));
      expect(await subject.rating(resolved)).toBeNull();
      expect(await ports.scriptRuns.rate(resolved, 4)).toBe(true);
      expect(await ports.scriptRuns.rate(resolved, 5)).toBe(true);
      expect(await subject.rating(resolved)).toBe(5);
      expect(await ports.scriptRuns.rate(escalated, 5)).toBe(false);
      expect(await subject.rating(escalated)).toBeNull();
      expect(await ports.scriptRuns.rate(uid('run'), 5)).toBe(false);
    });
  });

  describe('TimerClaims', () => {
    const minutes = (n: number) => new Date(Date.UTC(2026, 11, 1, 10, n));
    const lease = 5 * 60_000;

    it('lets one owner fire a timer, another take over a claim past its lease, and none after it is done', async () => {
      const timer = { key: uid('timer'), ticketId: 't1', kind: 'reminder' as const };
      expect(await ports.timerClaims.claim(timer, 'one', minutes(0), lease)).toBe('mine');
      expect(await ports.timerClaims.claim(timer, 'two', minutes(4), lease)).toBe('busy');
      expect(await ports.timerClaims.claim(timer, 'two', minutes(6), lease)).toBe('taken-over');
      expect(await ports.timerClaims.claim(timer, 'three', minutes(8), lease)).toBe('busy');
      // The first owner's late "done" is not its to give any more.
      await ports.timerClaims.done(timer.key, 'one', minutes(9));
      expect(await ports.timerClaims.claim(timer, 'three', minutes(20), lease)).toBe('taken-over');
      await ports.timerClaims.done(timer.key, 'three', minutes(21));
      expect(await ports.timerClaims.claim(timer, 'four', minutes(40), lease)).toBe('done');
    });

    it('lists unfinished claims oldest first and prunes finished ones', async () => {
      const own = await open();
      try {
        const claims = own.ports.timerClaims;
        const timer = (key: string) => ({ key, ticketId: 't', kind: 'nudge' as const });
        await claims.claim(timer('late'), 'a', minutes(3), lease);
        await claims.claim(timer('early'), 'a', minutes(1), lease);
        await claims.claim(timer('fresh'), 'a', minutes(30), lease);
        await claims.claim(timer('finished'), 'a', minutes(2), lease);
        await claims.done('finished', 'a', minutes(2));
        expect(await claims.stale(minutes(10), 10)).toEqual([
          { key: 'early', ticketId: 't', kind: 'nudge' },
          { key: 'late', ticketId: 't', kind: 'nudge' },
        ]);
        expect(await claims.stale(minutes(10), 1)).toEqual([{ key: 'early', ticketId: 't', kind: 'nudge' }]);
        expect(await claims.prune(minutes(2))).toBe(0);
        expect(await claims.prune(minutes(3))).toBe(1);
        expect(await claims.claim(timer('finished'), 'b', minutes(40), lease)).toBe('mine');
      } finally {
        await own.close();
      }
    });
  });

  describe('AlertGroupStore', () => {
    it('finds nothing for an unknown group, and gives back what was saved, replaced whole on the next save', async () => {
      const key = uid('alertmanager');
      expect(await ports.alertGroups.find(key)).toBeNull();
      const first = {
        key,
        source: 'alertmanager',
        groupKey: '{}:{alertname="DiskFull"}',
        ticketKey: 'HD-1001',
        status: 'firing' as const,
        firing: ['a1', 'b2'],
        repeats: 0,
        openedAt: new Date(Date.UTC(2026, 11, 4, 9, 0)),
        updatedAt: new Date(Date.UTC(2026, 11, 4, 9, 0)),
      };
      await ports.alertGroups.save(first);
      expect(await ports.alertGroups.find(key)).toEqual(first);
      const second = {
        ...first,
        status: 'resolved' as const,
        firing: [],
        repeats: 3,
        updatedAt: new Date(Date.UTC(2026, 11, 4, 9, 30)),
      };
      await ports.alertGroups.save(second);
      expect(await ports.alertGroups.find(key)).toEqual(second);
    });
  });
  describe('WebSignInStore', () => {
    const person = { channel: 'slack', id: 'U0ANN0001', name: 'Ann <script>', role: 'engineer' as const };

    it('uses a link once, before it expires: a second use, an expired or an unknown link give null', async () => {
      const id = uid('link');
      await ports.webSignIns.saveLink({ id, person, expiresAt: at('2026-12-04T10:10:00Z') });
      expect(await ports.webSignIns.useLink(id, at('2026-12-04T10:00:00Z'))).toEqual(person);
      expect(await ports.webSignIns.useLink(id, at('2026-12-04T10:00:01Z'))).toBeNull();
      const late = uid('link');
      await ports.webSignIns.saveLink({ id: late, person, expiresAt: at('2026-12-04T10:10:00Z') });
      expect(await ports.webSignIns.useLink(late, at('2026-12-04T10:10:00Z'))).toBeNull();
      expect(await ports.webSignIns.useLink(uid('link'), at('2026-12-04T10:00:00Z'))).toBeNull();
    });

    it("keeps the zone the person's chat gave with the link and its session", async () => {
      const id = uid('link');
      const withZone = { ...person, timeZone: 'Europe/Paris' };
      await ports.webSignIns.saveLink({ id, person: withZone, expiresAt: at('2026-12-04T10:10:00Z') });
      expect(await ports.webSignIns.useLink(id, at('2026-12-04T10:00:00Z'))).toEqual(withZone);
      const session = {
        id: uid('session'),
        person: withZone,
        csrf: 'z'.repeat(32),
        expiresAt: at('2026-12-04T18:00:00Z'),
      };
      await ports.webSignIns.saveSession(session);
      expect(await ports.webSignIns.findSession(session.id, at('2026-12-04T10:00:00Z'))).toEqual(session);
    });

    it("keeps the language of the person's conversation with the link and its session", async () => {
      const id = uid('link');
      const withLanguage = { ...person, timeZone: 'Europe/Berlin', language: 'de' };
      await ports.webSignIns.saveLink({ id, person: withLanguage, expiresAt: at('2026-12-04T10:10:00Z') });
      expect(await ports.webSignIns.useLink(id, at('2026-12-04T10:00:00Z'))).toEqual(withLanguage);
      const session = {
        id: uid('session'),
        person: withLanguage,
        csrf: 'l'.repeat(32),
        expiresAt: at('2026-12-04T18:00:00Z'),
      };
      await ports.webSignIns.saveSession(session);
      expect(await ports.webSignIns.findSession(session.id, at('2026-12-04T10:00:00Z'))).toEqual(session);
      // Without one, none comes back (not null, not the default).
      const plain = uid('link');
      await ports.webSignIns.saveLink({ id: plain, person, expiresAt: at('2026-12-04T10:10:00Z') });
      expect(await ports.webSignIns.useLink(plain, at('2026-12-04T10:00:00Z'))).not.toHaveProperty('language');
    });

    it('lets exactly one of several simultaneous uses of a link win', async () => {
      const id = uid('link');
      await ports.webSignIns.saveLink({ id, person, expiresAt: at('2026-12-04T10:10:00Z') });
      const results = await Promise.all(
        Array.from({ length: 6 }, () => ports.webSignIns.useLink(id, at('2026-12-04T10:01:00Z'))),
      );
      expect(results.filter((r) => r !== null)).toEqual([person]);
    });

    it('finds a session until it expires or ends, and prunes what expired', async () => {
      const id = uid('session');
      const session = {
        id,
        person: { ...person, role: 'employee' as const, name: null },
        csrf: 'c'.repeat(32),
        expiresAt: at('2026-12-04T18:00:00Z'),
      };
      await ports.webSignIns.saveSession(session);
      expect(await ports.webSignIns.findSession(id, at('2026-12-04T10:00:00Z'))).toEqual(session);
      expect(await ports.webSignIns.findSession(id, at('2026-12-04T18:00:00Z'))).toBeNull();
      expect(await ports.webSignIns.findSession(uid('session'), at('2026-12-04T10:00:00Z'))).toBeNull();
      const ended = uid('session');
      await ports.webSignIns.saveSession({ ...session, id: ended });
      await ports.webSignIns.endSession(ended);
      expect(await ports.webSignIns.findSession(ended, at('2026-12-04T10:00:00Z'))).toBeNull();
      expect(await ports.webSignIns.prune(at('2026-12-04T18:00:00Z'))).toBeGreaterThanOrEqual(1);
      await ports.webSignIns.saveSession({ ...session, id: uid('session'), expiresAt: at('2026-12-04T19:00:00Z') });
      expect(await ports.webSignIns.findSession(id, at('2026-12-04T09:00:00Z'))).toBeNull();
    });
  });

  describe('PostLog', () => {
    it('begins once, keeps whole seconds, and moves only from the time it holds', async () => {
      const name = uid('post');
      expect(await ports.postLog.last(name)).toBeNull();
      await ports.postLog.begin(name, at('2026-12-01T10:00:00.900Z'));
      await ports.postLog.begin(name, at('2026-12-02T10:00:00Z')); // a second process's start changes nothing
      expect(await ports.postLog.last(name)).toEqual(at('2026-12-01T10:00:00Z'));
      expect(await ports.postLog.last(uid('post'))).toBeNull();
      expect(await ports.postLog.move(name, at('2026-11-30T10:00:00Z'), at('2026-12-08T10:00:00Z'))).toBe(false);
      expect(await ports.postLog.move(name, at('2026-12-01T10:00:00Z'), at('2026-12-08T10:00:01.500Z'))).toBe(true);
      expect(await ports.postLog.last(name)).toEqual(at('2026-12-08T10:00:01Z'));
      // Given back (the post failed): the old time again.
      expect(await ports.postLog.move(name, at('2026-12-08T10:00:01Z'), at('2026-12-01T10:00:00Z'))).toBe(true);
      expect(await ports.postLog.last(name)).toEqual(at('2026-12-01T10:00:00Z'));
    });

    it('lets exactly one of several simultaneous moves from the same time win, and one of several begins stand', async () => {
      const name = uid('post');
      const starts = ['2026-12-01T10:00:00Z', '2026-12-01T10:00:05Z', '2026-12-01T10:00:09Z'].map(at);
      await Promise.all(starts.map((start) => ports.postLog.begin(name, start)));
      const begun = await ports.postLog.last(name);
      expect(starts).toContainEqual(begun);
      const moves = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          ports.postLog.move(name, begun!, new Date(Date.UTC(2026, 11, 8, 10, 0, i))),
        ),
      );
      expect(moves.filter(Boolean)).toHaveLength(1);
    });
  });
});
