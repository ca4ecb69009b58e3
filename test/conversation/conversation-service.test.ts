import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Reply, Turn } from '../../src/core/conversation/turn.js';
import type { LiveKnowledge } from '../../src/service/live-knowledge.js';
import type { MemoryStore } from '../../src/store/memory/memory-store.js';
import { loadTestLibrary, startMemoryApp, type MemoryApp } from '../support/memory-app.js';

// The core on its in-memory ports (the Prisma stores have their own tests), the bundled knowledge
// base built once for the file: no test here reads or writes a database.
let library: LiveKnowledge;
let store: MemoryStore;
let app: MemoryApp;

beforeAll(async () => {
  library = await loadTestLibrary();
});
beforeEach(async () => {
  ({ app, store } = await startMemoryApp({ library }));
});
afterEach(async () => {
  await app.close().catch(() => {});
});

const turn = (extra: Partial<Turn>, key = 'local:ann'): Turn => ({
  conversationKey: key,
  channel: 'local',
  user: { id: 'ann', name: 'Ann' },
  ...extra,
});
const say = (text: string, key?: string) => app.conversations.handle(turn({ text }, key));
const press = (id: string, value?: string, key?: string) =>
  app.conversations.handle(turn({ action: { id, ...(value ? { value } : {}) } }, key));
const only = (replies: Reply[]) => {
  expect(replies).toHaveLength(1);
  return replies[0]!;
};

describe('ConversationService', () => {
  it('answers with the article, a link and feedback buttons, and records the question', async () => {
    const reply = only(await say('how do I reset my password'));
    expect(reply.kind).toBe('answer');
    if (reply.kind !== 'answer') return;
    expect(reply.article).toEqual({
      id: 'password-reset',
      title: 'Reset a forgotten password',
      url: 'knowledge-base/accounts/password-reset.md',
    });
    expect(reply.markdown).toContain('myaccount.example.com');
    expect(reply.choices.map((c) => c.label)).toEqual(['Helpful', 'Not helpful', 'Talk to a human']);
    const recorded = await app.store.questions.find(reply.questionId);
    expect(recorded).toMatchObject({
      outcome: 'answered',
      articleId: 'password-reset',
      text: 'how do I reset my password',
    });
    expect(recorded!.explanation).toHaveProperty('matched');

    expect(only(await press('feedback.not_helpful', reply.questionId)).markdown).toMatch(/did not help/);
    expect(only(await press('feedback.helpful', reply.questionId)).markdown).toMatch(/glad/);
    const votes = store.questions.votes();
    expect(votes).toMatchObject([{ questionId: reply.questionId, userId: 'ann', helpful: true }]);
  });

  it('offers "did you mean" choices and answers the one picked', async () => {
    const reply = only(await say('printer'));
    expect(reply.kind).toBe('suggestions');
    if (reply.kind !== 'suggestions') return;
    const pick = reply.choices[0]!;
    const answer = only(await press(pick.action.id, pick.action.value));
    expect(answer.kind).toBe('answer');
    expect(answer.kind === 'answer' && answer.article.id).toBe(pick.action.value);
    const question = store.questions.all()[0];
    expect(question).toMatchObject({ outcome: 'chosen', articleId: pick.action.value });
  });

  it('says it has no answer and offers a ticket when nothing fits', async () => {
    const reply = only(await say('purple elephants dancing'));
    expect(reply.markdown).toMatch(/don't have an answer/);
    expect(reply.choices?.map((c) => c.action.id)).toEqual(['ticket.open']);
  });

  it('says who handles a question about a topic outside IT (an outside article), keeping the ticket offer', async () => {
    const reply = only(await say('what is for lunch in the canteen today'));
    expect(reply.markdown).toMatch(/doesn't look like something IT support handles/);
    expect(reply.markdown).toContain('facilities@example.com');
    expect(reply.markdown).not.toMatch(/don't have an answer/);
    expect(reply.choices?.map((c) => c.action.id)).toEqual(['ticket.open']);
  });

  it('opens a ticket with the question and transcript, once', async () => {
    await say('my docking station makes the second screen flicker and then go black');
    const reply = only(await press('ticket.open'));
    expect(reply.kind).toBe('ticket');
    if (reply.kind !== 'ticket') return;
    expect(reply.ticket.key).toBe('HD-1001');
    const ticket = await app.tickets.get('HD-1001');
    expect(ticket.subject).toBe('my docking station makes the second screen flicker and then go black');
    expect(ticket.transcript.map((l) => l.author)).toEqual(['user', 'bot', 'user']);
    expect(ticket.requesterId).toBe('ann');
    expect(ticket.conversationKey).toBe('local:ann');
    expect(only(await say('talk to a human')).markdown).toMatch(/HD-1001 is already open/);
    expect(store.tickets.count()).toBe(1);
  });

  it('refuses forged and unknown buttons politely', async () => {
    const other = only(await say('how do I reset my password', 'local:bob'));
    const questionId = other.kind === 'answer' ? other.questionId : '';
    expect(only(await press('feedback.helpful', questionId)).markdown).toMatch(
      /expired or belongs to another conversation/,
    );
    expect(only(await press('article.show', 'password-reset')).markdown).toMatch(/expired/);
    expect(only(await press('admin.delete_everything', 'x')).markdown).toMatch(/don't know that button/);
    expect(store.questions.votes()).toHaveLength(0);
  });

  it('handles empty, greeting and oversized messages', async () => {
    expect(only(await say('   ')).markdown).toMatch(/Ask me an IT question/);
    expect(only(await say('hi!')).markdown).toMatch(/IT help bot/);
    expect(only(await say('x'.repeat(5000))).markdown).toMatch(/too long for me \(5000 characters/);
  });

  it('keeps state across a restart: a button from before the restart still works', async () => {
    const reply = only(await say('how do I reset my password'));
    const questionId = reply.kind === 'answer' ? reply.questionId : '';
    await app.close();
    // The same store under a new app: what a restart on the same database is.
    ({ app } = await startMemoryApp({ library, store }));
    expect(only(await press('feedback.helpful', questionId)).markdown).toMatch(/glad/);
    expect(only(await press('ticket.open')).kind).toBe('ticket');
    const ticket = await app.tickets.get('HD-1001');
    expect(ticket.subject).toBe('how do I reset my password');
    expect(ticket.transcript.length).toBeGreaterThanOrEqual(4);
  });

  it('answers politely, without throwing, when the database is down', async () => {
    store.down = true;
    const reply = only(await app.conversations.handle(turn({ text: 'how do I reset my password' })));
    expect(reply.markdown).toMatch(/something went wrong on my side/);
  });

  it('handles quick successive turns of one conversation in order', async () => {
    const replies = await Promise.all([
      say('how do I reset my password'),
      say('vpn keeps dropping'),
      say('how do I share my calendar'),
    ]);
    expect(replies.every((r) => r.length === 1)).toBe(true);
    const state = await app.store.conversations.load('local:ann');
    expect(state?.recentQuestionIds).toHaveLength(3);
    expect(store.conversations.allMessages()).toHaveLength(6);
  });
});
