// The floor for slack-bench.ts: a bare Bolt app with the receiver our Slack channel uses
// (ExpressReceiver on POST /slack/events, signature checked with SLACK_SIGNING_SECRET), whose one
// listener answers each message with say(). Slack's Web API is SLACK_API_URL (the benchmark's
// stand-in). Prints {"port": N} once it listens; stops on SIGTERM.
//
// Plain (BARE_DURABLE unset): it acknowledges as Bolt does for every event (before the listener
// runs) and writes nothing anywhere.
//
// Durable (BARE_DURABLE=sqlite|postgres, BARE_DATABASE_URL a file path or a postgres:// URL,
// BARE_SCHEMA the PostgreSQL schema, default bare_bolt_app): the yardstick for a bot that loses
// nothing it acknowledged. As our receiver does (slackInbox in slack-transport.ts), each event is
// inserted into a table under its delivery id (the event id) before Slack is answered; a retried
// id inserts nothing, is acknowledged and dropped; if the insert fails Slack gets a 500. After
// say() the row is marked done. The database is set as our store sets it: SQLite in WAL mode with
// a 5 s busy timeout and better-sqlite3's default synchronous (NORMAL in WAL mode), on the event
// loop's thread; PostgreSQL through a pg pool of 10 with the server's synchronous_commit, which our
// inbox's insert and its "done" also wait for. Nothing else: no answer, no person looked up, no
// conversation kept. Its settings are printed on stderr at start.
import { App, ExpressReceiver, LogLevel, type ReceiverEvent } from '@slack/bolt';
import Database from 'better-sqlite3';
import pg from 'pg';

/** The table of kept events: where the durable mode writes. */
interface BareInbox {
  /** Inserts the event under its delivery id; false when that id is there already (a retry). */
  keep(deliveryId: string, payload: string): Promise<boolean>;
  done(deliveryId: string): Promise<void>;
  /** One line for stderr: the database and the settings that decide what a write waits for. */
  describe(): Promise<string>;
  close(): Promise<void>;
}

const signingSecret = process.env.SLACK_SIGNING_SECRET;
const token = process.env.SLACK_BOT_TOKEN;
const apiUrl = process.env.SLACK_API_URL;
if (!signingSecret || !token || !apiUrl) {
  process.stderr.write('bare-bolt-app needs SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN and SLACK_API_URL\n');
  process.exit(2);
}
const durable = process.env.BARE_DURABLE?.trim() || undefined;
const databaseUrl = process.env.BARE_DATABASE_URL?.trim() || undefined;
if (durable !== undefined && durable !== 'sqlite' && durable !== 'postgres') {
  process.stderr.write(`BARE_DURABLE is sqlite or postgres (or unset for the plain app), not "${durable}"\n`);
  process.exit(2);
}
if (durable && !databaseUrl) {
  process.stderr.write(
    `BARE_DURABLE=${durable} needs BARE_DATABASE_URL (${durable === 'sqlite' ? 'a file path' : 'a postgres:// URL'})\n`,
  );
  process.exit(2);
}

function sqliteInbox(file: string): BareInbox {
  // As open-prisma.ts opens ours (the adapter's timeout is better-sqlite3's busy timeout) and
  // sqlite-migrator.ts sets WAL; synchronous is left at the build's default, as ours is.
  const db = new Database(file.replace(/^file:/, ''), { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE IF NOT EXISTS "Inbox" (
    "deliveryId" TEXT PRIMARY KEY NOT NULL,
    "payload" TEXT NOT NULL,
    "receivedAt" TEXT NOT NULL,
    "doneAt" TEXT
  )`);
  const insert = db.prepare(
    `INSERT INTO "Inbox" ("deliveryId", "payload", "receivedAt") VALUES (?, ?, ?) ON CONFLICT ("deliveryId") DO NOTHING`,
  );
  const markDone = db.prepare(`UPDATE "Inbox" SET "doneAt" = ? WHERE "deliveryId" = ? AND "doneAt" IS NULL`);
  return {
    keep: async (id, payload) => insert.run(id, payload, new Date().toISOString()).changes === 1,
    done: async (id) => void markDone.run(new Date().toISOString(), id),
    describe: async () =>
      `SQLite ${file}, journal_mode ${String(db.pragma('journal_mode', { simple: true }))}, synchronous ${String(db.pragma('synchronous', { simple: true }))}, busy_timeout ${String(db.pragma('busy_timeout', { simple: true }))}`,
    close: async () => void db.close(),
  };
}

async function postgresInbox(url: string, schema: string): Promise<BareInbox> {
  if (!/^[a-z_][a-z0-9_]*$/i.test(schema)) throw new Error(`BARE_SCHEMA must be a plain identifier, not "${schema}"`);
  const table = `"${schema}"."Inbox"`;
  // As open-postgres-prisma.ts: a pool of 10 (DATABASE_POOL_SIZE's default), its idle errors ignored.
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', () => undefined);
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (
    "deliveryId" TEXT PRIMARY KEY,
    "payload" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,
    "doneAt" TIMESTAMP(3)
  )`);
  return {
    // Named statements: pg prepares each once per connection, as it does our hot path's.
    keep: async (id, payload) =>
      (
        await pool.query({
          name: 'bare-keep',
          text: `INSERT INTO ${table} ("deliveryId", "payload", "receivedAt") VALUES ($1, $2, now()) ON CONFLICT ("deliveryId") DO NOTHING`,
          values: [id, payload],
        })
      ).rowCount === 1,
    done: async (id) =>
      void (await pool.query({
        name: 'bare-done',
        text: `UPDATE ${table} SET "doneAt" = now() WHERE "deliveryId" = $1 AND "doneAt" IS NULL`,
        values: [id],
      })),
    describe: async () => {
      const { rows } = await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
      return `PostgreSQL schema ${schema}, synchronous_commit ${rows[0]?.synchronous_commit ?? '?'}, pool of 10`;
    },
    close: () => pool.end(),
  };
}

/** The delivery id Slack retries under: an Events API callback's event id. */
function deliveryIdOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { type, event_id: id } = body as { type?: unknown; event_id?: unknown };
  return type === 'event_callback' && typeof id === 'string' && id !== '' ? id : undefined;
}

const inbox =
  durable === 'sqlite'
    ? sqliteInbox(databaseUrl!)
    : durable === 'postgres'
      ? await postgresInbox(databaseUrl!, process.env.BARE_SCHEMA?.trim() || 'bare_bolt_app')
      : undefined;

const receiver = new ExpressReceiver({ signingSecret, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
const app = new App({
  token,
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` },
});

app.message(async ({ message, say }) => {
  const text = 'text' in message && typeof message.text === 'string' ? message.text : '';
  await say(`You said: ${text}`);
});

if (inbox) {
  // As slackInbox.attach: the receiver hands its requests here instead of to the app, and the
  // acknowledgement waits for the insert. Unlike ours, the kept event is then handled at once in
  // this request's promise (the acknowledgement has gone by then), with no queue or worker.
  receiver.init({
    processEvent: async (event: ReceiverEvent) => {
      const id = deliveryIdOf(event.body);
      if (id === undefined) return app.processEvent(event);
      const added = await inbox.keep(id, JSON.stringify(event.body));
      await event.ack();
      if (!added) return;
      // Bolt's processEvent settles once its listeners have (say() included).
      await app.processEvent({ ...event, ack: async () => {} });
      await inbox.done(id);
    },
  } as unknown as App);
  process.stderr.write(`bare-bolt-app keeps each event before acknowledging it: ${await inbox.describe()}\n`);
}

const server = await receiver.start({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
process.once('SIGTERM', () => {
  void receiver
    .stop()
    .then(() => inbox?.close())
    .then(() => process.exit(0));
});
