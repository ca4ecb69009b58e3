import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { contentGapReport } from '../../src/core/analytics/content-gaps.js';
import type { ConversationState } from '../../src/core/conversation/conversation-store.js';
import { MemoryConversationStore } from '../../src/store/memory/memory-conversation-store.js';
import { MemoryGapSource } from '../../src/store/memory/memory-gap-source.js';
import { MemoryQuestionLog } from '../../src/store/memory/memory-question-log.js';
import { MemoryScriptRunLog } from '../../src/store/memory/memory-script-run-log.js';
import { Outage } from '../../src/store/memory/outage.js';
import { PrismaGapSource } from '../../src/store/prisma/prisma-gap-source.js';
import { startTestApp, tempDir } from '../support/test-app.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const PERIOD = { from: new Date('2026-01-05T00:00:00Z'), to: new Date('2026-01-12T00:00:00Z') };

interface Seed {
  id: string;
  text: string;
  userId: string;
  at: string;
  outcome: 'answered' | 'suggested' | 'no_answer' | 'chosen';
  articleId?: string;
  votes?: Array<[string, boolean]>;
  conversationKey?: string;
}

const SEEDS: Seed[] = [
  { id: 'na1', text: 'plotter offline', userId: 'alice', at: '2026-01-06T09:00:00Z', outcome: 'no_answer' },
  { id: 'na2', text: 'the plotter is out of paper', userId: 'bob', at: '2026-01-07T10:00:00Z', outcome: 'no_answer' },
  // Offered "did you mean" articles, picked none.
  {
    id: 'sg1',
    text: 'where is the A0 plotter',
    userId: 'carol',
    at: '2026-01-08T11:00:00Z',
    outcome: 'suggested',
    articleId: 'printer-setup',
  },
  // "Not helpful" from the asker.
  {
    id: 'nh1',
    text: 'vpn drops every ten minutes',
    userId: 'alice',
    at: '2026-01-06T12:00:00Z',
    outcome: 'answered',
    articleId: 'vpn-setup',
    votes: [['alice', false]],
  },
  // "Not helpful" from someone in the thread, no vote from the asker: still a gap.
  {
    id: 'nh2',
    text: 'VPN keeps disconnecting',
    userId: 'dave',
    at: '2026-01-09T08:00:00Z',
    outcome: 'answered',
    articleId: 'vpn-setup',
    votes: [['erin', false]],
  },
  // The asker found it helpful: not a gap, whatever a bystander said.
  {
    id: 'ok1',
    text: 'vpn disconnects all the time',
    userId: 'frank',
    at: '2026-01-09T09:00:00Z',
    outcome: 'answered',
    articleId: 'vpn-setup',
    votes: [
      ['erin', false],
      ['frank', true],
    ],
  },
  {
    id: 'ok2',
    text: 'how do I reset my password',
    userId: 'gina',
    at: '2026-01-07T09:00:00Z',
    outcome: 'answered',
    articleId: 'password-reset',
    votes: [['gina', true]],
  },
  {
    id: 'ok3',
    text: 'printer queue stuck',
    userId: 'hank',
    at: '2026-01-07T09:30:00Z',
    outcome: 'chosen',
    articleId: 'printer-not-printing',
  },
  {
    id: 'ok4',
    text: 'how do I connect to wifi',
    userId: 'ivan',
    at: '2026-01-08T09:00:00Z',
    outcome: 'answered',
    articleId: 'wifi',
  },
  // Suggestions that started a walkthrough: finished (ScriptRun) and in progress (conversation state).
  {
    id: 'ws1',
    text: 'wifi keeps dropping in the office',
    userId: 'judy',
    at: '2026-01-08T14:00:00Z',
    outcome: 'suggested',
    articleId: 'wifi',
    conversationKey: 'local:judy',
  },
  {
    id: 'ws2',
    text: 'laptop is really slow lately',
    userId: 'kim',
    at: '2026-01-10T14:00:00Z',
    outcome: 'suggested',
    articleId: 'slow-laptop',
    conversationKey: 'local:kim',
  },
  // Outside the period.
  { id: 'old', text: 'plotter offline', userId: 'zed', at: '2026-01-04T23:59:59Z', outcome: 'no_answer' },
  { id: 'new', text: 'plotter offline', userId: 'zed', at: '2026-01-12T00:00:00Z', outcome: 'no_answer' },
];

let app: App;
let dir: { dir: string; cleanup: () => void };

beforeAll(async () => {
  dir = tempDir('helpdesk-gaps-');
  ({ app } = await startTestApp(dir.dir));
  const prisma = app.store.prisma;
  for (const seed of SEEDS) {
    await prisma.question.create({
      data: {
        id: seed.id,
        conversationKey: seed.conversationKey ?? `local:${seed.userId}:${seed.id}`,
        channel: 'local',
        userId: seed.userId,
        text: seed.text,
        outcome: seed.outcome,
        articleId: seed.articleId ?? null,
        confidence: 0.4,
        explanation: JSON.stringify({
          candidates: seed.articleId ? [{ articleId: seed.articleId, title: `Title of ${seed.articleId}` }] : [],
        }),
        createdAt: new Date(seed.at),
      },
    });
    for (const [userId, helpful] of seed.votes ?? [])
      await prisma.feedback.create({ data: { questionId: seed.id, userId, helpful } });
  }
  await prisma.scriptRun.create({
    data: {
      id: 'run1',
      conversationKey: 'local:judy',
      scriptId: 'wifi',
      outcome: 'resolved',
      path: '[]',
      collected: '{}',
      startedAt: new Date('2026-01-08T14:00:02Z'),
    },
  });
  await prisma.conversation.create({
    data: {
      key: 'local:kim',
      channel: 'local',
      userId: 'kim',
      state: JSON.stringify({ script: { scriptId: 'slow-laptop', startedAt: '2026-01-10T14:00:01.000Z' } }),
    },
  });
});

afterAll(async () => {
  await app?.close();
  dir?.cleanup();
});

describe('PrismaGapSource', () => {
  it('reads the period, with votes, titles and walkthrough starts; the core picks the gaps', async () => {
    const { asked, questions } = await new PrismaGapSource(app.store.prisma).questions(PERIOD);
    expect(asked).toBe(11);
    // Only rows that may be gaps are read: no_answer, suggested, or with a "not helpful".
    expect(questions.map((q) => q.id).sort()).toEqual(['na1', 'na2', 'nh1', 'nh2', 'ok1', 'sg1', 'ws1', 'ws2']);
    const byId = new Map(questions.map((q) => [q.id, q]));
    expect(byId.get('ok1')!.votes).toEqual([
      { userId: 'erin', helpful: false },
      { userId: 'frank', helpful: true },
    ]);
    expect(byId.get('nh1')).toMatchObject({
      articleId: 'vpn-setup',
      articleTitle: 'Title of vpn-setup',
      createdAt: new Date('2026-01-06T12:00:00Z'),
    });
    expect(byId.get('ws1')!.startedScript).toBe(true);
    expect(byId.get('ws2')!.startedScript).toBe(true);
    expect(byId.get('sg1')!.startedScript).toBe(false);

    const report = await contentGapReport(new PrismaGapSource(app.store.prisma), PERIOD);
    expect(report).toMatchObject({
      asked: 11,
      gaps: 5,
      reasons: { no_answer: 2, not_helpful: 2, suggestion_not_picked: 1 },
    });
    expect(report.clusters.map((c) => [c.size, c.users, c.questionIds])).toEqual([
      [3, 3, ['na1', 'na2', 'sg1']],
      [2, 2, ['nh1', 'nh2']],
    ]);
    expect(report.clusters[0]!.offeredArticles).toEqual([
      { articleId: 'printer-setup', title: 'Title of printer-setup', count: 1 },
    ]);
    expect(report.clusters[1]!.notHelpfulArticles).toEqual([
      { articleId: 'vpn-setup', title: 'Title of vpn-setup', count: 2 },
    ]);
  });

  it('keeps to the period: from inclusive, to exclusive', async () => {
    const source = new PrismaGapSource(app.store.prisma);
    const wide = await source.questions({
      from: new Date('2026-01-04T23:59:59Z'),
      to: new Date('2026-01-12T00:00:01Z'),
    });
    expect(wide.questions.map((q) => q.id)).toEqual(expect.arrayContaining(['old', 'new']));
    const day = await source.questions({
      from: new Date('2026-01-06T00:00:00Z'),
      to: new Date('2026-01-07T00:00:00Z'),
    });
    expect(day).toEqual({
      asked: 2,
      questions: [expect.objectContaining({ id: 'na1' }), expect.objectContaining({ id: 'nh1' })],
    });
  });
});

/** The same rows in the in-memory twins (MemoryGapSource's ports), each question stamped by moving their clock. */
async function memoryTwin(): Promise<MemoryGapSource> {
  let clock = new Date(0);
  const ports = {
    questions: new MemoryQuestionLog(new Outage(), () => new Date(clock)),
    scriptRuns: new MemoryScriptRunLog(),
    conversations: new MemoryConversationStore(),
  };
  for (const seed of SEEDS) {
    clock = new Date(seed.at);
    await ports.questions.record({
      id: seed.id,
      conversationKey: seed.conversationKey ?? `local:${seed.userId}:${seed.id}`,
      channel: 'local',
      userId: seed.userId,
      text: seed.text,
      outcome: seed.outcome,
      articleId: seed.articleId ?? null,
      confidence: 0.4,
      explanation: {
        candidates: seed.articleId ? [{ articleId: seed.articleId, title: `Title of ${seed.articleId}` }] : [],
      },
    });
    for (const [userId, helpful] of seed.votes ?? []) await ports.questions.feedback(seed.id, userId, helpful);
  }
  await ports.scriptRuns.record({
    id: 'run1',
    conversationKey: 'local:judy',
    scriptId: 'wifi',
    outcome: 'resolved',
    path: [],
    collected: {},
    ticketKey: null,
    startedAt: new Date('2026-01-08T14:00:02Z'),
  });
  const state = {
    script: { scriptId: 'slow-laptop', startedAt: '2026-01-10T14:00:01.000Z' },
  } as unknown as ConversationState;
  await ports.conversations.save('local:kim', { channel: 'local', userId: 'kim' }, state, []);
  return new MemoryGapSource(ports);
}

describe('MemoryGapSource, the in-memory twin', () => {
  it('gives what PrismaGapSource gives, for the period and for narrower and wider ones', async () => {
    const twin = await memoryTwin();
    const prisma = new PrismaGapSource(app.store.prisma);
    for (const period of [
      PERIOD,
      { from: new Date('2026-01-06T00:00:00Z'), to: new Date('2026-01-07T00:00:00Z') },
      { from: new Date('2026-01-04T23:59:59Z'), to: new Date('2026-01-12T00:00:01Z') },
    ]) {
      expect(await twin.questions(period)).toEqual(await prisma.questions(period));
    }
  });
});

describe('npm run report:gaps', () => {
  const run = (args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir.dir };
    delete env.DATABASE_URL;
    return promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/evaluation/report-gaps.ts', ...args], {
      cwd: ROOT,
      env,
    });
  };

  it('prints the clusters as JSON for a period', async () => {
    const { stdout } = await run(['--json', '--from', '2026-01-05', '--to', '2026-01-11', '--limit', '1']);
    const report = JSON.parse(stdout) as Record<string, unknown> & { clusters: Array<Record<string, unknown>> };
    expect(report).toMatchObject({
      from: '2026-01-05T00:00:00.000Z',
      to: '2026-01-12T00:00:00.000Z',
      asked: 11,
      gaps: 5,
      clusterCount: 2,
    });
    expect(report.clusters).toHaveLength(1);
    expect(report.clusters[0]).toMatchObject({
      rank: 1,
      size: 3,
      users: 3,
      label: 'plotter offline',
      examples: ['plotter offline', 'the plotter is out of paper', 'where is the A0 plotter'],
      firstSeen: '2026-01-06T09:00:00.000Z',
      lastSeen: '2026-01-08T11:00:00.000Z',
    });
  });

  it('prints a readable report by default, and explains bad flags', async () => {
    const { stdout } = await run(['--from', '2026-01-05', '--to', '2026-01-11']);
    expect(stdout).toContain('5 of 11 question(s)');
    expect(stdout).toContain('1. "plotter offline": 3 question(s), 3 user(s)');
    expect(stdout).toContain('not helpful: vpn-setup ("Title of vpn-setup") x2');
    await expect(run(['--from', 'last week'])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--from: expected a date like 2026-01-05'),
    });
  });
});
