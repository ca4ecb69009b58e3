import {
  type AutomationHistory,
  type AutomationInput,
  type AutomationProgress,
  type AutomationRanges,
  type AutomationSource,
  type AutomationStage,
  type AutomationTicketEvent,
} from '../../core/analytics/automation.js';
import type { MemoryQuestionLog } from './memory-question-log.js';
import type { MemoryScriptRunLog } from './memory-script-run-log.js';
import type { MemoryTicketRepository } from './memory-ticket-repository.js';

const EVENT_STATUSES = new Set(['claimed', 'resolved', 'reopened']);

/** PrismaAutomationSource over the in-memory twins: the same rows for the same ranges, for core tests. */
export class MemoryAutomationSource implements AutomationSource {
  constructor(
    private readonly ports: {
      tickets: MemoryTicketRepository;
      questions: MemoryQuestionLog;
      scriptRuns: MemoryScriptRunLog;
    },
  ) {}

  async history(): Promise<AutomationHistory> {
    const first = new Map<string, Date>();
    for (const q of this.ports.questions.all()) {
      if (!q.articleId || (q.outcome !== 'answered' && q.outcome !== 'chosen')) continue;
      const seen = first.get(q.articleId);
      if (!seen || q.createdAt < seen) first.set(q.articleId, q.createdAt);
    }
    const runs = new Map<string, Date>();
    for (const run of this.ports.scriptRuns.all()) {
      const seen = runs.get(run.scriptId);
      if (!seen || run.startedAt < seen) runs.set(run.scriptId, run.startedAt);
    }
    const times = this.ports.tickets.all().tickets.map((t) => t.createdAt.getTime());
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    return {
      articles: [...first].map(([id, firstUsedAt]) => ({ id, firstUsedAt })).sort(byId),
      scripts: [...runs].map(([id, firstUsedAt]) => ({ id, firstUsedAt })).sort(byId),
      earliestTicketAt: times.length === 0 ? null : new Date(Math.min(...times)),
    };
  }

  async load(
    ranges: AutomationRanges,
    onProgress: (progress: AutomationProgress) => void = () => {},
  ): Promise<AutomationInput> {
    const within = (at: Date, range: { from: Date; to: Date }) => at >= range.from && at < range.to;
    const { tickets: allTickets, events: allEvents } = this.ports.tickets.all();
    const tickets = allTickets
      .filter((t) => within(t.createdAt, ranges.tickets))
      .map((t) => ({
        id: t.id,
        key: t.key,
        channel: t.channel,
        conversationKey: t.conversationKey,
        requesterId: t.requesterId,
        subject: t.subject,
        question: t.question,
        category: t.category,
        createdAt: t.createdAt,
        firstResponseAt: t.firstResponseAt,
      }));
    const ids = new Set(tickets.map((t) => t.id));
    const events = allEvents
      .filter(
        (e) => ids.has(e.ticketId) && e.type === 'status' && e.toStatus !== null && EVENT_STATUSES.has(e.toStatus),
      )
      .map((e): AutomationTicketEvent => ({
        ticketId: e.ticketId,
        toStatus: e.toStatus as AutomationTicketEvent['toStatus'],
        resolution: typeof e.detail.resolution === 'string' ? e.detail.resolution : null,
        createdAt: e.createdAt,
      }));
    const questions = this.ports.questions
      .all()
      .filter((q) => within(q.createdAt, ranges.questions))
      .map((q) => ({
        id: q.id,
        conversationKey: q.conversationKey,
        channel: q.channel,
        userId: q.userId,
        outcome: q.outcome,
        articleId: q.articleId,
        createdAt: q.createdAt,
      }));
    const questionIds = new Set(questions.map((q) => q.id));
    const feedback = this.ports.questions
      .votes()
      .filter((v) => questionIds.has(v.questionId))
      .map((v) => ({ questionId: v.questionId, userId: v.userId, helpful: v.helpful }));
    const scriptRuns = this.ports.scriptRuns
      .all()
      .filter((r) => within(r.startedAt, ranges.scriptRuns))
      .map((r) => ({
        id: r.id,
        conversationKey: r.conversationKey,
        scriptId: r.scriptId,
        outcome: r.outcome,
        startedAt: r.startedAt,
      }));
    const stages: Array<[AutomationStage, number]> = [
      ['tickets', tickets.length],
      ['events', events.length],
      ['questions', questions.length],
      ['feedback', feedback.length],
      ['script runs', scriptRuns.length],
    ];
    for (const [stage, n] of stages) onProgress({ stage, loaded: n, total: n });
    return { tickets, events, questions, feedback, scriptRuns };
  }
}
