import type { GapPeriod, GapSource, LoggedQuestion } from '../../core/analytics/content-gaps.js';
import type { PrismaClient } from './open-prisma.js';
import { parseJson } from './json-column.js';
import { readExplanation } from './question-explanation.js';

/** A suggestion followed within this long by a walkthrough start in the same conversation started it. */
const SCRIPT_START_WINDOW_MS = 10_000;
/** Keys per IN (...) query, well under SQLite's limit on bound variables. */
const CHUNK = 500;

/** The questions that may be content gaps, read from the Question, Feedback and ScriptRun tables. */
export class PrismaGapSource implements GapSource {
  constructor(private readonly prisma: PrismaClient) {}

  async questions(period: GapPeriod): Promise<{ asked: number; questions: LoggedQuestion[] }> {
    const createdAt = { gte: period.from, lt: period.to };
    const [asked, rows] = await Promise.all([
      this.prisma.question.count({ where: { createdAt } }),
      this.prisma.question.findMany({
        where: {
          createdAt,
          OR: [{ outcome: { in: ['no_answer', 'suggested'] } }, { feedback: { some: { helpful: false } } }],
        },
        select: {
          id: true,
          conversationKey: true,
          channel: true,
          userId: true,
          text: true,
          outcome: true,
          articleId: true,
          createdAt: true,
          feedback: { select: { userId: true, helpful: true }, orderBy: { id: 'asc' } },
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    ]);
    const suggested = rows.filter((row) => row.outcome === 'suggested');
    const scriptStarts = await this.scriptStarts(
      suggested.map((row) => row.conversationKey),
      period,
    );
    const titles = await this.titles(
      rows.filter((row) => row.articleId && (row.outcome === 'suggested' || row.feedback.some((f) => !f.helpful))),
    );
    return {
      asked,
      questions: rows.map((row) => ({
        id: row.id,
        text: row.text,
        userId: row.userId,
        channel: row.channel,
        createdAt: row.createdAt,
        outcome: row.outcome,
        articleId: row.articleId,
        articleTitle: row.articleId ? (titles.get(row.articleId) ?? null) : null,
        votes: row.feedback,
        startedScript:
          row.outcome === 'suggested' &&
          (scriptStarts.get(row.conversationKey) ?? []).some(
            (at) => at >= row.createdAt.getTime() - 1000 && at <= row.createdAt.getTime() + SCRIPT_START_WINDOW_MS,
          ),
      })),
    };
  }

  /**
   * When walkthroughs started, by conversation: finished ones from ScriptRun, the one in progress
   * from the conversation's state.
   */
  private async scriptStarts(keys: string[], period: GapPeriod): Promise<Map<string, number[]>> {
    const starts = new Map<string, number[]>();
    if (keys.length === 0) return starts;
    const add = (key: string, at: number) => {
      if (Number.isNaN(at)) return;
      const list = starts.get(key) ?? [];
      list.push(at);
      starts.set(key, list);
    };
    const wanted = new Set(keys);
    const runs = await this.prisma.scriptRun.findMany({
      where: {
        startedAt: {
          gte: new Date(period.from.getTime() - 1000),
          lt: new Date(period.to.getTime() + SCRIPT_START_WINDOW_MS),
        },
      },
      select: { conversationKey: true, startedAt: true },
    });
    for (const run of runs) if (wanted.has(run.conversationKey)) add(run.conversationKey, run.startedAt.getTime());
    const unique = [...wanted];
    for (let i = 0; i < unique.length; i += CHUNK) {
      const conversations = await this.prisma.conversation.findMany({
        where: { key: { in: unique.slice(i, i + CHUNK) } },
        select: { key: true, state: true },
      });
      for (const conversation of conversations) {
        const state = parseJson<{ script?: { startedAt?: unknown } }>(conversation.state, {});
        if (typeof state.script?.startedAt === 'string') add(conversation.key, Date.parse(state.script.startedAt));
      }
    }
    return starts;
  }

  /** Article titles, from the candidates logged with one question per article. */
  private async titles(rows: Array<{ id: string; articleId: string | null }>): Promise<Map<string, string>> {
    const byArticle = new Map<string, string>();
    for (const row of rows) if (row.articleId && !byArticle.has(row.articleId)) byArticle.set(row.articleId, row.id);
    const titles = new Map<string, string>();
    const ids = [...byArticle.values()];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const logged = await this.prisma.question.findMany({
        where: { id: { in: ids.slice(i, i + CHUNK) } },
        select: { articleId: true, explanation: true },
      });
      for (const question of logged) {
        const explanation = readExplanation(question.explanation) as {
          candidates?: Array<{ articleId?: unknown; title?: unknown }>;
        };
        const match = Array.isArray(explanation.candidates)
          ? explanation.candidates.find((c) => c?.articleId === question.articleId)
          : undefined;
        if (question.articleId && typeof match?.title === 'string') titles.set(question.articleId, match.title);
      }
    }
    return titles;
  }
}
