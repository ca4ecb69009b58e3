import type { QuestionLog, QuestionOutcome, QuestionRecord } from '../../core/analytics/question-log.js';
import type { PrismaClient } from './open-prisma.js';
import { parseJson } from './json-column.js';

/** Questions and answer feedback in the database. */
export class PrismaQuestionLog implements QuestionLog {
  constructor(private readonly prisma: PrismaClient) {}

  async record(question: QuestionRecord): Promise<void> {
    try {
      await this.prisma.question.create({ data: { ...question, explanation: JSON.stringify(question.explanation) } });
    } catch (error) {
      // The same question recorded again (a delivery handled a second time after a crash).
      if ((error as { code?: string }).code !== 'P2002') throw error;
    }
  }

  async find(id: string): Promise<QuestionRecord | null> {
    const row = await this.prisma.question.findUnique({ where: { id } });
    if (!row) return null;
    return {
      ...row,
      outcome: row.outcome as QuestionOutcome,
      explanation: parseJson<Record<string, unknown>>(row.explanation, {}),
    };
  }

  async choose(id: string, articleId: string): Promise<void> {
    await this.prisma.question.update({ where: { id }, data: { outcome: 'chosen', articleId } });
  }

  async feedback(questionId: string, userId: string, helpful: boolean): Promise<void> {
    await this.prisma.feedback.upsert({
      where: { questionId_userId: { questionId, userId } },
      create: { questionId, userId, helpful },
      update: { helpful, createdAt: new Date() },
    });
  }
}
