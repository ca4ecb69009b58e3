import type { QuestionRecord } from '../analytics/question-log.js';
import type { ScriptSession } from '../scripts/script-runner.js';

/** A transcript line as stored. */
export interface StoredMessage {
  author: 'user' | 'bot' | 'agent';
  authorId?: string | null;
  text: string;
  at: Date;
}

/** What the core remembers about a conversation between turns. */
export interface ConversationState {
  /** The user who started the conversation: un-addressed follow-ups are taken only from them. */
  ownerId?: string;
  /** The last question asked, for feedback and "talk to a human". */
  lastQuestion?: { id: string; text: string; articleId: string | null; category: string | null; escalateTo?: string };
  /** Question ids asked in this conversation recently: feedback buttons must name one of them. */
  recentQuestionIds?: string[];
  /** Article ids offered as "did you mean" choices: a choice must name one of them. */
  offered?: string[];
  /** Key of the ticket opened from this conversation, if any. */
  ticketKey?: string;
  /** The guided script in progress, if any. */
  script?: ScriptSession;
  /**
   * The language the bot speaks here (its own texts, from src/core/messages): the language of
   * the last question, as the answer engine detected it. Absent: the default language.
   */
  language?: string;
  /** The last deliveries handled here and what was replied, so a repeated delivery is answered the same, once. */
  delivered?: Array<{ id: string; replies: unknown[] }>;
}

/** Conversation state and transcript. Implementations: PrismaConversationStore. */
export interface ConversationStore {
  load(key: string): Promise<ConversationState | null>;
  /**
   * Saves the state, appends transcript lines and records the turn's questions (for analytics,
   * as QuestionLog.record: one already recorded under its id is kept) in one transaction.
   */
  save(
    key: string,
    meta: { channel: string; userId: string },
    state: ConversationState,
    messages: StoredMessage[],
    questions?: QuestionRecord[],
  ): Promise<void>;
  transcript(key: string, limit: number): Promise<StoredMessage[]>;
  /**
   * The language of the person's conversation in that chat saved most recently with one (see
   * ConversationState.language), or null: how to speak to them where no conversation is at hand
   * yet (a form opened from a command, their own list of tickets).
   */
  latestLanguage(channel: string, userId: string): Promise<string | null>;
}
