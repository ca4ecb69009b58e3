// Slack benchmark, side by side: our bot (one replica, load-replica.ts: the real service with its
// Slack HTTP receiver and a database) against a bare Bolt app (bare-bolt-app.ts: the same
// ExpressReceiver, ack and say() only), measured alternately in ONE run (bare, ours, bare, ours,
// ...) so that the figures are ratios, which a loaded machine moves much less than times.
// Every side gets the same signed Events API payloads, posts to the same Slack Web API stand-in,
// runs with the same node flags (BENCH_REPLICA_NODE_ARGS) and is warmed up the same way first.
//
//   npm run bench:slack -- [--db sqlite|postgres] [--postgres-url postgres://...] [--rounds 3]
//                          [--burst 500] [--sockets 100] [--sequential 200] [--warmup 50]
//                          [--scenarios burst,sequential] [--timeout-ms 120000] [--pause-ms 1000]
//                          [--bare plain|durable|plain,durable]
//
// The yardstick (--bare): plain, the bare app writing nothing (the default); durable, the bare
// app keeping each event in a table of the same database as ours (--db) before acknowledging it,
// as our inbox does, and marking it done after say() ("bare durable"); plain,durable, both in the
// same run (bare, bare durable, ours, bare, ...), each table with a ratio against each.
//
// Scenarios, each run --rounds times per side, alternating:
//   burst       --burst message events POSTed at once over at most --sockets connections:
//               acknowledgement time from the burst's start (what Slack, sending them all at
//               once, waits), p50/p99/max and how many took over 1 s and 3 s; also the time on
//               the socket alone, and when the last reply reached the stand-in.
//   sequential  --sequential messages one at a time: reply latency, from the POST to the
//               stand-in receiving the chat.postMessage for that message.
//   cpu         CPU per message of each scenario (utime+stime of the process from
//               /proc/<pid>/stat, before and after, including the replies), peak RSS (VmHWM,
//               reset before each round), Web API calls per message. On PostgreSQL, ours (and the
//               durable bare app) is also shown with the CPU of the database backends serving it
//               (by application_name).
// Every message is a new direct-message conversation, with a question from the knowledge-base
// gate file (ours answers it in the thread, after users.info; the bare app says "You said: ..."
// in the channel). The benchmark's own process (client and stand-in) is the same for both; its
// CPU per message is shown too, to see that it is not the bottleneck. Each table gives
// min/median/max over the rounds for each side and the same of the per-round ratios ours/bare
// (each pair ran back to back). Asserts nothing: figures only. 3 rounds take about 1.5 minutes.
//
// Where our time goes: BENCH_REPLICA_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" with
// --scenarios burst --rounds 1 (both sides get the flag, as every flag; ours is the larger profile,
// and its burst is the busy stretch after its last idle second).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { percentile } from '../evaluation/evaluate-questions.js';
import {
  BENCH_SECRET,
  SlackStandIn,
  benchNodeArgs,
  benchQuestions,
  directMessageEvent,
  dropSchema,
  eventCallbackBody,
  replicaEnv,
  round,
  signSlackRequest,
  startBenchChild,
  stopBenchChild,
  withApplicationName,
  withSchema,
} from './slack-bench-kit.js';

const USAGE =
  'usage: npm run bench:slack -- [--db sqlite|postgres] [--postgres-url URL] [--rounds 3] [--burst 500] [--sockets 100] [--sequential 200] [--warmup 50] [--scenarios burst,sequential] [--timeout-ms 120000] [--pause-ms 1000] [--bare plain|durable|plain,durable]';
const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    'postgres-url': {
      type: 'string',
      default: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    },
    rounds: { type: 'string', default: '3' },
    burst: { type: 'string', default: '500' },
    sockets: { type: 'string', default: '100' },
    sequential: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '50' },
    scenarios: { type: 'string', default: 'burst,sequential' },
    'timeout-ms': { type: 'string', default: '120000' },
    'pause-ms': { type: 'string', default: '1000' },
    bare: { type: 'string', default: 'plain' },
  },
});

function usage(problem: string): never {
  process.stderr.write(`${problem}\n${USAGE}\n`);
  process.exit(2);
}

function wholeNumber(name: string, value: string | undefined, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) usage(`--${name} must be a whole number of at least ${min}`);
  return n;
}

if (values.db !== 'sqlite' && values.db !== 'postgres') usage('--db is sqlite or postgres');
const rounds = wholeNumber('rounds', values.rounds);
const burstSize = wholeNumber('burst', values.burst);
const sockets = wholeNumber('sockets', values.sockets);
const sequentialSize = wholeNumber('sequential', values.sequential);
const warmup = wholeNumber('warmup', values.warmup, 0);
const timeoutMs = wholeNumber('timeout-ms', values['timeout-ms']);
const pauseMs = wholeNumber('pause-ms', values['pause-ms'], 0);
const scenarios = new Set(values.scenarios!.split(',').map((s) => s.trim()));
for (const s of scenarios)
  if (s !== 'burst' && s !== 'sequential') usage(`--scenarios: unknown scenario "${s}" (burst, sequential)`);
const bareModes = new Set(values.bare!.split(',').map((s) => s.trim()));
for (const m of bareModes)
  if (m !== 'plain' && m !== 'durable') usage(`--bare: unknown yardstick "${m}" (plain, durable)`);

const questions = benchQuestions();
const CLOCK_TICKS = clockTicks();

/** bare: the plain bare app; durable: the bare app that keeps each event before its ack. */
type SideName = 'bare' | 'durable' | 'ours';
type BareName = Exclude<SideName, 'ours'>;
interface Side {
  name: SideName;
  host: string;
  port: number;
  pid: number;
}

/** The yardsticks of this run, in the order they run in each round (before ours). */
const bareSides: BareName[] = (['bare', 'durable'] as const).filter((name) =>
  bareModes.has(name === 'bare' ? 'plain' : 'durable'),
);
const LABEL: Record<SideName, string> = { bare: 'bare', durable: 'bare durable', ours: 'ours' };

/** One side's figures for one round of one scenario (ms unless said). */
type Figures = Record<string, number>;

// --- Measuring a process ------------------------------------------------------------------------

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

/** CPU time (user + system, all threads) a process has used, in ms; undefined once it is gone. */
function cpuMs(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after "(comm)": state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

/** Resets the process's peak RSS (Linux clear_refs 5), so VmHWM is the peak from now on; false if not allowed. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

function peakRssMb(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/**
 * CPU of the PostgreSQL backends serving our replica (found by application_name), sampled every
 * 250 ms so that a connection the pool closes mid-round still counts up to its last sample.
 */
class BackendCpu {
  private readonly seen = new Map<number, { first: number; last: number }>();
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: pg.Client,
    private readonly applicationName: string,
  ) {}

  async start(): Promise<void> {
    this.seen.clear();
    await this.sample(true);
    this.timer = setInterval(() => {
      this.sampling = this.sampling.then(() => this.sample(false));
    }, 250);
  }

  /** CPU ms the backends used since start(). */
  async stop(): Promise<number> {
    clearInterval(this.timer);
    await this.sampling;
    await this.sample(false);
    let total = 0;
    for (const { first, last } of this.seen.values()) total += last - first;
    return total;
  }

  private async sample(baseline: boolean): Promise<void> {
    const { rows } = await this.client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [this.applicationName],
    );
    for (const { pid } of rows) {
      const now = cpuMs(pid);
      if (now === undefined) continue;
      const known = this.seen.get(pid);
      // A backend first seen after the start was opened during the round: all its CPU counts.
      if (known) known.last = now;
      else this.seen.set(pid, { first: baseline ? now : 0, last: now });
    }
  }
}

// --- Talking to a side --------------------------------------------------------------------------

interface Delivery {
  status: number;
  /** performance.now() when the request was made, given a socket, and answered. */
  madeAt: number;
  socketAt: number;
  doneAt: number;
}

function deliver(side: Side, agent: http.Agent, body: string): Promise<Delivery> {
  return new Promise((resolve) => {
    const madeAt = performance.now();
    let socketAt = madeAt;
    const request = http.request(
      {
        host: side.host,
        port: side.port,
        path: '/slack/events',
        method: 'POST',
        agent,
        headers: { ...signSlackRequest(body), 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, madeAt, socketAt, doneAt: performance.now() }),
        );
      },
    );
    request.on('socket', () => {
      socketAt = performance.now();
    });
    request.on('error', () => resolve({ status: 0, madeAt, socketAt, doneAt: performance.now() }));
    request.end(body);
  });
}

let conversationSeq = 0;
let eventSeq = 0;
const runTag = randomBytes(3).toString('hex');

/** A new direct-message conversation's first message: its body and the stand-in key its reply arrives under. */
function nextMessage(): { body: string; replyKey: string } {
  const conversation = ++conversationSeq;
  const ts = `${1_700_000_000 + conversation}.000100`;
  const event = directMessageEvent(conversation, questions[conversation % questions.length]!, ts);
  // Ours replies in the thread, the bare app in the channel: both count under the channel.
  return {
    body: eventCallbackBody(event, `Ev${runTag}${String(++eventSeq).padStart(8, '0')}`),
    replyKey: `channel:${String(event.channel)}`,
  };
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms).unref())]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Meter {
  stop(messages: number): Promise<Figures>;
}

/**
 * Starts measuring a side's CPU, peak memory and Web API calls for one round, and with `backends`
 * the CPU of the PostgreSQL backends serving it.
 */
async function meter(side: Side, slack: SlackStandIn, backends: BackendCpu | undefined): Promise<Meter> {
  const peakReset = resetPeakRss(side.pid);
  const calls0 = slack.calls;
  if (backends) await backends.start();
  const cpu0 = cpuMs(side.pid) ?? Number.NaN;
  const driver0 = process.cpuUsage();
  return {
    async stop(messages) {
      // What the side still does after the last reply (marking work done) belongs to the round.
      await sleep(500);
      const cpu = (cpuMs(side.pid) ?? Number.NaN) - cpu0;
      const driver = process.cpuUsage(driver0);
      const figures: Figures = {
        cpuMsPerMessage: cpu / messages,
        driverCpuMsPerMessage: (driver.user + driver.system) / 1000 / messages,
        peakRssMb: peakRssMb(side.pid),
        webApiCallsPerMessage: (slack.calls - calls0) / messages,
      };
      if (!peakReset) figures.peakRssSinceStart = 1;
      if (backends) {
        const db = await backends.stop();
        figures.dbCpuMsPerMessage = db / messages;
        figures.cpuWithDbMsPerMessage = (cpu + db) / messages;
      }
      return figures;
    },
  };
}

async function burstRound(side: Side, slack: SlackStandIn, size: number, backends?: BackendCpu): Promise<Figures> {
  const messages = Array.from({ length: size }, () => nextMessage());
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  const measuring = await meter(side, slack, backends);
  const t0 = performance.now();
  const replyTimes: number[] = [];
  const replies = messages.map(({ replyKey }) =>
    slack.waitFor(replyKey, 1).then(() => replyTimes.push(performance.now() - t0)),
  );
  const deliveries = await Promise.all(messages.map(({ body }) => deliver(side, agent, body)));
  const acked = deliveries.filter((d) => d.status === 200);
  const acks = acked.map((d) => d.doneAt - t0).sort((a, b) => a - b);
  const onSocket = acked.map((d) => d.doneAt - d.socketAt).sort((a, b) => a - b);
  await within(Promise.all(replies), timeoutMs);
  replyTimes.sort((a, b) => a - b);
  const cpu = await measuring.stop(size);
  agent.destroy();
  return {
    ackP50: percentile(acks, 0.5),
    ackP99: percentile(acks, 0.99),
    ackMax: acks.at(-1) ?? Number.NaN,
    acksOver1s: acks.filter((ms) => ms > 1000).length,
    acksOver3s: acks.filter((ms) => ms > 3000).length,
    onSocketP50: percentile(onSocket, 0.5),
    onSocketP99: percentile(onSocket, 0.99),
    notAcknowledged: size - acked.length,
    replyP50: percentile(replyTimes, 0.5),
    lastReplyS: replyTimes.length === size ? (replyTimes.at(-1) ?? 0) / 1000 : Number.NaN,
    repliesMissing: size - replyTimes.length,
    ...cpu,
  };
}

async function sequentialRound(side: Side, slack: SlackStandIn, size: number, backends?: BackendCpu): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const measuring = await meter(side, slack, backends);
  const latencies: number[] = [];
  const acks: number[] = [];
  let missing = 0;
  for (let i = 0; i < size; i++) {
    const { body, replyKey } = nextMessage();
    const t0 = performance.now();
    const reply = slack.waitFor(replyKey, 1).then(() => performance.now() - t0);
    const delivery = await deliver(side, agent, body);
    if (delivery.status === 200) acks.push(delivery.doneAt - delivery.madeAt);
    const latency = delivery.status === 200 ? await within(reply, Math.min(timeoutMs, 30_000)) : undefined;
    if (latency === undefined) missing++;
    else latencies.push(latency);
  }
  const cpu = await measuring.stop(size);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  return {
    replyP50: percentile(latencies, 0.5),
    replyP99: percentile(latencies, 0.99),
    replyMax: latencies.at(-1) ?? Number.NaN,
    ackP50: percentile(acks, 0.5),
    ackP99: percentile(acks, 0.99),
    repliesMissing: missing,
    ...cpu,
  };
}

// --- Reporting ----------------------------------------------------------------------------------

type Results = Record<string, Partial<Record<SideName, Figures[]>>>;

function stats(xs: number[]): [number, number, number] {
  const finite = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return [Number.NaN, Number.NaN, Number.NaN];
  const mid = finite.length / 2;
  const median = finite.length % 2 ? finite[Math.floor(mid)]! : (finite[mid - 1]! + finite[mid]!) / 2;
  return [finite[0]!, median, finite.at(-1)!];
}

function show(n: number, digits: number): string {
  if (!Number.isFinite(n)) return '-';
  return String(round(n, Math.abs(n) >= 100 ? Math.min(digits, 0) : digits));
}

function triple(xs: [number, number, number], digits: number): string {
  return xs.map((x) => show(x, digits)).join(' / ');
}

/**
 * Rows: [label, key, digits, which side has it, a bare app's figure to compare with when it has no
 * `key`]. A row of 'ours' shows a bare app only where that app has the key itself (the durable
 * app's database backends).
 */
type Row = [string, string, number, ('both' | 'ours')?, string?];

function table(title: string, results: Partial<Record<SideName, Figures[]>>, rows: Row[]): string {
  const header = [
    '',
    ...bareSides.map((b) => `${LABEL[b]}  min / median / max`),
    'ours  min / median / max',
    ...bareSides.map((b) => `ours/${LABEL[b]}  min / median / max`),
  ];
  const lines: string[][] = [header];
  for (const [label, key, digits, which = 'both', bareKey = key] of rows) {
    const ours = results.ours!.map((f) => f[key] ?? Number.NaN);
    const bares = bareSides.map((b) => {
      const figures = results[b]!;
      if (which === 'ours' && !figures.some((f) => key in f)) return undefined;
      return figures.map((f) => f[key] ?? f[bareKey] ?? Number.NaN);
    });
    // Ratios round by round: each round's sides ran back to back, under the same load.
    const ratios = bares.map((bare) => bare && ours.map((o, i) => (bare[i]! > 0 ? o / bare[i]! : Number.NaN)));
    lines.push([
      label,
      ...bares.map((bare) => (bare ? triple(stats(bare), digits) : '')),
      triple(stats(ours), digits),
      ...ratios.map((r) => (r ? triple(stats(r), 2) : '')),
    ]);
  }
  const widths = header.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  return [
    title,
    ...lines.map(
      (l) => `  ${l.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('   ')}`,
    ),
  ].join('\n');
}

// --- The run ------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const slack = new SlackStandIn();
  const apiUrl = await slack.start();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'helpdesk-slack-bench-'));
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const applicationName = `slack-bench-${schema}`;
  const postgresUrl = values['postgres-url']!;
  const databaseUrl =
    values.db === 'postgres'
      ? withSchema(postgresUrl, schema, { application_name: applicationName })
      : `file:${path.join(dataDir, 'helpdesk.db')}`;
  // The durable bare app's own schema (PostgreSQL) or file (SQLite), its backends named apart from ours.
  const bareSchema = `${schema}_bare`;
  const bareApplicationName = `${applicationName}-bare`;
  const bareDatabaseUrl =
    values.db === 'postgres'
      ? withApplicationName(postgresUrl, bareApplicationName)
      : path.join(dataDir, 'bare-durable.db');
  let monitor: pg.Client | undefined;
  const load0 = os.loadavg();
  const started = Date.now();
  try {
    const bareEnv = {
      SLACK_SIGNING_SECRET: BENCH_SECRET,
      SLACK_BOT_TOKEN: 'xoxb-load-bench',
      SLACK_API_URL: apiUrl,
      PORT: '0',
    };
    const sideScripts: Record<SideName, [string, Record<string, string>]> = {
      bare: ['src/bench/bare-bolt-app.ts', bareEnv],
      durable: [
        'src/bench/bare-bolt-app.ts',
        { ...bareEnv, BARE_DURABLE: values.db!, BARE_DATABASE_URL: bareDatabaseUrl, BARE_SCHEMA: bareSchema },
      ],
      ours: ['src/bench/load-replica.ts', replicaEnv(apiUrl, databaseUrl)],
    };
    const order: SideName[] = [...bareSides, 'ours'];
    const sides = {} as Record<SideName, Side>;
    const children = [];
    for (const name of order) {
      const [script, env] = sideScripts[name];
      const { url, child } = await startBenchChild(script, env);
      children.push(child);
      const u = new URL(url);
      sides[name] = { name, host: u.hostname, port: Number(u.port), pid: child.pid! };
    }
    const backends: Partial<Record<SideName, BackendCpu>> = {};
    if (values.db === 'postgres') {
      monitor = new pg.Client({ connectionString: postgresUrl });
      await monitor.connect();
      backends.ours = new BackendCpu(monitor, applicationName);
      backends.durable = new BackendCpu(monitor, bareApplicationName);
    }
    const flags = benchNodeArgs().join(' ') || 'none';
    const names = bareSides.map((b) => (b === 'bare' ? 'bare Bolt app' : `durable bare Bolt app (${values.db})`));
    process.stderr.write(
      `${names.join(', ')} and our replica (${values.db}) up in ${Date.now() - started} ms; node flags for ${order.length === 2 ? 'both' : 'all'}: ${flags}\n`,
    );

    // The same warm-up for every side: JIT, connections, caches, Bolt's auth.test.
    if (warmup > 0) {
      for (const name of order) {
        await sequentialRound(sides[name], slack, warmup);
        await burstRound(sides[name], slack, warmup);
      }
    }

    const results: Results = {};
    for (const scenario of ['burst', 'sequential'] as const) {
      if (!scenarios.has(scenario)) continue;
      const per: Partial<Record<SideName, Figures[]>> = {};
      for (const name of order) per[name] = [];
      results[scenario] = per;
      for (let r = 1; r <= rounds; r++) {
        for (const name of order) {
          const side = sides[name];
          await sleep(pauseMs);
          const figures =
            scenario === 'burst'
              ? await burstRound(side, slack, burstSize, backends[name])
              : await sequentialRound(side, slack, sequentialSize, backends[name]);
          per[name]!.push(figures);
          const brief =
            scenario === 'burst'
              ? `ack p99 ${show(figures.ackP99!, 0)} ms, last reply ${show(figures.lastReplyS!, 2)} s`
              : `reply p50 ${show(figures.replyP50!, 1)} ms`;
          process.stderr.write(
            `  ${scenario} round ${r} ${LABEL[name]}: ${brief}, cpu ${show(figures.cpuMsPerMessage!, 2)} ms/message (load ${os.loadavg()[0]!.toFixed(2)})\n`,
          );
        }
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const load1 = os.loadavg();
    await Promise.all(children.map((child) => stopBenchChild(child)));

    const postgres = values.db === 'postgres';
    const cpuRows = (scenario: string): Row[] => [
      [`${scenario}: cpu ms/message (process)`, 'cpuMsPerMessage', 2],
      ...(postgres
        ? ([
            [`${scenario}: + postgres backends ms/msg`, 'dbCpuMsPerMessage', 2, 'ours'],
            // The plain bare app has no database: its process CPU is all it costs (the durable
            // one's backends count, as ours do).
            [`${scenario}: cpu incl. postgres ms/msg`, 'cpuWithDbMsPerMessage', 2, 'both', 'cpuMsPerMessage'],
          ] as Row[])
        : []),
      [`${scenario}: peak RSS MB`, 'peakRssMb', 0],
      [`${scenario}: Web API calls/message`, 'webApiCallsPerMessage', 2],
      // This process (client and stand-in): the same work for every side, so it should not differ much.
      [`${scenario}: bench driver cpu ms/msg`, 'driverCpuMsPerMessage', 2],
    ];
    const yardstick =
      bareSides.length === 1 && bareSides[0] === 'bare'
        ? 'bare Bolt app'
        : bareSides
            .map((b) =>
              b === 'bare'
                ? 'bare Bolt app ("bare", writes nothing)'
                : `bare Bolt app keeping each event in ${values.db} before its ack ("bare durable")`,
            )
            .join(' and ');
    const out: string[] = [
      `Slack benchmark: ${yardstick} vs our bot (${values.db}), ${rounds} rounds each, alternating ${order.map((n) => LABEL[n]).join('/')}; ${os.cpus().length} CPUs, load average before ${load0.map((l) => l.toFixed(2)).join(' ')}, after ${load1.map((l) => l.toFixed(2)).join(' ')}; ${Math.round(seconds)} s; node ${process.version}, flags: ${flags}`,
    ];
    if (results.burst) {
      out.push(
        table(
          `\n(1) burst: ${burstSize} events at once over ${sockets} sockets; ack ms from the burst's start`,
          results.burst,
          [
            ['ack p50 ms', 'ackP50', 0],
            ['ack p99 ms', 'ackP99', 0],
            ['ack max ms', 'ackMax', 0],
            [`acks over 1 s (of ${burstSize})`, 'acksOver1s', 0],
            [`acks over 3 s (of ${burstSize})`, 'acksOver3s', 0],
            ['on the socket p50 ms', 'onSocketP50', 1],
            ['on the socket p99 ms', 'onSocketP99', 0],
            ['not acknowledged', 'notAcknowledged', 0],
            ['reply p50 ms (from the start)', 'replyP50', 0],
            ['last reply s', 'lastReplyS', 2],
            ['replies missing', 'repliesMissing', 0],
          ],
        ),
      );
    }
    if (results.sequential) {
      out.push(
        table(
          `\n(2) sequential: ${sequentialSize} messages one at a time; reply = POST -> chat.postMessage at the stand-in`,
          results.sequential,
          [
            ['reply p50 ms', 'replyP50', 1],
            ['reply p99 ms', 'replyP99', 1],
            ['reply max ms', 'replyMax', 1],
            ['ack p50 ms', 'ackP50', 1],
            ['ack p99 ms', 'ackP99', 1],
            ['replies missing', 'repliesMissing', 0],
          ],
        ),
      );
    }
    const cpuResults: Partial<Record<SideName, Figures[]>> = {};
    for (const name of order) cpuResults[name] = [];
    const cpuTableRows: Row[] = [];
    for (const scenario of ['burst', 'sequential'] as const) {
      const per = results[scenario];
      if (!per) continue;
      // One figure set per round, its keys prefixed by the scenario.
      for (const name of order) {
        per[name]!.forEach((f, i) => {
          const row = (cpuResults[name]![i] ??= {});
          for (const [key, value] of Object.entries(f)) row[`${scenario}.${key}`] = value;
        });
      }
      for (const [label, key, digits, which, bareKey] of cpuRows(scenario))
        cpuTableRows.push([label, `${scenario}.${key}`, digits, which, bareKey && `${scenario}.${bareKey}`]);
    }
    out.push(
      table(
        `\n(3) cost: CPU per message (utime+stime from /proc, replies included), peak RSS of the round`,
        cpuResults,
        cpuTableRows,
      ),
    );
    if (cpuResults.ours!.some((f) => Object.keys(f).some((k) => k.endsWith('peakRssSinceStart'))))
      out.push('  (peak RSS could not be reset: it is the peak since start)');
    out.push(
      `\n${JSON.stringify({ db: values.db, ...(bareModes.has('durable') ? { bare: [...bareModes] } : {}), rounds, burst: burstSize, sockets, sequential: sequentialSize, load: { before: load0, after: load1 }, results })}`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    await monitor?.end();
    await slack.close();
    if (values.db === 'postgres') {
      await dropSchema(postgresUrl, schema);
      if (bareSides.includes('durable')) await dropSchema(postgresUrl, bareSchema);
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main().catch((error: unknown) => {
  process.stderr.write(`slack benchmark failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
