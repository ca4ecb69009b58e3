import type {
  ConversationState,
  ConversationStore,
  StoredMessage,
} from '../../core/conversation/conversation-store.js';
import type { PrismaClient } from './open-prisma.js';
import { parseJson } from './json-column.js';

/** Conversation state and transcripts in the database. */
export class PrismaConversationStore implements ConversationStore {
  constructor(private readonly prisma: PrismaClient) {}

  async load(key: string): Promise<ConversationState | null> {
    const row = await this.prisma.conversation.findUnique({ where: { key } });
    return row ? parseJson<ConversationState>(row.state, {}) : null;
  }

  async save(
    key: string,
    meta: { channel: string; userId: string },
    state: ConversationState,
    messages: StoredMessage[],
  ): Promise<void> {
    const json = JSON.stringify(state);
    await this.prisma.$transaction([
      this.prisma.conversation.upsert({
        where: { key },
        create: { key, channel: meta.channel, userId: meta.userId, state: json },
        update: { state: json },
      }),
      this.prisma.message.createMany({
        data: messages.map((m) => ({
          conversationKey: key,
          author: m.author,
          authorId: m.authorId ?? null,
          text: m.text,
          createdAt: m.at,
        })),
      }),
    ]);
  }

  async transcript(key: string, limit: number): Promise<StoredMessage[]> {
    const rows = await this.prisma.message.findMany({
      where: { conversationKey: key },
      orderBy: { id: 'desc' },
      take: limit,
    });
    return rows.reverse().map((row) => ({
      author: row.author as StoredMessage['author'],
      authorId: row.authorId,
      text: row.text,
      at: row.createdAt,
    }));
  }
}
