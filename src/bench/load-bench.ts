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
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import { openStore } from '../store/open-store.js';
import { percentile } from '../evaluation/evaluate-questions.js';
import {
  SlackStandIn,
  benchQuestions,
  directMessageEvent,
  dropSchema,
  eventCallbackBody,
  replicaEnv,
  round,
  signSlackRequest,
  startBenchChild,
  stopBenchChild,
  withSchema,
} from './slack-bench-kit.js';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '20' },
    replicas: { type: 'string', default: '1' },
    db: { type: 'string', default: 'sqlite' },
    'postgres-url': {
      type: 'string',
      default: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
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

const questions = benchQuestions();

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) usage(`--${name} must be a whole number of at least 1`);
  return n;
}

function usage(problem: string): never {
  process.stderr.write(
    `${problem}\nusage: npm run bench:load -- [--conversations N] [--concurrency C] [--replicas 1|2] [--db sqlite|postgres] [--postgres-url URL] [--duplicates 0.1] [--kill-after N]\n`,
  );
  process.exit(2);
}

function startReplica(env: Record<string, string>) {
  return startBenchChild('src/bench/load-replica.ts', env);
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
  const databaseUrl =
    values.db === 'postgres'
      ? withSchema(values['postgres-url']!, schema)
      : `file:${path.join(dataDir, 'helpdesk.db')}`;
  const env = replicaEnv(apiUrl, databaseUrl);
  const started = Date.now();
  // The first replica migrates the empty database; the others start on it at once.
  const first = await startReplica(env);
  const rest = await Promise.all(Array.from({ length: replicas - 1 }, () => startReplica(env)));
  const nodes = [first, ...rest];
  process.stderr.write(
    `${replicas} replica(s) up on ${values.db} in ${Date.now() - started} ms; ${conversations} conversations, ${concurrency} at a time\n`,
  );

  const tally: Tally = {
    latencies: [],
    acks: [],
    sent: 0,
    errors: 0,
    refused: 0,
    lost: 0,
    duplicatesSent: 0,
    ticketsAsked: 0,
  };
  const dead = new Set<number>();
  let next = 0;
  let eventSeq = 0;
  const attempt = async (node: number, body: string, retry: number): Promise<boolean> => {
    const t0 = performance.now();
    try {
      const response = await fetch(`${nodes[node % nodes.length]!.url}/slack/events`, {
        method: 'POST',
        headers: {
          ...signSlackRequest(body),
          ...(retry ? { 'x-slack-retry-num': String(retry), 'x-slack-retry-reason': 'http_error' } : {}),
        },
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
    const body = eventCallbackBody(event, eventId);
    for (let n = retry; n <= retry + 3; n++) {
      if (await attempt(node + n, body, n)) return true;
      if (n === retry) tally.refused++;
    }
    tally.errors++;
    return false;
  };
  /** Sends one message and waits for the bot's reply in its thread. */
  const say = async (
    conversation: number,
    text: string,
    ts: string,
    threadTs: string,
    expectedPosts: number,
  ): Promise<void> => {
    const event = directMessageEvent(conversation, text, ts, threadTs);
    const channel = String(event.channel);
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
    const arrived = await Promise.race([
      reply.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref()),
    ]);
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
  await Promise.all(nodes.map(({ child }) => stopBenchChild(child)));
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

await main().catch((error: unknown) => {
  process.stderr.write(`load benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
