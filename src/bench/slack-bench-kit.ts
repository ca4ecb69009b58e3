// Pieces shared by the Slack benchmarks (load-bench.ts, slack-bench.ts): Slack's Web API as a
// stand-in on loopback, signed Events API requests, the event payloads Slack sends, and the
// child processes the benchmarks measure.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BENCH_SECRET = 'load-bench-signing-secret';
export const BENCH_TEAM = 'T0BENCH';
export const BENCH_BOT_USER = 'U0HELPBOT';

/** The questions of the knowledge-base gate file: what the simulated employees ask. */
export function benchQuestions(): string[] {
  return readFileSync(path.join(ROOT, 'test/fixtures/kb-questions.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { text: string }).text);
}

/** Slack's Web API on loopback: answers like Slack and tells waiters when a thread gets a post. */
export class SlackStandIn {
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

  /**
   * Resolves when `key` has had `count` posts in all. Keys: `channel:thread_ts` for a reply in a
   * thread, `channel:<channel>` for any post to the channel.
   */
  waitFor(key: string, count: number): Promise<void> {
    if ((this.posts.get(key) ?? 0) >= count) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiters.get(key) ?? [];
      list.push({ count, resolve });
      this.waiters.set(key, list);
    });
  }

  private async handle(req: IncomingMessage): Promise<Record<string, unknown>> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    this.calls++;
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0];
    const args = raw.startsWith('{')
      ? (JSON.parse(raw) as Record<string, unknown>)
      : Object.fromEntries(new URLSearchParams(raw));
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          user_id: BENCH_BOT_USER,
          bot_id: 'B0HELPBOT',
          team_id: BENCH_TEAM,
          team: 'Bench Corp',
          url: 'https://bench.slack.com/',
        };
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
        return {
          ok: true,
          user: { id, name: id.toLowerCase(), real_name: `Employee ${id}`, profile: { display_name: '' } },
        };
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

/** Headers of a request signed as Slack signs them (v0, HMAC-SHA256 of the timestamp and body). */
export function signSlackRequest(body: string, secret = BENCH_SECRET): Record<string, string> {
  const timestamp = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
  };
}

/** A direct message from employee number `conversation`, as in an Events API `message` event. */
export function directMessageEvent(
  conversation: number,
  text: string,
  ts: string,
  threadTs = ts,
): Record<string, unknown> {
  const user = `U${String(conversation).padStart(8, '0')}`;
  const channel = `D${String(conversation).padStart(8, '0')}`;
  return {
    type: 'message',
    channel,
    channel_type: 'im',
    user,
    text,
    ts,
    ...(threadTs !== ts ? { thread_ts: threadTs } : {}),
    event_ts: ts,
  };
}

/** The body Slack POSTs to the Events API endpoint for one event. */
export function eventCallbackBody(event: Record<string, unknown>, eventId: string): string {
  return JSON.stringify({
    token: 'x',
    team_id: BENCH_TEAM,
    api_app_id: 'A0BENCH',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    event,
  });
}

/** The environment of one replica of the bot (load-replica.ts): Slack over HTTP to the stand-in at `apiUrl`. */
export function replicaEnv(apiUrl: string, databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    KB_DIR: path.join(ROOT, 'knowledge-base'),
    KB_WATCH: '0',
    SLACK_BOT_TOKEN: 'xoxb-load-bench',
    SLACK_SIGNING_SECRET: BENCH_SECRET,
    SLACK_API_URL: apiUrl,
    SLACK_TRIAGE_L2: 'C0TRIAGE2',
    SLACK_TRIAGE_L3: 'C0TRIAGE3',
    SLACK_TRIAGE_VENDOR: 'C0VENDOR1',
    PORT: '0',
    LOG_LEVEL: 'error',
    NODE_ENV: 'production',
  };
}

/** Every child started, so none outlives the benchmark, whatever happens to it. */
const children: ChildProcess[] = [];
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/**
 * Node flags for the measured processes, from BENCH_REPLICA_NODE_ARGS (such as --cpu-prof to see
 * where their time goes); the same for every process a benchmark compares.
 */
export function benchNodeArgs(): string[] {
  return process.env.BENCH_REPLICA_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
}

/**
 * Starts `script` (a path under ROOT) in its own Node process with `env` added to ours, and waits
 * for it to print {"port": N}.
 */
export async function startBenchChild(
  script: string,
  env: Record<string, string>,
  nodeArgs = benchNodeArgs(),
): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited during start-up (code ${code})`)));
    lines.on('line', (line) => {
      const match = /^\{"port":(\d+)\}$/.exec(line.trim());
      if (match) resolve(Number(match[1]));
    });
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

/** SIGTERMs a child and waits for it to exit. */
export function stopBenchChild(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** The PostgreSQL URL with Prisma's ?schema= (the bot's DATABASE_URL), plus any other parameters. */
export function withSchema(url: string, schema: string, extra: Record<string, string> = {}): string {
  const u = new URL(url);
  u.searchParams.set('schema', schema);
  for (const [name, value] of Object.entries(extra)) u.searchParams.set(name, value);
  return u.toString();
}

/** The PostgreSQL URL with application_name set (for a process that is not the bot: no ?schema=). */
export function withApplicationName(url: string, applicationName: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', applicationName);
  return u.toString();
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
