import {
  followUpEnd,
  type LoadStage,
  type MetricsEscalation,
  type MetricsFeedback,
  type MetricsInput,
  type MetricsQuery,
  type MetricsQuestion,
  type MetricsSource,
  type MetricsTicket,
  type ProgressListener,
} from '../../core/analytics/metrics.js';
import type { PrismaClient } from './open-prisma.js';
import { parseJson } from './json-column.js';

/** How the escalate command's event detail is written: JSON.stringify of { command: 'escalate', ... }. */
const ESCALATE_MARKER = '"command":"escalate"';

/**
 * Reads the rows a metrics report needs, page by page (keyset pagination on the primary key),
 * selecting only the columns the computation uses, and reports progress after each page.
 */
export class PrismaMetricsSource implements MetricsSource {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly pageSize = 1000,
  ) {
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new Error(`page size must be a positive whole number (got ${pageSize})`);
  }

  async load(query: MetricsQuery, onProgress: ProgressListener = () => {}): Promise<MetricsInput> {
    const period = { gte: query.from, lt: query.to };
    const withFollowUps = { gte: query.from, lt: followUpEnd(query) };
    const take = this.pageSize;

    const questionWhere = { createdAt: withFollowUps };
    const questions = await this.paged<MetricsQuestion, string>(
      'questions',
      onProgress,
      () => this.prisma.question.count({ where: questionWhere }),
      (after) =>
        this.prisma.question
          .findMany({
            where: { ...questionWhere, ...(after === undefined ? {} : { id: { gt: after } }) },
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
    );

    const feedbackWhere = { question: { createdAt: period } };
    const feedback = await this.paged<MetricsFeedback, number>(
      'feedback',
      onProgress,
      () => this.prisma.feedback.count({ where: feedbackWhere }),
      (after) =>
        this.prisma.feedback
          .findMany({
            where: { ...feedbackWhere, ...(after === undefined ? {} : { id: { gt: after } }) },
            orderBy: { id: 'asc' },
            take,
            select: { id: true, questionId: true, userId: true, helpful: true },
          })
          .then((rows) => ({
            rows: rows.map(({ questionId, userId, helpful }) => ({ questionId, userId, helpful })),
            read: rows.length,
            last: rows.at(-1)?.id,
          })),
    );

    const ticketWhere = { createdAt: withFollowUps };
    const tickets = await this.paged<MetricsTicket, string>(
      'tickets',
      onProgress,
      () => this.prisma.ticket.count({ where: ticketWhere }),
      (after) =>
        this.prisma.ticket
          .findMany({
            where: { ...ticketWhere, ...(after === undefined ? {} : { id: { gt: after } }) },
            orderBy: { id: 'asc' },
            take,
            select: {
              id: true,
              channel: true,
              conversationKey: true,
              requesterId: true,
              priority: true,
              tier: true,
              category: true,
              status: true,
              createdAt: true,
              firstResponseAt: true,
              resolvedAt: true,
              closedAt: true,
              responseDueAt: true,
              resolveDueAt: true,
              satisfaction: true,
            },
          })
          .then((rows) => ({ rows, read: rows.length, last: rows.at(-1)?.id })),
    );

    // Escalations are status events whose detail says command 'escalate'; the text filter narrows, the parse decides.
    const eventWhere = { type: 'status', detail: { contains: ESCALATE_MARKER }, ticket: { createdAt: period } };
    const escalations = await this.paged<MetricsEscalation, number>(
      'escalations',
      onProgress,
      () => this.prisma.ticketEvent.count({ where: eventWhere }),
      (after) =>
        this.prisma.ticketEvent
          .findMany({
            where: { ...eventWhere, ...(after === undefined ? {} : { id: { gt: after } }) },
            orderBy: { id: 'asc' },
            take,
            select: { id: true, ticketId: true, detail: true, createdAt: true },
          })
          .then((rows) => ({ rows: rows.flatMap(toEscalation), read: rows.length, last: rows.at(-1)?.id })),
    );

    return { questions, feedback, tickets, escalations };
  }

  /** Reads every page of one stage. `total` is counted first, so progress can say "2000/10000". */
  private async paged<T, K>(
    stage: LoadStage,
    onProgress: ProgressListener,
    count: () => Promise<number>,
    page: (after: K | undefined) => Promise<{ rows: T[]; read: number; last: K | undefined }>,
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
      if (result.read < this.pageSize) break;
    }
    if (read === 0) onProgress({ stage, loaded: 0, total: 0 });
    return all;
  }
}

function toEscalation(row: { ticketId: string; detail: string; createdAt: Date }): MetricsEscalation[] {
  const detail = parseJson<Record<string, unknown>>(row.detail, {});
  if (detail === null || typeof detail !== 'object' || detail.command !== 'escalate') return [];
  if (typeof detail.fromTier !== 'string' || typeof detail.toTier !== 'string') return [];
  return [{ ticketId: row.ticketId, fromTier: detail.fromTier, toTier: detail.toTier, createdAt: row.createdAt }];
}
