import type {
  AutomationHistory,
  AutomationInput,
  AutomationProgress,
  AutomationRanges,
  AutomationScriptRun,
  AutomationSource,
  AutomationStage,
  AutomationTicket,
  AutomationTicketEvent,
} from '../../core/analytics/automation.js';
import type { PrismaClient } from './open-prisma.js';
import { parseJson } from './json-column.js';
import { feedbackPages, questionPages, readPages } from './read-pages.js';

const EVENT_STATUSES = ['claimed', 'resolved', 'reopened'] as const;

/**
 * Reads the rows of the automation report page by page (keyset pagination on the primary key),
 * selecting only the columns it uses, and reports progress after each page.
 */
export class PrismaAutomationSource implements AutomationSource {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly pageSize = 1000,
  ) {
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new Error(`page size must be a positive whole number (got ${pageSize})`);
  }

  async history(): Promise<AutomationHistory> {
    const [articles, scripts, oldest] = await Promise.all([
      this.prisma.question.groupBy({
        by: ['articleId'],
        where: { outcome: { in: ['answered', 'chosen'] }, articleId: { not: null } },
        _min: { createdAt: true },
      }),
      this.prisma.scriptRun.groupBy({ by: ['scriptId'], _min: { startedAt: true } }),
      this.prisma.ticket.aggregate({ _min: { createdAt: true } }),
    ]);
    return {
      articles: articles
        .flatMap((row) =>
          row.articleId && row._min.createdAt ? [{ id: row.articleId, firstUsedAt: row._min.createdAt }] : [],
        )
        .sort((a, b) => compare(a.id, b.id)),
      scripts: scripts
        .flatMap((row) => (row._min.startedAt ? [{ id: row.scriptId, firstUsedAt: row._min.startedAt }] : []))
        .sort((a, b) => compare(a.id, b.id)),
      earliestTicketAt: oldest._min.createdAt ?? null,
    };
  }

  async load(
    ranges: AutomationRanges,
    onProgress: (progress: AutomationProgress) => void = () => {},
  ): Promise<AutomationInput> {
    const take = this.pageSize;
    const range = (r: { from: Date; to: Date }) => ({ gte: r.from, lt: r.to });

    const ticketWhere = { createdAt: range(ranges.tickets) };
    const tickets = await readPages<AutomationTicket, string, AutomationStage>('tickets', onProgress, take, {
      count: () => this.prisma.ticket.count({ where: ticketWhere }),
      page: (after) =>
        this.prisma.ticket
          .findMany({
            where: { ...ticketWhere, ...(after === undefined ? {} : { id: { gt: after } }) },
            orderBy: { id: 'asc' },
            take,
            select: {
              id: true,
              key: true,
              channel: true,
              conversationKey: true,
              requesterId: true,
              subject: true,
              question: true,
              category: true,
              createdAt: true,
              firstResponseAt: true,
            },
          })
          .then((rows) => ({ rows, read: rows.length, last: rows.at(-1)?.id })),
    });

    const eventWhere = { type: 'status', toStatus: { in: [...EVENT_STATUSES] }, ticket: ticketWhere };
    const events = await readPages<AutomationTicketEvent, number, AutomationStage>('events', onProgress, take, {
      count: () => this.prisma.ticketEvent.count({ where: eventWhere }),
      page: (after) =>
        this.prisma.ticketEvent
          .findMany({
            where: { ...eventWhere, ...(after === undefined ? {} : { id: { gt: after } }) },
            orderBy: { id: 'asc' },
            take,
            select: { id: true, ticketId: true, toStatus: true, detail: true, createdAt: true },
          })
          .then((rows) => ({ rows: rows.map(toEvent), read: rows.length, last: rows.at(-1)?.id })),
    });

    const questions = await readPages(
      'questions',
      onProgress,
      take,
      questionPages(this.prisma, range(ranges.questions), take),
    );
    const feedback = await readPages(
      'feedback',
      onProgress,
      take,
      feedbackPages(this.prisma, range(ranges.questions), take),
    );

    const runWhere = { startedAt: range(ranges.scriptRuns) };
    const scriptRuns = await readPages<AutomationScriptRun, string, AutomationStage>('script runs', onProgress, take, {
      count: () => this.prisma.scriptRun.count({ where: runWhere }),
      page: (after) =>
        this.prisma.scriptRun
          .findMany({
            where: { ...runWhere, ...(after === undefined ? {} : { id: { gt: after } }) },
            orderBy: { id: 'asc' },
            take,
            select: { id: true, conversationKey: true, scriptId: true, outcome: true, startedAt: true },
          })
          .then((rows) => ({ rows, read: rows.length, last: rows.at(-1)?.id })),
    });

    return { tickets, events, questions, feedback, scriptRuns };
  }
}

function toEvent(row: {
  ticketId: string;
  toStatus: string | null;
  detail: string;
  createdAt: Date;
}): AutomationTicketEvent {
  const detail = parseJson<Record<string, unknown>>(row.detail, {});
  const resolution =
    detail !== null && typeof detail === 'object' && typeof detail.resolution === 'string' ? detail.resolution : null;
  return {
    ticketId: row.ticketId,
    toStatus: row.toStatus as AutomationTicketEvent['toStatus'],
    resolution,
    createdAt: row.createdAt,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
