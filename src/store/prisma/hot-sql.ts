import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';

/** One SQL statement of the hot path with its arguments, in its database's dialect. */
export interface HotStatement {
  /** A stable name: PostgreSQL prepares the statement once per connection under it. */
  name: string;
  sql: string;
  args: unknown[];
}

/**
 * The few statements every message runs (the inbox's enqueue and completion, the conversation's
 * state, transcript and question), prepared once and run without Prisma's query engine, which took
 * about a third of a replica's CPU per message. Everything else stays on Prisma.
 */
export interface HotSql {
  readonly dialect: 'sqlite' | 'postgres';
  /** The rows a statement returns (a SELECT, or a write with RETURNING). */
  rows<T>(statement: HotStatement): Promise<T[]>;
  /** Runs a write; returns how many rows it changed. */
  run(statement: HotStatement): Promise<number>;
  /** Runs writes in one transaction, all or none; returns the rows each returned (empty for none). */
  transaction(statements: HotStatement[]): Promise<unknown[][]>;
}

/**
 * SQLite: the statements run on the connection Prisma's better-sqlite3 adapter opened (a second
 * connection would be a second writer, and better-sqlite3 waits for a lock synchronously, which
 * would stop the event loop while Prisma's transaction on the other connection waits for it).
 * Each SQL text is prepared once and kept. A transaction of ours is synchronous, so nothing of
 * Prisma's can run inside it; it starts only when Prisma has no transaction open on the
 * connection, so it never joins one of Prisma's.
 */
export class SqliteHotSql implements HotSql {
  readonly dialect = 'sqlite' as const;
  private readonly prepared = new Map<string, BetterSqlite3.Statement>();
  private connection: BetterSqlite3.Database | undefined;

  /** `connection` is asked each time: Prisma may reconnect. */
  constructor(private readonly connect: () => BetterSqlite3.Database) {}

  async rows<T>(statement: HotStatement): Promise<T[]> {
    await this.idle();
    return this.statement(statement.sql).all(...statement.args) as T[];
  }

  async run(statement: HotStatement): Promise<number> {
    await this.idle();
    return this.runNow(statement).changes;
  }

  async transaction(statements: HotStatement[]): Promise<unknown[][]> {
    await this.idle();
    const db = this.db();
    return db.transaction(() =>
      statements.map((s) => {
        const prepared = this.statement(s.sql);
        return prepared.reader ? (prepared.all(...s.args) as unknown[]) : (prepared.run(...s.args), []);
      }),
    )();
  }

  private runNow(statement: HotStatement): BetterSqlite3.RunResult {
    return this.statement(statement.sql).run(...statement.args);
  }

  private db(): BetterSqlite3.Database {
    const db = this.connect();
    if (db !== this.connection) {
      this.prepared.clear();
      this.connection = db;
    }
    return db;
  }

  private statement(sql: string): BetterSqlite3.Statement {
    const db = this.db();
    let statement = this.prepared.get(sql);
    if (!statement) {
      // Prisma's adapter reads integers as BigInt on this connection; ours are small numbers.
      statement = db.prepare(sql);
      if (statement.reader) statement.safeIntegers(false);
      this.prepared.set(sql, statement);
    }
    return statement;
  }

  /** Waits (a turn of the event loop at a time) while Prisma holds a transaction open on the connection. */
  private async idle(): Promise<void> {
    if (!this.db().inTransaction) return;
    // Longer than Prisma's transaction timeout (open-prisma.ts), after which Prisma rolls it back.
    const giveUpAt = Date.now() + 20_000;
    while (this.db().inTransaction) {
      if (Date.now() > giveUpAt) throw new Error('the SQLite connection stayed inside a transaction for 20 s');
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/**
 * PostgreSQL: the statements run on the pool Prisma's pg adapter uses, as named statements, which
 * pg prepares once per connection. A transaction is one connection's BEGIN ... COMMIT.
 */
export class PostgresHotSql implements HotSql {
  readonly dialect = 'postgres' as const;

  constructor(private readonly pool: pg.Pool) {}

  async rows<T>(statement: HotStatement): Promise<T[]> {
    const result = await this.pool.query({ name: statement.name, text: statement.sql, values: statement.args });
    return result.rows as T[];
  }

  async run(statement: HotStatement): Promise<number> {
    const result = await this.pool.query({ name: statement.name, text: statement.sql, values: statement.args });
    return result.rowCount ?? 0;
  }

  async transaction(statements: HotStatement[]): Promise<unknown[][]> {
    const client = await this.pool.connect();
    let broken: unknown;
    // Between two statements the connection may drop: pg then emits 'error' on the client, which
    // would end the process without a listener. The next statement fails and is thrown below; the
    // connection is not given back to the pool.
    const dropped = (error: Error) => {
      broken = error;
    };
    client.on('error', dropped);
    try {
      await client.query('BEGIN');
      const results: unknown[][] = [];
      for (const s of statements)
        results.push((await client.query({ name: s.name, text: s.sql, values: s.args })).rows as unknown[]);
      await client.query('COMMIT');
      return results;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // A connection that cannot even roll back is not given back to the pool.
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.off('error', dropped);
      client.release(broken instanceof Error ? broken : undefined);
    }
  }
}

/** A Date as Prisma's better-sqlite3 adapter writes DATETIME columns (ISO 8601 with +00:00), so both read alike. */
export function sqliteTime(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

/** A Date as Prisma writes PostgreSQL's TIMESTAMP(3) columns: UTC wall time (cast with ::timestamp). */
export function postgresTime(date: Date): string {
  return date.toISOString();
}
