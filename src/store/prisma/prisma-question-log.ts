import type { QuestionLog, QuestionOutcome, QuestionRecord } from '../../core/analytics/question-log.js';
import type { PrismaClient } from './open-prisma.js';
import { postgresTime, sqliteTime, type HotSql, type HotStatement } from './hot-sql.js';
import { readExplanation, storedExplanation } from './question-explanation.js';

/**
 * The insert of a question, as a hot-path statement: one already recorded under its id (a delivery
 * handled a second time after a crash) is kept, without an error or a rollback.
 */
export function questionInsert(dialect: HotSql['dialect'], question: QuestionRecord, at: Date): HotStatement {
  const columns = `"id", "conversationKey", "channel", "userId", "text", "outcome", "articleId", "confidence", "explanation", "createdAt"`;
  const values =
    dialect === 'postgres' ? '$1, $2, $3, $4, $5, $6, $7, $8, $9, $10::timestamp' : '?, ?, ?, ?, ?, ?, ?, ?, ?, ?';
  return {
    name: 'question-add',
    sql: `INSERT INTO "Question" (${columns}) VALUES (${values}) ON CONFLICT ("id") DO NOTHING`,
    args: [
      question.id,
      question.conversationKey,
      question.channel,
      question.userId,
      question.text,
      question.outcome,
      question.articleId,
      question.confidence,
      storedExplanation(question.explanation, question.articleId),
      dialect === 'postgres' ? postgresTime(at) : sqliteTime(at),
    ],
  };
}

/** Questions and answer feedback in the database. */
export class PrismaQuestionLog implements QuestionLog {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly hot: HotSql,
  ) {}

  async record(question: QuestionRecord): Promise<void> {
    await this.hot.run(questionInsert(this.hot.dialect, question, new Date()));
  }

  async find(id: string): Promise<QuestionRecord | null> {
    const row = await this.prisma.question.findUnique({ where: { id } });
    if (!row) return null;
    return {
      ...row,
      outcome: row.outcome as QuestionOutcome,
      explanation: readExplanation(row.explanation),
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
