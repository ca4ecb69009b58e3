// Load benchmark: N simulated employees talk to the bot through the real Slack HTTP receiver of
// 1 or 2 replicas (separate processes, as in production) on one database, SQLite or PostgreSQL.
// Slack's Web API is a stand-in HTTP server on loopback that records what the bot posts.
// Prints throughput, latency (request sent -> the bot's reply reaching "Slack"), errors, lost
// replies, and the database check that nothing was processed twice. Asserts nothing: figures only.
//
//   npm run bench:load -- [--conversations 200] [--concurrency 20] [--replicas 1|2]
//                         [--db sqlite|postgres] [--postgres-url postgres://...] [--duplicates 0.1]
//                         [--kill-after N]
//
// --kill-after N SIGKILLs the first replica once N messages were sent (needs --replicas 2 or
// more). Like Slack, the benchmark sends a request that was not acknowledged again, to another
// replica; "lost" counts acknowledged messages whose reply never came.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../config/config.js';
import { openStore } from '../store/open-store.js';
import { percentile } from '../evaluation/evaluate-questions.js';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '20' },
    replicas: { type: 'string', default: '1' },
    db: { type: 'string', default: 'sqlite' },
    'postgres-url': { type: 'string', default: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test' },
    duplicates: { type: 'string', default: '0.1' },
    'ticket-every': { type: 'string', default: '4' },
    'timeout-ms': { type: 'string', default: '30000' },
    'kill-after': { type: 'string' },
  },
});

const conversations = positiveInt('conversations', values.conversations);
const concurrency = positiveInt('concurrency', values.concurrency);
const replicas = positiveInt('replicas', values.replicas);
const ticketEvery = positiveInt('ticket-every', values['ticket-every']);
const timeoutMs = positiveInt('timeout-ms', values['timeout-ms']);
const duplicates = Number(values.duplicates);
if (!(duplicates >= 0 && duplicates <= 1)) usage('--duplicates is a fraction from 0 to 1');
if (values.db !== 'sqlite' && values.db !== 'postgres') usage('--db is sqlite or postgres');
const killAfter = values['kill-after'] === undefined ? undefined : positiveInt('kill-after', values['kill-after']);
if (killAfter !== undefined && replicas < 2) usage('--kill-after needs --replicas 2 or more (a survivor)');

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECRET = 'load-bench-signing-secret';
const TEAM = 'T0BENCH';
const BOT_USER = 'U0HELPBOT';
const TRIAGE = 'C0TRIAGE2';
const questions = readFileSync(path.join(ROOT, 'test/fixtures/kb-questions.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => (JSON.parse(line) as { text: string }).text);

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a whole number of at least 1`);
  return n;
}

function usage(problem: string): never {
  process.stderr.write(`${problem}\nusage: npm run bench:load -- [--conversations N] [--concurrency C] [--replicas 1|2] [--db sqlite|postgres] [--postgres-url URL] [--duplicates 0.1] [--kill-after N]\n`);
  process.exit(2);
}

/** Slack's Web API on loopback: answers like Slack and tells waiters when a thread gets a post. */
class SlackStandIn {
  private server: Server | undefined;
  private ts = 1_800_000_000;
  readonly posts = new Map<string, number>();
  private readonly waiters = new Map<string, Array<{ count: number; resolve: () => void }>>();
  calls = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then((body) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    return `http://127.0.0.1:${address.port}/api/`;
  }

  /** Resolves when the thread has had `count` posts in all. */
  waitFor(thread: string, count: number): Promise<void> {
    if ((this.posts.get(thread) ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(thread) ?? [];
      list.push({ count, resolve });
      this.waiters.set(thread, list);
    });
  }

  private async handle(req: IncomingMessage): Promise<Record<string, unknown>> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    this.calls++;
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
    const args = raw.startsWith('{') ? (JSON.parse(raw) as Record<string, unknown>) : Object.fromEntries(new URLSearchParams(raw));
    switch (method) {
      case 'auth.test':
        return { ok: true, user_id: BOT_USER, bot_id: 'B0HELPBOT', team_id: TEAM, team: 'Bench Corp', url: 'https://bench.slack.com/' };
      case 'chat.postMessage': {
        const channel = String(args.channel);
        const ts = `${++this.ts}.000100`;
        if (args.thread_ts) this.posted(`${channel}:${String(args.thread_ts)}`);
        this.posted(`channel:${channel}`);
        return { ok: true, channel, ts, message: { text: args.text } };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'users.info': {
        const id = String(args.user);
        return { ok: true, user: { id, name: id.toLowerCase(), real_name: `Employee ${id}`, profile: { display_name: '' } } };
      }
      case 'usergroups.users.list':
        return { ok: true, users: [] };
      default:
        return { ok: true };
    }
  }

  private posted(key: string): void {
    const count = (this.posts.get(key) ?? 0) + 1;
    this.posts.set(key, count);
    const list = this.waiters.get(key);
    if (!list) return;
    const still = list.filter((w) => {
      if (count < w.count) return true;
      w.resolve();
      return false;
    });
    if (still.length) this.waiters.set(key, still);
    else this.waiters.delete(key);
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Every replica started, so none outlives the benchmark, whatever happens to it. */
const children: ChildProcess[] = [];
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

async function startReplica(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  // BENCH_REPLICA_NODE_ARGS: extra node flags for the replicas, such as --cpu-prof to see where their time goes.
  const extra = process.env.BENCH_REPLICA_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', path.join(ROOT, 'src/bench/load-replica.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`a replica exited during start-up (code ${code})`)));
    lines.on('line', (line) => {
      const match = /^\{"port":(\d+)\}$/.exec(line.trim());
      if (match) resolve(Number(match[1]));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

function sign(body: string): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`,
  };
}

interface Tally {
  latencies: number[];
  acks: number[];
  sent: number;
  errors: number;
  /** First attempts not acknowledged (the replica was dead, or refused it), sent again as Slack does. */
  refused: number;
  lost: number;
  duplicatesSent: number;
  ticketsAsked: number;
}

async function main(): Promise<void> {
  const slack = new SlackStandIn();
  const apiUrl = await slack.start();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'helpdesk-load-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = values.db === 'postgres' ? withSchema(values['postgres-url']!, schema) : `file:${path.join(dataDir, 'helpdesk.db')}`;
  const env = {
    DATABASE_URL: databaseUrl,
    KB_DIR: path.join(ROOT, 'knowledge-base'),
    KB_WATCH: '0',
    SLACK_BOT_TOKEN: 'xoxb-load-bench',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: apiUrl,
    SLACK_TRIAGE_L2: TRIAGE,
    SLACK_TRIAGE_L3: 'C0TRIAGE3',
    SLACK_TRIAGE_VENDOR: 'C0VENDOR1',
    PORT: '0',
    LOG_LEVEL: 'error',
    NODE_ENV: 'production',
  };
  const started = Date.now();
  // The first replica migrates the empty database; the others start on it at once.
  const first = await startReplica(env);
  const rest = await Promise.all(Array.from({ length: replicas - 1 }, () => startReplica(env)));
  const nodes = [first, ...rest];
  process.stderr.write(`${replicas} replica(s) up on ${values.db} in ${Date.now() - started} ms; ${conversations} conversations, ${concurrency} at a time\n`);

  const tally: Tally = { latencies: [], acks: [], sent: 0, errors: 0, refused: 0, lost: 0, duplicatesSent: 0, ticketsAsked: 0 };
  const dead = new Set<number>();
  let next = 0;
  let eventSeq = 0;
  const attempt = async (node: number, body: string, retry: number): Promise<boolean> => {
    const t0 = performance.now();
    try {
      const response = await fetch(`${nodes[node % nodes.length]!.url}/slack/events`, {
        method: 'POST',
        headers: { ...sign(body), ...(retry ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_error' } : {}) },
        body,
      });
      await response.arrayBuffer();
      if (response.status === 200) tally.acks.push(performance.now() - t0);
      return response.status === 200;
    } catch {
      return false;
    }
  };
  /** Delivers an event as Slack does: a request not acknowledged is sent again (3 retries), to whichever replica the balancer picks. */
  const post = async (node: number, event: Record<string, unknown>, eventId: string, retry = 0): Promise<boolean> => {
    const body = JSON.stringify({ token: 'x', team_id: TEAM, api_app_id: 'A0BENCH', type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), event });
    for (let n = retry; n <= retry + 3; n++) {
      if (await attempt(node + n, body, n)) return true;
      if (n === retry) tally.refused++;
    }
    tally.errors++;
    return false;
  };
  /** Sends one message and waits for the bot's reply in its thread. */
  const say = async (conversation: number, text: string, ts: string, threadTs: string, expectedPosts: number): Promise<void> => {
    const user = `U${String(conversation).padStart(8, '0')}`;
    const channel = `D${String(conversation).padStart(8, '0')}`;
    const event = { type: 'message', channel, channel_type: 'im', user, text, ts, ...(threadTs !== ts ? { thread_ts: threadTs } : {}), event_ts: ts };
    const eventId = `Ev${String(++eventSeq).padStart(10, '0')}`;
    const t0 = performance.now();
    tally.sent++;
    if (killAfter !== undefined && tally.sent === killAfter && !dead.has(0)) {
      dead.add(0);
      nodes[0]!.child.kill('SIGKILL');
      process.stderr.write(`replica 1 killed (SIGKILL) after ${killAfter} messages\n`);
    }
    const reply = slack.waitFor(`${channel}:${threadTs}`, expectedPosts);
    const ok = await post(conversation, event, eventId);
    // Slack retries a delivery it thinks failed; a retry may land on another replica.
    if (Math.random() < duplicates) {
      tally.duplicatesSent++;
      await post(conversation + 1, event, eventId, 1);
    }
    if (!ok) return;
    const arrived = await Promise.race([reply.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref())]);
    if (arrived) tally.latencies.push(performance.now() - t0);
    else tally.lost++;
  };
  const runConversation = async (i: number) => {
    const root = `${1_700_000_000 + i}.000100`;
    await say(i, questions[i % questions.length]!, root, root, 1);
    if (i % ticketEvery === 0) {
      tally.ticketsAsked++;
      await say(i, 'talk to a human', `${1_700_000_000 + i}.000200`, root, 2);
    }
  };
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, conversations) }, async () => {
      while (next < conversations) await runConversation(next++);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  // Let late duplicates finish their work before counting rows.
  await new Promise((resolve) => setTimeout(resolve, 500));

  const store = await openStore(loadConfig({ DATABASE_URL: databaseUrl }).database);
  const [questionRows, distinctQuestions, ticketRows, distinctTickets] = await Promise.all([
    store.prisma.question.count(),
    store.prisma.question.groupBy({ by: ['conversationKey', 'text'] }).then((groups) => groups.length),
    store.prisma.ticket.count(),
    store.prisma.ticket.groupBy({ by: ['conversationKey'] }).then((groups) => groups.length),
  ]);
  await store.close();
  await Promise.all(nodes.map(({ child }) => new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  })));
  await slack.close();
  if (values.db === 'postgres') await dropSchema(values['postgres-url']!, schema);
  rmSync(dataDir, { recursive: true, force: true });

  const sorted = [...tally.latencies].sort((a, b) => a - b);
  const acks = [...tally.acks].sort((a, b) => a - b);
  const result = {
    db: values.db,
    replicas,
    conversations,
    concurrency,
    messages: tally.sent,
    seconds: round(seconds, 2),
    messagesPerSecond: round(tally.sent / seconds, 1),
    replyP50Ms: round(percentile(sorted, 0.5), 1),
    replyP99Ms: round(percentile(sorted, 0.99), 1),
    ackP50Ms: round(percentile(acks, 0.5), 1),
    ackP99Ms: round(percentile(acks, 0.99), 1),
    errors: tally.errors,
    refusedThenRetried: tally.refused,
    killedAfter: killAfter ?? null,
    lost: tally.lost,
    duplicateDeliveries: tally.duplicatesSent,
    // A delivery processed twice leaves the same question twice in one conversation, or two tickets.
    questionsRecorded: questionRows,
    questionsProcessedTwice: questionRows - distinctQuestions,
    ticketsOpened: ticketRows,
    ticketsExpected: tally.ticketsAsked,
    ticketsOpenedTwice: ticketRows - distinctTickets,
  };
  process.stdout.write(
    [
      `database ${result.db}, ${result.replicas} replica(s), ${result.conversations} conversations (${result.messages} messages, ${result.concurrency} at a time)`,
      `  throughput   ${result.messagesPerSecond} messages/s over ${result.seconds} s`,
      `  reply        p50 ${result.replyP50Ms} ms, p99 ${result.replyP99Ms} ms (request sent -> the bot's reply posted to Slack)`,
      `  ack          p50 ${result.ackP50Ms} ms, p99 ${result.ackP99Ms} ms`,
      `  errors ${result.errors} (not acknowledged after Slack's retries), first attempts refused ${result.refusedThenRetried}, lost ${result.lost} (acknowledged, never answered), duplicate deliveries sent ${result.duplicateDeliveries}`,
      ...(killAfter !== undefined ? [`  replica 1 was SIGKILLed after ${killAfter} messages`] : []),
      `  processed twice: ${result.questionsProcessedTwice} of ${result.questionsRecorded} questions, ${result.ticketsOpenedTwice} of ${result.ticketsOpened} tickets (${result.ticketsExpected} asked for)`,
      JSON.stringify(result),
    ].join('\n') + '\n',
  );
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

function withSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  return u.toString();
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

await main().catch((error: unknown) => {
  process.stderr.write(`load benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
