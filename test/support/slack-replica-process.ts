/**
 * One Slack bot replica in a process of its own, so a test can kill it outright (SIGKILL) while
 * it works: the operating system closes its sockets, as when a container dies. Started by
 * startSlackReplicaProcess with the replica's variables in its environment; it reports its port
 * and every call it makes to (its own, nock'ed) Slack Web API over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import nock from 'nock';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { startBot } from '../../src/server.js';
import { FakeSlackApi, slackBotEnv, type ApiCall } from './slack.js';
import { lexicalEnv } from './lexical-env.js';

/** Messages from the replica process. */
export type ReplicaMessage = { port: number } | { call: ApiCall } | { error: string };

/** The variables of a replica like startSlackHarness's, on the given database (a URL, or the variables that name it). */
export function replicaEnv(database: string | Record<string, string>): Record<string, string> {
  return {
    ...(typeof database === 'string' ? { DATABASE_URL: database } : database),
    KB_WATCH: '0',
    LOG_LEVEL: 'silent',
    ...lexicalEnv,
    ...slackBotEnv(),
  };
}

/** A replica process: its URL, the Slack calls it has made so far, and the process to kill. */
export interface ReplicaProcess {
  url: string;
  calls: ApiCall[];
  child: ChildProcess;
  /** Resolves when the process has exited (after a kill). */
  exited: Promise<void>;
}

export async function startSlackReplicaProcess(
  database: string | Record<string, string>,
  firstTs: number,
): Promise<ReplicaProcess> {
  const child = fork(import.meta.filename, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...replicaEnv(database), REPLICA_FIRST_TS: String(firstTs) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const calls: ApiCall[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.on('message', (message: ReplicaMessage) => {
      if ('port' in message) resolve(message.port);
      else if ('call' in message) calls.push(message.call);
      else reject(new Error(`replica failed to start: ${message.error}`));
    });
    child.once('exit', (code) => reject(new Error(`replica exited with ${code} before it was ready`)));
  });
  return { url: `http://127.0.0.1:${port}`, calls, child, exited };
}

async function main(): Promise<void> {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  const api = new FakeSlackApi({ firstTs: Number(process.env.REPLICA_FIRST_TS) });
  const record = api.calls.push.bind(api.calls);
  api.calls.push = (...calls: ApiCall[]) => {
    for (const call of calls) process.send?.({ call } satisfies ReplicaMessage);
    return record(...calls);
  };
  const bot = await startBot(loadConfig(process.env), silentLogger, {
    host: '127.0.0.1',
    slackRetry: { retries: 1, minTimeout: 50, maxTimeout: 100 },
    // A short lease: what this replica holds when it is killed is taken over within seconds.
    queue: { leaseMs: 3_000, pollMs: 100, backoffMs: 50, maxBackoffMs: 400 },
  });
  process.send?.({ port: bot.port } satisfies ReplicaMessage);
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  main().catch((error: unknown) => {
    process.send?.({ error: error instanceof Error ? error.message : String(error) } satisfies ReplicaMessage);
    process.exit(1);
  });
}
