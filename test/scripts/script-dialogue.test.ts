import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Choice, Reply, Turn } from '../../src/core/conversation/turn.js';
import type { LiveKnowledge } from '../../src/service/live-knowledge.js';
import type { MemoryStore } from '../../src/store/memory/memory-store.js';
import { loadTestLibrary, startMemoryApp, type MemoryApp } from '../support/memory-app.js';

// The core on its in-memory ports, the bundled knowledge base and scripts built once for the file.
let library: LiveKnowledge;
let store: MemoryStore;
let app: MemoryApp;
// A refused port: the VPN portal check fails at once instead of waiting on DNS.
const env = { CHECK_VPN_PORTAL_URL: 'http://127.0.0.1:9/global-protect/', SCRIPT_TIMEOUT_MINUTES: '30' };
/** A second app on the same store: a restart (with other settings, if given). */
const restart = async (withEnv: Record<string, string>) => {
  await app.close();
  ({ app } = await startMemoryApp({ library, store, env: withEnv }));
};
const firstRun = () => store.scriptRuns.all()[0];

beforeAll(async () => {
  library = await loadTestLibrary();
});
beforeEach(async () => {
  ({ app, store } = await startMemoryApp({ library, env }));
});
afterEach(async () => {
  await app.close().catch(() => {});
});

const KEY = 'local:sam';
const turn = (extra: Partial<Turn>): Turn => ({
  conversationKey: KEY,
  channel: 'local',
  user: { id: 'sam', name: 'Sam' },
  ...extra,
});
const say = (text: string) => app.conversations.handle(turn({ text }));
const pressChoice = (choice: Choice) => app.conversations.handle(turn({ action: choice.action }));
const choices = (replies: Reply[]) => replies.flatMap((r) => r.choices ?? []);
const choice = (replies: Reply[], label: string | RegExp) => {
  const found = choices(replies).find((c) => (typeof label === 'string' ? c.label === label : label.test(c.label)));
  if (!found)
    throw new Error(
      `no "${String(label)}" among ${choices(replies)
        .map((c) => c.label)
        .join(', ')}`,
    );
  return found;
};
const text = (replies: Reply[]) => replies.map((r) => r.markdown).join('\n');

async function startVpnScript(): Promise<Reply[]> {
  const answer = await say('globalprotect says authentication failed');
  return pressChoice(choice(answer, 'Walk me through it'));
}

describe('guided scripts in a conversation', () => {
  it('offers "Walk me through it" on a linked article; every step has Start over and Talk to a human', async () => {
    const first = await startVpnScript();
    expect(text(first)).toMatch(/does the internet work without the VPN/i);
    expect(choices(first).map((c) => c.label)).toEqual([
      'Yes, websites open',
      'No, nothing loads',
      'Start over',
      'Talk to a human',
    ]);
  });

  it('starts a script directly when the question is one of its triggers', async () => {
    const replies = await say('cannot connect to the vpn');
    expect(text(replies)).toMatch(/step by step/);
    expect(text(replies)).toMatch(/does the internet work without the VPN/i);
    expect(text(replies)).not.toMatch(/is paused/);
  });

  it('runs a failing check, records it, goes on, and escalates with every answer and check result on the ticket', async () => {
    const first = await startVpnScript();
    const afterCheck = await pressChoice(choice(first, 'Yes, websites open'));
    expect(text(afterCheck)).toMatch(/Checking that the VPN portal answers/);
    expect(text(afterCheck)).toMatch(/could not reach the VPN portal/);
    const symptom = await pressChoice(choice(afterCheck, 'Something else'));
    const escalated = await say('Portal does not exist');
    const ticketReply = escalated.find((r) => r.kind === 'ticket');
    expect(ticketReply).toBeDefined();
    const ticket = await app.tickets.get(ticketReply!.kind === 'ticket' ? ticketReply!.ticket.key : '');
    expect(ticket).toMatchObject({ priority: 'P3', tier: 'L2', category: 'network' });
    expect(ticket.collected).toMatchObject({
      script: 'vpn-not-connecting',
      answers: {
        internet: 'Yes, websites open',
        portal: 'fail',
        symptom: 'Something else',
        error_message: 'Portal does not exist',
      },
    });
    expect(ticket.description).toMatch(/check portal \(http:\/\/127\.0\.0\.1:9\/global-protect\/\): FAILED/);
    const run = firstRun();
    expect(run).toMatchObject({ scriptId: 'vpn-not-connecting', outcome: 'escalated', ticketKey: ticket.key });
    expect(symptom.length).toBeGreaterThan(0);
  });

  it('re-asks a free-text step after bad input, and accepts a typed choice', async () => {
    await restart({ ...env, CHECK_VPN_PORTAL_URL: 'data:text/plain,ok' });
    const first = await startVpnScript();
    const typed = await say('yes');
    expect(text(typed)).toMatch(/What does GlobalProtect show/);
    const symptom = await pressChoice(choice(typed, 'Something else'));
    expect(text(symptom)).toMatch(/Type your answer/);
    const bad = await say('x');
    expect(text(bad)).toMatch(/⚠️ Type the message in a few words, or none\./);
    expect(text(bad)).toMatch(/exact error message/);
    const done = await say('Portal does not exist');
    expect(done.some((r) => r.kind === 'ticket')).toBe(true);
    expect(first.length).toBeGreaterThan(0);
  });

  it('resumes after a restart where it was', async () => {
    await startVpnScript();
    await restart(env);
    const next = await say('No, nothing loads');
    expect(text(next)).toMatch(/accept the Wi-Fi login page/);
  });

  it('answers a new question mid-script and keeps the walkthrough paused with a way back', async () => {
    await startVpnScript();
    const answer = await say('how do I reset my password');
    expect(answer[0]!.kind).toBe('answer');
    expect(text(answer)).toMatch(/is paused/);
    const resumed = await pressChoice(choice(answer, 'Continue'));
    expect(text(resumed)).toMatch(/does the internet work without the VPN/i);
    const stopped = await say('stop');
    expect(text(stopped)).toMatch(/stopped the walkthrough/);
    expect(firstRun()?.outcome).toBe('abandoned');
  });

  it('times out a silent session politely', async () => {
    await startVpnScript();
    const state = (await store.conversations.load(KEY))!;
    state.script!.updatedAt = new Date(Date.now() - 2 * 60 * 60_000).toISOString();
    store.conversations.overwrite(KEY, state);
    const replies = await say('yes');
    expect(text(replies)).toMatch(/timed out after 30 minutes/);
    expect(firstRun()?.outcome).toBe('abandoned');
  });

  it('"Talk to a human" mid-script opens a ticket carrying the answers so far', async () => {
    const first = await startVpnScript();
    await pressChoice(choice(first, 'No, nothing loads'));
    const replies = await say('talk to a human');
    const ticketReply = replies.find((r) => r.kind === 'ticket')!;
    const ticket = await app.tickets.get(ticketReply.kind === 'ticket' ? ticketReply.ticket.key : '');
    expect(ticket.collected).toMatchObject({
      script: 'vpn-not-connecting',
      answers: { internet: 'No, nothing loads' },
    });
    expect(firstRun()?.outcome).toBe('human');
  });

  it('resolves, then takes a 1-5 rating; a button for another step is refused', async () => {
    await restart({ ...env, CHECK_VPN_PORTAL_URL: 'data:text/plain,ok' });
    const first = await startVpnScript();
    const stale = choice(first, 'No, nothing loads');
    const symptom = await pressChoice(choice(first, 'Yes, websites open'));
    expect(text(await pressChoice(stale))).toMatch(/expired or belongs to another conversation/);
    const refresh = await pressChoice(choice(symptom, 'Stuck on Connecting'));
    const fixed = await pressChoice(choice(refresh, 'Yes, connected'));
    expect(text(fixed)).toMatch(/you're connected/);
    await pressChoice(choice(fixed, '😀 5'));
    expect(firstRun()).toMatchObject({ outcome: 'resolved', rating: 5 });
  });

  it('starts every shipped script from its triggers, unless an article without the script answers for sure', async () => {
    const missed: string[] = [];
    for (const script of app.scripts.scripts) {
      for (const [i, trigger] of script.triggers.entries()) {
        const key = `local:trigger-${script.id}-${i}`;
        const replies = await app.conversations.handle({
          conversationKey: key,
          channel: 'local',
          user: { id: 'sam' },
          text: trigger,
        });
        if (/step by step/.test(text(replies))) continue;
        // Allowed only when a different article answered outright: its own answer is the better reply.
        const answer = replies.find((r) => r.kind === 'answer');
        if (!answer || answer.kind !== 'answer' || app.engine.article(answer.article.id)?.script === script.id)
          missed.push(`${script.id}: "${trigger}"`);
      }
    }
    expect(missed).toEqual([]);
  });
});
