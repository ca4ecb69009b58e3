import {
  followUpEnd,
  handlingOf,
  type LoadStage,
  type MetricsHandling,
  type MetricsEscalation,
  type MetricsInput,
  type MetricsQuery,
  type MetricsSource,
  type ProgressListener,
} from '../../core/analytics/metrics.js';
import type { MemoryQuestionLog } from './memory-question-log.js';
import type { MemoryTicketRepository } from './memory-ticket-repository.js';

/** PrismaMetricsSource over the in-memory twins: the same rows for the same query, for core tests. */
export class MemoryMetricsSource implements MetricsSource {
  constructor(private readonly ports: { tickets: MemoryTicketRepository; questions: MemoryQuestionLog }) {}

  async load(query: MetricsQuery, onProgress: ProgressListener = () => {}): Promise<MetricsInput> {
    const end = followUpEnd(query);
    const inPeriod = (at: Date) => at >= query.from && at < query.to;
    const withFollowUps = (at: Date) => at >= query.from && at < end;
    const allQuestions = this.ports.questions.all();
    const questions = allQuestions
      .filter((q) => withFollowUps(q.createdAt))
      .map((q) => ({
        id: q.id,
        conversationKey: q.conversationKey,
        channel: q.channel,
        userId: q.userId,
        outcome: q.outcome,
        articleId: q.articleId,
        createdAt: q.createdAt,
      }));
    const periodQuestions = new Set(allQuestions.filter((q) => inPeriod(q.createdAt)).map((q) => q.id));
    const feedback = this.ports.questions
      .votes()
      .filter((v) => periodQuestions.has(v.questionId))
      .map((v) => ({ questionId: v.questionId, userId: v.userId, helpful: v.helpful }));
    const { tickets: allTickets, events } = this.ports.tickets.all();
    const tickets = allTickets
      .filter((t) => withFollowUps(t.createdAt))
      .map((t) => ({
        id: t.id,
        channel: t.channel,
        conversationKey: t.conversationKey,
        requesterId: t.requesterId,
        priority: t.priority,
        tier: t.tier,
        category: t.category,
        status: t.status,
        createdAt: t.createdAt,
        firstResponseAt: t.firstResponseAt,
        resolvedAt: t.resolvedAt,
        closedAt: t.closedAt,
        responseDueAt: t.responseDueAt,
        resolveDueAt: t.resolveDueAt,
        satisfaction: t.satisfaction,
        assigneeId: t.assigneeId,
        assigneeName: t.assigneeName,
      }));
    const periodTickets = new Set(allTickets.filter((t) => inPeriod(t.createdAt)).map((t) => t.id));
    const escalations: MetricsEscalation[] = events.flatMap((e) =>
      e.type === 'status' &&
      periodTickets.has(e.ticketId) &&
      e.detail.command === 'escalate' &&
      typeof e.detail.fromTier === 'string' &&
      typeof e.detail.toTier === 'string'
        ? [{ ticketId: e.ticketId, fromTier: e.detail.fromTier, toTier: e.detail.toTier, createdAt: e.createdAt }]
        : [],
    );
    const stages: Array<[LoadStage, number]> = [
      ['questions', questions.length],
      ['feedback', feedback.length],
      ['tickets', tickets.length],
      ['escalations', escalations.length],
    ];
    for (const [stage, n] of stages) onProgress({ stage, loaded: n, total: n });
    return { questions, feedback, tickets, escalations };
  }

  async handling(query: Pick<MetricsQuery, 'from' | 'to'>): Promise<MetricsHandling[]> {
    const { tickets, events } = this.ports.tickets.all();
    const inPeriod = new Set(
      tickets.filter((t) => t.createdAt >= query.from && t.createdAt < query.to).map((t) => t.id),
    );
    return events.flatMap((e) => {
      const found = inPeriod.has(e.ticketId) ? handlingOf(e) : null;
      return found ? [found] : [];
    });
  }
}
