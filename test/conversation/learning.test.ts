import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reply, Turn } from '../../src/core/conversation/turn.js';
import type { MemoryStore } from '../../src/store/memory/memory-store.js';
import { startMemoryApp, type MemoryApp } from '../support/memory-app.js';

// The core on its in-memory ports. Each test builds its own knowledge base: what one test teaches
// the engine must not answer in the next.
let app: MemoryApp;
let store: MemoryStore;

beforeEach(async () => {
  ({ app, store } = await startMemoryApp());
});
afterEach(async () => {
  // A rebuild the learner started must finish before the store goes.
  await app.knowledge.reload().catch(() => {});
  await app.close().catch(() => {});
});

const turn = (user: string, extra: Partial<Turn>): Turn => ({
  conversationKey: `local:${user}`,
  channel: 'local',
  user: { id: user },
  ...extra,
});
const say = async (user: string, text: string) => only(await app.conversations.handle(turn(user, { text })));
const press = async (user: string, id: string, value?: string, key = `local:${user}`) =>
  only(
    await app.conversations.handle({
      ...turn(user, { action: { id, ...(value ? { value } : {}) } }),
      conversationKey: key,
    }),
  );
const only = (replies: Reply[]) => {
  expect(replies).toHaveLength(1);
  return replies[0]!;
};
/** Waits for a rebuild the learner started (reloads run one at a time). */
const settled = () => app.knowledge.reload();

describe('learning from use, through the conversation', () => {
  // The questions below sit in the "did you mean" band of the lexical engine at its shipped
  // thresholds (0.3 / 0.08 with the bundled outside topics), so that a few phrasings more or a refit
  // do not move them out of it: 'need a loaner while mine is fixed' 0.28 (laptop-broken first), 'pw
  // forgotten, ann@example.com' 0.17 (password-reset first), 'pc became sluggish' 0.23 (laptop-slow
  // first). If one leaves the band, choose another from the engine's output (kb:eval, an engine's
  // ask), never from the gate file.
  it('answers outright a question that three askers confirmed by picking a "did you mean" choice', async () => {
    const question = 'need a loaner while mine is fixed';
    const first = await say('ann', question);
    expect(first.kind).toBe('suggestions');
    for (const user of ['ann', 'bob', 'cat']) {
      const offered = user === 'ann' ? first : await say(user, question);
      const pick = offered.choices!.find((c) => c.action.value === 'laptop-broken')!;
      expect((await press(user, pick.action.id, pick.action.value)).kind).toBe('answer');
      if (user === 'bob') {
        await settled();
        expect((await say('dan', question)).kind).toBe('suggestions');
      }
    }
    await settled();
    const learnt = await say('eve', question);
    expect(learnt.kind === 'answer' && learnt.article.id).toBe('laptop-broken');
    const rows = store.learned.all();
    expect(rows).toMatchObject([
      { articleId: 'laptop-broken', text: question, askers: 3, notHelpful: 0, status: 'pending' },
    ]);
    // Who asked is never stored: only hashes salted with the phrasing.
    const votes = store.learned.votes();
    expect(votes).toHaveLength(3);
    expect(JSON.stringify(votes)).not.toMatch(/ann|bob|cat/);
  });

  it('counts Helpful, and "not helpful" against; the same person voting again counts once; another person pressing the asker\'s button teaches nothing', async () => {
    const question = 'laptop fan is super loud';
    const answer = await say('ann', question);
    expect(answer.kind).toBe('answer');
    if (answer.kind !== 'answer') return;
    await press('ann', 'feedback.helpful', answer.questionId);
    await press('ann', 'feedback.helpful', answer.questionId);
    // Bob in Ann's conversation (a shared thread): his press is recorded as feedback but is not the asker's.
    await press('bob', 'feedback.helpful', answer.questionId, 'local:ann');
    expect(store.learned.all()).toMatchObject([
      { articleId: answer.article.id, askers: 1, confirmations: 2, notHelpful: 0 },
    ]);
    const other = await say('bob', question);
    if (other.kind !== 'answer') throw new Error('expected an answer');
    await press('bob', 'feedback.not_helpful', other.questionId);
    expect(store.learned.all()).toMatchObject([{ askers: 1, notHelpful: 1 }]);
  });

  it('does not store a question with personal data in it', async () => {
    const offered = await say('ann', 'pw forgotten, ann@example.com');
    expect(offered.kind).toBe('suggestions');
    const pick = offered.choices![0]!;
    const answer = await press('ann', pick.action.id, pick.action.value);
    if (answer.kind !== 'answer') throw new Error(`expected an answer, got ${answer.kind}`);
    await press('ann', 'feedback.helpful', answer.questionId);
    expect(store.learned.all().length).toBe(0);
  });

  it('counts a guided script the asker resolved as a confirmation of the article that offered it', async () => {
    await app.close();
    ({ app, store } = await startMemoryApp({ env: { CHECK_VPN_PORTAL_URL: 'data:text/plain,ok' } }));
    const all = (replies: Reply[]) => replies.flatMap((r) => r.choices ?? []);
    const pressAll = async (replies: Reply[], label: string) => {
      const choice = all(replies).find((c) => c.label === label);
      if (!choice)
        throw new Error(
          `no "${label}" among ${all(replies)
            .map((c) => c.label)
            .join(', ')}`,
        );
      return app.conversations.handle(turn('sam', { action: choice.action }));
    };
    const answer = await app.conversations.handle(
      turn('sam', { text: 'globalprotect keeps saying authentication failed' }),
    );
    const started = await pressAll(answer, 'Walk me through it');
    const symptom = await pressAll(started, 'Yes, websites open');
    const refresh = await pressAll(symptom, 'Stuck on Connecting');
    expect(store.learned.all().length).toBe(0);
    await pressAll(refresh, 'Yes, connected');
    expect(store.learned.all()).toMatchObject([
      { articleId: 'vpn-troubleshooting', text: 'globalprotect keeps saying authentication failed', askers: 1 },
    ]);
  });

  it('counts a script that the words started (the bot unsure) and the asker resolved, for the "did you mean" article that offers it', async () => {
    const all = (replies: Reply[]) => replies.flatMap((r) => r.choices ?? []);
    const pressLabel = async (replies: Reply[], label: string) =>
      app.conversations.handle(turn('sam', { action: all(replies).find((c) => c.label === label)!.action }));
    const started = await app.conversations.handle(turn('sam', { text: 'pc became sluggish' }));
    expect(started.map((r) => r.markdown).join('\n')).toMatch(/step by step/);
    expect(store.questions.all()[0]).toMatchObject({ outcome: 'suggested', articleId: 'laptop-slow' });
    const what = await app.conversations.handle(turn('sam', { text: 'always' }));
    const restart = await pressLabel(what, 'Everything');
    await pressLabel(restart, "Yes, it's fine now");
    expect(store.scriptRuns.all()[0]).toMatchObject({ outcome: 'resolved' });
    expect(store.learned.all()).toMatchObject([{ articleId: 'laptop-slow', text: 'pc became sluggish', askers: 1 }]);
  });
});
