import type { QuestionLog, QuestionRecord } from '../../core/analytics/question-log.js';
import { Outage, systemClock, throughJson, type Clock } from './outage.js';

/** A "helpful" / "not helpful" vote as stored: one per user and question, the last one wins. */
export interface StoredVote {
  questionId: string;
  userId: string;
  helpful: boolean;
  createdAt: Date;
}

/** Questions and feedback in memory, as PrismaQuestionLog keeps them: for core tests. */
export class MemoryQuestionLog implements QuestionLog {
  private readonly questions = new Map<string, QuestionRecord & { createdAt: Date }>();
  private readonly feedbackRows: StoredVote[] = [];

  constructor(
    private readonly outage = new Outage(),
    private readonly now: Clock = systemClock,
  ) {}

  async record(question: QuestionRecord): Promise<void> {
    this.outage.check();
    // The same question recorded again (a delivery handled a second time) keeps the first.
    if (this.questions.has(question.id)) return;
    this.questions.set(question.id, { ...throughJson(question), createdAt: this.now() });
  }

  async find(id: string): Promise<(QuestionRecord & { createdAt: Date }) | null> {
    this.outage.check();
    const row = this.questions.get(id);
    // With its creation time, as the Prisma row has it.
    return row ? { ...throughJson(row), createdAt: new Date(row.createdAt) } : null;
  }

  async choose(id: string, articleId: string): Promise<void> {
    this.outage.check();
    const row = this.questions.get(id);
    // As Prisma's update of a missing row (P2025).
    if (!row) throw Object.assign(new Error(`no question ${id} to choose for`), { code: 'P2025' });
    Object.assign(row, { outcome: 'chosen', articleId });
  }

  async feedback(questionId: string, userId: string, helpful: boolean): Promise<void> {
    this.outage.check();
    // A vote belongs to a question (the foreign key).
    if (!this.questions.has(questionId))
      throw Object.assign(new Error(`no question ${questionId} to vote on`), { code: 'P2003' });
    const existing = this.feedbackRows.find((v) => v.questionId === questionId && v.userId === userId);
    if (existing) Object.assign(existing, { helpful, createdAt: this.now() });
    else this.feedbackRows.push({ questionId, userId, helpful, createdAt: this.now() });
  }

  /** Every question recorded, in the order recorded. */
  all(): Array<QuestionRecord & { createdAt: Date }> {
    return [...this.questions.values()].map((q) => ({ ...throughJson(q), createdAt: new Date(q.createdAt) }));
  }

  /** Every vote, in the order first cast (what a test would read from the Feedback table). */
  votes(): StoredVote[] {
    return this.feedbackRows.map((v) => ({ ...v, createdAt: new Date(v.createdAt) }));
  }
}
