import type { GapPeriod, GapSource, LoggedQuestion } from '../../core/analytics/content-gaps.js';
import type { MemoryConversationStore } from './memory-conversation-store.js';
import type { MemoryQuestionLog } from './memory-question-log.js';
import type { MemoryScriptRunLog } from './memory-script-run-log.js';

/** As PrismaGapSource: a suggestion followed within this long by a walkthrough start in the same conversation started it. */
const SCRIPT_START_WINDOW_MS = 10_000;

/** PrismaGapSource over the in-memory twins: the same questions for the same period, for core tests. */
export class MemoryGapSource implements GapSource {
  constructor(
    private readonly ports: {
      questions: MemoryQuestionLog;
      scriptRuns: MemoryScriptRunLog;
      conversations: MemoryConversationStore;
    },
  ) {}

  async questions(period: GapPeriod): Promise<{ asked: number; questions: LoggedQuestion[] }> {
    const inPeriod = this.ports.questions.all().filter((q) => q.createdAt >= period.from && q.createdAt < period.to);
    const votes = new Map<string, Array<{ userId: string; helpful: boolean }>>();
    for (const vote of this.ports.questions.votes())
      votes.set(vote.questionId, [
        ...(votes.get(vote.questionId) ?? []),
        { userId: vote.userId, helpful: vote.helpful },
      ]);
    const rows = inPeriod
      .filter(
        (q) =>
          q.outcome === 'no_answer' || q.outcome === 'suggested' || (votes.get(q.id) ?? []).some((v) => !v.helpful),
      )
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

    // Titles from the candidates logged with the first such question of each article.
    const titles = new Map<string, string | null>();
    for (const row of rows) {
      if (
        !row.articleId ||
        titles.has(row.articleId) ||
        !(row.outcome === 'suggested' || (votes.get(row.id) ?? []).some((v) => !v.helpful))
      )
        continue;
      const candidates = (row.explanation as { candidates?: Array<{ articleId?: unknown; title?: unknown }> })
        .candidates;
      const match = Array.isArray(candidates) ? candidates.find((c) => c?.articleId === row.articleId) : undefined;
      titles.set(row.articleId, typeof match?.title === 'string' ? match.title : null);
    }

    const starts = new Map<string, number[]>();
    const add = (key: string, at: number) => {
      if (!Number.isNaN(at)) starts.set(key, [...(starts.get(key) ?? []), at]);
    };
    const wanted = new Set(rows.filter((r) => r.outcome === 'suggested').map((r) => r.conversationKey));
    for (const run of this.ports.scriptRuns.all()) {
      const at = run.startedAt.getTime();
      if (
        wanted.has(run.conversationKey) &&
        at >= period.from.getTime() - 1000 &&
        at < period.to.getTime() + SCRIPT_START_WINDOW_MS
      )
        add(run.conversationKey, at);
    }
    for (const key of wanted) {
      const state = (await this.ports.conversations.load(key)) as { script?: { startedAt?: unknown } } | null;
      if (typeof state?.script?.startedAt === 'string') add(key, Date.parse(state.script.startedAt));
    }

    return {
      asked: inPeriod.length,
      questions: rows.map((row) => ({
        id: row.id,
        text: row.text,
        userId: row.userId,
        channel: row.channel,
        createdAt: row.createdAt,
        outcome: row.outcome,
        articleId: row.articleId,
        articleTitle: row.articleId ? (titles.get(row.articleId) ?? null) : null,
        votes: votes.get(row.id) ?? [],
        startedScript:
          row.outcome === 'suggested' &&
          (starts.get(row.conversationKey) ?? []).some(
            (at) => at >= row.createdAt.getTime() - 1000 && at <= row.createdAt.getTime() + SCRIPT_START_WINDOW_MS,
          ),
      })),
    };
  }
}
