import {
  followUpEnd,
  HANDLING_COMMANDS,
  handlingOf,
  type LoadStage,
  type MetricsHandling,
  type MetricsEscalation,
  type MetricsInput,
  type MetricsQuery,
  type MetricsSource,
  type MetricsTicket,
  type ProgressListener,
} from '../../core/analytics/metrics.js';
import type { PrismaClient } from './open-prisma.js';
import { parseJson } from './json-column.js';
import { feedbackPages, questionPages, readPages } from './read-pages.js';

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

    const questions = await readPages('questions', onProgress, take, questionPages(this.prisma, withFollowUps, take));
    const feedback = await readPages('feedback', onProgress, take, feedbackPages(this.prisma, period, take));

    const ticketWhere = { createdAt: withFollowUps };
    const tickets = await readPages<MetricsTicket, string, LoadStage>('tickets', onProgress, take, {
      count: () => this.prisma.ticket.count({ where: ticketWhere }),
      page: (after) =>
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
              assigneeId: true,
              assigneeName: true,
            },
          })
          .then((rows) => ({ rows, read: rows.length, last: rows.at(-1)?.id })),
    });

    // Escalations are status events whose detail says command 'escalate'; the text filter narrows, the parse decides.
    const eventWhere = { type: 'status', detail: { contains: ESCALATE_MARKER }, ticket: { createdAt: period } };
    const escalations = await readPages<MetricsEscalation, number, LoadStage>('escalations', onProgress, take, {
      count: () => this.prisma.ticketEvent.count({ where: eventWhere }),
      page: (after) =>
        this.prisma.ticketEvent
          .findMany({
            where: { ...eventWhere, ...(after === undefined ? {} : { id: { gt: after } }) },
            orderBy: { id: 'asc' },
            take,
            select: { id: true, ticketId: true, detail: true, createdAt: true },
          })
          .then((rows) => ({ rows: rows.flatMap(toEscalation), read: rows.length, last: rows.at(-1)?.id })),
    });

    return { questions, feedback, tickets, escalations };
  }

  /**
   * Who took and resolved the tickets created in [from, to): their claim, assign and resolve
   * status events and reassignments, a page at a time. The text filter on the detail narrows, the
   * parse decides (handlingOf).
   */
  async handling(query: Pick<MetricsQuery, 'from' | 'to'>): Promise<MetricsHandling[]> {
    const where = {
      ticket: { createdAt: { gte: query.from, lt: query.to } },
      OR: [
        { type: 'assigned' },
        ...HANDLING_COMMANDS.map((command) => ({ type: 'status', detail: { contains: `"command":"${command}"` } })),
      ],
    };
    const take = this.pageSize;
    return readPages<MetricsHandling, number, 'handling'>('handling', () => {}, take, {
      count: async () => 0,
      page: (after) =>
        this.prisma.ticketEvent
          .findMany({
            where: { ...where, ...(after === undefined ? {} : { id: { gt: after } }) },
            orderBy: { id: 'asc' },
            take,
            select: {
              id: true,
              ticketId: true,
              type: true,
              actorId: true,
              actorName: true,
              detail: true,
              createdAt: true,
            },
          })
          .then((rows) => ({
            rows: rows.flatMap((row) => {
              const found = handlingOf({ ...row, detail: parseJson<Record<string, unknown>>(row.detail, {}) ?? {} });
              return found ? [found] : [];
            }),
            read: rows.length,
            last: rows.at(-1)?.id,
          })),
    });
  }
}

function toEscalation(row: { ticketId: string; detail: string; createdAt: Date }): MetricsEscalation[] {
  const detail = parseJson<Record<string, unknown>>(row.detail, {});
  if (detail === null || typeof detail !== 'object' || detail.command !== 'escalate') return [];
  if (typeof detail.fromTier !== 'string' || typeof detail.toTier !== 'string') return [];
  return [{ ticketId: row.ticketId, fromTier: detail.fromTier, toTier: detail.toTier, createdAt: row.createdAt }];
}
