import type { QuestionRecord } from '../../core/analytics/question-log.js';
import type {
  ConversationState,
  ConversationStore,
  StoredMessage,
} from '../../core/conversation/conversation-store.js';
import type { PrismaClient } from './open-prisma.js';
import { postgresTime, sqliteTime, type HotSql, type HotStatement } from './hot-sql.js';
import { parseJson } from './json-column.js';
import { questionInsert } from './prisma-question-log.js';
import { storedExplanation } from './question-explanation.js';

/**
 * Conversation state and transcripts in the database. A turn's load and save are the hot path's
 * prepared statements (hot-sql.ts); the save is one write: on SQLite one transaction, on
 * PostgreSQL one statement (its parts as data-modifying WITH clauses, atomic as a statement is).
 */
export class PrismaConversationStore implements ConversationStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly hot: HotSql,
  ) {}

  async load(key: string): Promise<ConversationState | null> {
    const sql =
      this.hot.dialect === 'postgres'
        ? 'SELECT "state" FROM "Conversation" WHERE "key" = $1'
        : 'SELECT "state" FROM "Conversation" WHERE "key" = ?';
    const [row] = await this.hot.rows<{ state: string }>({ name: 'conversation-load', sql, args: [key] });
    return row ? parseJson<ConversationState>(row.state, {}) : null;
  }

  async save(
    key: string,
    meta: { channel: string; userId: string },
    state: ConversationState,
    messages: StoredMessage[],
    questions: QuestionRecord[] = [],
  ): Promise<void> {
    const json = JSON.stringify(state);
    const now = new Date();
    if (this.hot.dialect === 'postgres') {
      await this.hot.run(postgresSave(key, meta, json, messages, questions, now));
      return;
    }
    const at = sqliteTime(now);
    const statements: HotStatement[] = [
      {
        name: 'conversation-save',
        sql: `INSERT INTO "Conversation" ("key", "channel", "userId", "state", "createdAt", "updatedAt")
              VALUES (?, ?, ?, ?, ?, ?)
              ON CONFLICT ("key") DO UPDATE SET "state" = excluded."state", "updatedAt" = excluded."updatedAt"`,
        args: [key, meta.channel, meta.userId, json, at, at],
      },
      ...messages.map((m) => ({
        name: 'message-add',
        sql: 'INSERT INTO "Message" ("conversationKey", "author", "authorId", "text", "createdAt") VALUES (?, ?, ?, ?, ?)',
        args: [key, m.author, m.authorId ?? null, m.text, sqliteTime(m.at)],
      })),
      ...questions.map((q) => questionInsert('sqlite', q, now)),
    ];
    await this.hot.transaction(statements);
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

  async latestLanguage(channel: string, userId: string): Promise<string | null> {
    // By the (channel, userId, updatedAt) index; a few recent ones, as the newest may have no language yet.
    const rows = await this.prisma.conversation.findMany({
      where: { channel, userId },
      orderBy: { updatedAt: 'desc' },
      take: LATEST_LOOKED_AT,
      select: { state: true },
    });
    for (const row of rows) {
      const language = parseJson<ConversationState>(row.state, {}).language;
      if (typeof language === 'string' && language) return language;
    }
    return null;
  }
}

/** Conversations read for a person's latest language: past these, the default language is as good a guess. */
const LATEST_LOOKED_AT = 5;

/**
 * The whole save as one PostgreSQL statement: the conversation, then its lines and questions, in
 * array parameters. Its commit does not wait for the WAL to reach the disk (synchronous_commit off
 * for this statement's transaction alone): what makes a delivery safe is the inbox, whose item
 * was committed durably before Slack was answered and is marked done (durably, which flushes this
 * commit too) only after the replies are posted. A server crash in between loses at most this
 * turn, and the item, not done, is handled again: the reply posted again, as after a bot crash
 * before "done". Not waiting for the flush takes a disk sync off every reply.
 */
function postgresSave(
  key: string,
  meta: { channel: string; userId: string },
  json: string,
  messages: StoredMessage[],
  questions: QuestionRecord[],
  now: Date,
): HotStatement {
  return {
    name: 'conversation-save',
    sql: `WITH "c" AS (
        INSERT INTO "Conversation" ("key", "channel", "userId", "state", "createdAt", "updatedAt")
        VALUES ($1, $2, $3, $4, $5::timestamp, $5::timestamp)
        ON CONFLICT ("key") DO UPDATE SET "state" = EXCLUDED."state", "updatedAt" = EXCLUDED."updatedAt"
        RETURNING "key"
      ), "m" AS (
        INSERT INTO "Message" ("conversationKey", "author", "authorId", "text", "createdAt")
        SELECT "c"."key", m."author", m."authorId", m."text", m."at"
        FROM "c", unnest($6::text[], $7::text[], $8::text[], $9::timestamp[]) WITH ORDINALITY AS m("author", "authorId", "text", "at", "n")
        ORDER BY m."n"
      ), "q" AS (
        INSERT INTO "Question" ("id", "conversationKey", "channel", "userId", "text", "outcome", "articleId", "confidence", "explanation", "createdAt")
        SELECT q."id", q."conversationKey", q."channel", q."userId", q."text", q."outcome", q."articleId", q."confidence", q."explanation", $5::timestamp
        FROM unnest($10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::float8[], $17::text[], $18::text[])
          AS q("id", "channel", "userId", "text", "outcome", "articleId", "confidence", "explanation", "conversationKey")
        ON CONFLICT ("id") DO NOTHING
      )
      SELECT set_config('synchronous_commit', 'off', true)`,
    args: [
      key,
      meta.channel,
      meta.userId,
      json,
      postgresTime(now),
      messages.map((m) => m.author),
      messages.map((m) => m.authorId ?? null),
      messages.map((m) => m.text),
      messages.map((m) => postgresTime(m.at)),
      questions.map((q) => q.id),
      questions.map((q) => q.channel),
      questions.map((q) => q.userId),
      questions.map((q) => q.text),
      questions.map((q) => q.outcome),
      questions.map((q) => q.articleId),
      questions.map((q) => q.confidence),
      questions.map((q) => storedExplanation(q.explanation, q.articleId)),
      questions.map((q) => q.conversationKey),
    ],
  };
}
