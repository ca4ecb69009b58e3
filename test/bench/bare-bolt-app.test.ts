// The durable bare Bolt app is slack-bench's yardstick for a bot that loses nothing it
// acknowledged: it is a fair one only if it really keeps each event before Slack is answered, and
// keeps (and answers) a retried delivery once. Through real HTTP with signed requests, on SQLite,
// and on PostgreSQL when TEST_POSTGRES_URL is set.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BENCH_SECRET,
  SlackStandIn,
  directMessageEvent,
  dropSchema,
  eventCallbackBody,
  signSlackRequest,
  startBenchChild,
  stopBenchChild,
} from '../../src/bench/slack-bench-kit.js';

const postgresUrl = process.env.TEST_POSTGRES_URL?.trim() || undefined;

/** The test's own connection to the app's database: what it reads, and how it gets in the way. */
interface Peek {
  rows(): Promise<Array<{ deliveryId: string; payload: string; doneAt: unknown }>>;
  /** Holds the write lock on the app's table until the returned function is called. */
  holdWrites(): Promise<() => Promise<void>>;
  dropTable(): Promise<void>;
  close(): Promise<void>;
}

function sqlitePeek(file: string): Peek {
  const db = new Database(file, { timeout: 5000 });
  return {
    rows: async () =>
      db.prepare('SELECT "deliveryId", "payload", "doneAt" FROM "Inbox" ORDER BY "deliveryId"').all() as [],
    holdWrites: async () => {
      db.exec('BEGIN IMMEDIATE');
      return async () => void db.exec('COMMIT');
    },
    dropTable: async () => void db.exec('DROP TABLE "Inbox"'),
    close: async () => void db.close(),
  };
}

async function postgresPeek(url: string, schema: string): Promise<Peek> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const table = `"${schema}"."Inbox"`;
  return {
    rows: async () =>
      (await client.query(`SELECT "deliveryId", "payload", "doneAt" FROM ${table} ORDER BY "deliveryId"`)).rows as [],
    holdWrites: async () => {
      await client.query('BEGIN');
      await client.query(`LOCK TABLE ${table} IN EXCLUSIVE MODE`);
      return async () => void (await client.query('COMMIT'));
    },
    dropTable: async () => void (await client.query(`DROP TABLE ${table}`)),
    close: () => client.end(),
  };
}

const databases: Array<'sqlite' | 'postgres'> = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];

describe.each(databases)('the durable bare Bolt app on %s', (database) => {
  const slack = new SlackStandIn();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bare-durable-test-'));
  const schema = `bare_test_${randomBytes(4).toString('hex')}`;
  let child: ChildProcess;
  let url: string;
  let peek: Peek;
  let conversation = 0;

  beforeAll(async () => {
    const apiUrl = await slack.start();
    const file = path.join(dir, 'bare.db');
    ({ url, child } = await startBenchChild('src/bench/bare-bolt-app.ts', {
      SLACK_SIGNING_SECRET: BENCH_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-bare-test',
      SLACK_API_URL: apiUrl,
      PORT: '0',
      BARE_DURABLE: database,
      BARE_DATABASE_URL: database === 'sqlite' ? file : postgresUrl!,
      BARE_SCHEMA: schema,
    }));
    peek = database === 'sqlite' ? sqlitePeek(file) : await postgresPeek(postgresUrl!, schema);
  });

  afterAll(async () => {
    if (child) await stopBenchChild(child);
    await peek?.close();
    await slack.close();
    if (database === 'postgres') await dropSchema(postgresUrl!, schema);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A new employee's direct message: its event id, its body and the channel the reply goes to. */
  function message(text: string): { id: string; body: string; channel: string } {
    const n = ++conversation;
    const ts = `${1_700_000_000 + n}.000100`;
    const event = directMessageEvent(n, text, ts);
    const id = `Ev${randomBytes(5).toString('hex')}`;
    return { id, body: eventCallbackBody(event, id), channel: String(event.channel) };
  }

  function post(body: string, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${url}/slack/events`, { method: 'POST', headers: { ...signSlackRequest(body), ...headers }, body });
  }

  it('answers Slack only once the event is stored, and marks it done after its reply', async () => {
    const m = message('my vpn drops every hour');
    const release = await peek.holdWrites();
    let released = false;
    const answered = post(m.body).then((response) => ({ status: response.status, released }));
    // While the table is locked the insert waits, and so must the acknowledgement.
    await new Promise((resolve) => setTimeout(resolve, 300));
    released = true;
    await release();
    expect(await answered).toEqual({ status: 200, released: true });
    const stored = (await peek.rows()).find((row) => row.deliveryId === m.id);
    expect(JSON.parse(stored!.payload)).toMatchObject({ event_id: m.id, event: { text: 'my vpn drops every hour' } });
    await slack.waitFor(`channel:${m.channel}`, 1);
    await expect.poll(async () => (await peek.rows()).find((row) => row.deliveryId === m.id)?.doneAt).toBeTruthy();
  });

  it('stores and answers a retried delivery id once', async () => {
    const first = message('printer offline');
    expect((await post(first.body)).status).toBe(200);
    await slack.waitFor(`channel:${first.channel}`, 1);
    // Slack's retry: the same body (the same event id), marked as a retry.
    const retry = await post(first.body, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    // A later message's reply: by then a retry handled as new would have been answered too.
    const later = message('reset my password');
    expect((await post(later.body)).status).toBe(200);
    await slack.waitFor(`channel:${later.channel}`, 1);
    expect(slack.posts.get(`channel:${first.channel}`)).toBe(1);
    const ids = (await peek.rows()).map((row) => row.deliveryId);
    expect(ids.filter((id) => id === first.id)).toHaveLength(1);
    expect(ids).toContain(later.id);
    await expect.poll(async () => (await peek.rows()).find((row) => row.deliveryId === later.id)?.doneAt).toBeTruthy();
  });

  it('refuses (500, so Slack retries) an event it cannot store, and does not answer it', async () => {
    await peek.dropTable();
    const m = message('is the wifi down');
    expect((await post(m.body)).status).toBe(500);
    expect(slack.posts.get(`channel:${m.channel}`)).toBeUndefined();
  });
});
