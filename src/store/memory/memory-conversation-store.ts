import type { QuestionRecord } from '../../core/analytics/question-log.js';
import type {
  ConversationState,
  ConversationStore,
  StoredMessage,
} from '../../core/conversation/conversation-store.js';
import type { MemoryQuestionLog } from './memory-question-log.js';
import { Outage, throughJson } from './outage.js';

interface MessageRow extends StoredMessage {
  id: number;
  conversationKey: string;
}

/** Conversation state and transcripts in memory, as PrismaConversationStore keeps them: for core tests. */
export class MemoryConversationStore implements ConversationStore {
  /** By key; `saved` orders them as the database's updatedAt does. */
  private readonly conversations = new Map<string, { channel: string; userId: string; state: string; saved: number }>();
  private saves = 0;
  private readonly messages: MessageRow[] = [];

  /** `questions`: where a turn's questions are recorded (MemoryStore's log); without it they are dropped. */
  constructor(
    private readonly outage = new Outage(),
    private readonly questions?: MemoryQuestionLog,
  ) {}

  async load(key: string): Promise<ConversationState | null> {
    this.outage.check();
    const row = this.conversations.get(key);
    return row ? (JSON.parse(row.state) as ConversationState) : null;
  }

  async save(
    key: string,
    meta: { channel: string; userId: string },
    state: ConversationState,
    messages: StoredMessage[],
    questions: QuestionRecord[] = [],
  ): Promise<void> {
    this.outage.check();
    // Both or neither, as the transaction: the state is serialised before anything changes.
    const json = JSON.stringify(state);
    const lines = messages.map((m) => ({
      conversationKey: key,
      author: m.author,
      authorId: m.authorId ?? null,
      text: m.text,
      at: new Date(m.at),
    }));
    const existing = this.conversations.get(key);
    const saved = ++this.saves;
    this.conversations.set(
      key,
      existing
        ? { ...existing, state: json, saved }
        : { channel: meta.channel, userId: meta.userId, state: json, saved },
    );
    for (const line of lines) this.messages.push({ id: this.messages.length + 1, ...line });
    for (const question of questions) await this.questions?.record(question);
  }

  async transcript(key: string, limit: number): Promise<StoredMessage[]> {
    this.outage.check();
    if (limit <= 0) return [];
    return this.messages
      .filter((m) => m.conversationKey === key)
      .slice(-limit)
      .map((m) => ({ author: m.author, authorId: m.authorId ?? null, text: m.text, at: new Date(m.at) }));
  }

  async latestLanguage(channel: string, userId: string): Promise<string | null> {
    this.outage.check();
    const rows = [...this.conversations.values()]
      .filter((row) => row.channel === channel && row.userId === userId)
      .sort((a, b) => b.saved - a.saved)
      .slice(0, 5);
    for (const row of rows) {
      const language = (JSON.parse(row.state) as ConversationState).language;
      if (typeof language === 'string' && language) return language;
    }
    return null;
  }

  /** Every transcript line stored, oldest first (what a test would count in the Message table). */
  allMessages(): Array<StoredMessage & { conversationKey: string }> {
    return this.messages
      .map((m) => throughJson({ ...m, at: m.at.toISOString() }))
      .map((m) => ({ ...m, at: new Date(m.at) }));
  }

  /** The stored state of a conversation, as a test would write it over (a stale or damaged row). */
  overwrite(key: string, state: ConversationState): void {
    const row = this.conversations.get(key);
    if (!row) throw new Error(`no conversation ${key}`);
    row.state = JSON.stringify(state);
  }
}
