import type { MetricsFeedback, MetricsQuestion } from '../../core/analytics/metrics.js';
import type { PrismaClient } from './open-prisma.js';

/** One page of a keyset-paginated read: its rows, how many rows were read, and the last key (none when empty). */
export interface Page<T, K> {
  rows: T[];
  read: number;
  last: K | undefined;
}

/** How to count a stage's rows and read the page after a key. */
export interface PagedRead<T, K> {
  count: () => Promise<number>;
  page: (after: K | undefined) => Promise<Page<T, K>>;
}

/**
 * Reads every page of one stage of a report; `total` is counted first so progress can say
 * "2000/10000". The report readers (metrics, automation) share it.
 */
export async function readPages<T, K, S>(
  stage: S,
  onProgress: (progress: { stage: S; loaded: number; total: number }) => void,
  pageSize: number,
  { count, page }: PagedRead<T, K>,
): Promise<T[]> {
  const total = await count();
  const all: T[] = [];
  let read = 0;
  let after: K | undefined;
  for (;;) {
    const result = await page(after);
    if (result.last === undefined) break;
    for (const row of result.rows) all.push(row);
    read += result.read;
    after = result.last;
    // Rows added while reading can take "read" past the first count: the total then follows it.
    onProgress({ stage, loaded: read, total: Math.max(total, read) });
    if (result.read < pageSize) break;
  }
  if (read === 0) onProgress({ stage, loaded: 0, total: 0 });
  return all;
}

/** The questions asked in `createdAt`, with the columns the reports use. */
export function questionPages(
  prisma: PrismaClient,
  createdAt: { gte: Date; lt: Date },
  take: number,
): PagedRead<MetricsQuestion, string> {
  const where = { createdAt };
  return {
    count: () => prisma.question.count({ where }),
    page: (after) =>
      prisma.question
        .findMany({
          where: { ...where, ...(after === undefined ? {} : { id: { gt: after } }) },
          orderBy: { id: 'asc' },
          take,
          select: {
            id: true,
            conversationKey: true,
            channel: true,
            userId: true,
            outcome: true,
            articleId: true,
            createdAt: true,
          },
        })
        .then((rows) => ({ rows, read: rows.length, last: rows.at(-1)?.id })),
  };
}

/** The feedback on questions asked in `createdAt`. */
export function feedbackPages(
  prisma: PrismaClient,
  createdAt: { gte: Date; lt: Date },
  take: number,
): PagedRead<MetricsFeedback, number> {
  const where = { question: { createdAt } };
  return {
    count: () => prisma.feedback.count({ where }),
    page: (after) =>
      prisma.feedback
        .findMany({
          where: { ...where, ...(after === undefined ? {} : { id: { gt: after } }) },
          orderBy: { id: 'asc' },
          take,
          select: { id: true, questionId: true, userId: true, helpful: true },
        })
        .then((rows) => ({
          rows: rows.map(({ questionId, userId, helpful }) => ({ questionId, userId, helpful })),
          read: rows.length,
          last: rows.at(-1)?.id,
        })),
  };
}
