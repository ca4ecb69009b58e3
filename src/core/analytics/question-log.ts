import type { AnswerExplanation } from '../answering/answer-engine.js';

export type QuestionOutcome = 'answered' | 'suggested' | 'no_answer' | 'chosen';

/** A question as recorded for analytics. */
export interface QuestionRecord {
  id: string;
  conversationKey: string;
  channel: string;
  userId: string;
  text: string;
  outcome: QuestionOutcome;
  articleId: string | null;
  confidence: number;
  explanation: AnswerExplanation | Record<string, unknown>;
}

/** Every question asked and the feedback on answers. Implementations: PrismaQuestionLog. */
export interface QuestionLog {
  record(question: QuestionRecord): Promise<void>;
  find(id: string): Promise<QuestionRecord | null>;
  /** The employee picked one of the "did you mean" articles. */
  choose(id: string, articleId: string): Promise<void>;
  /** Helpful or not; a second vote by the same user replaces the first. */
  feedback(questionId: string, userId: string, helpful: boolean): Promise<void>;
}
