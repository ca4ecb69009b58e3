import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { articleMarkdown, generateArticles } from '../../src/bench/generated-kb.js';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { openStore } from '../../src/store/open-store.js';
import { lexicalEnv } from '../support/lexical-env.js';
import { SERVICE_URL, teamsMessage } from '../support/teams.js';

/**
 * An operator (systemd, Kubernetes, `docker stop`) stops the service with SIGTERM, and may do so
 * while a large knowledge base is still being built: the real bot, in its own process, must stop
 * then and there (exit 0, the database closed, what it acknowledged kept in the inbox for the
 * next start), not once the build is over. The knowledge base is generated as the start bench
 * does; at this size triage's model trains for about 10 s after the articles are indexed, so a
 * stop sent once they are lands in the build. Nothing here is timed beyond generous time-outs: the
 * proof that the build was cut short is that it never said triage's model was trained.
 */
const root = path.resolve(import.meta.dirname, '../..');
const ARTICLES = 3_000;
let work: string;
let kbDir: string;

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'helpdesk-stop-starting-'));
  kbDir = path.join(work, 'kb');
  mkdirSync(path.join(kbDir, 'generated'), { recursive: true });
  const base = (await loadKnowledgeBase(path.join(root, 'knowledge-base'))).articles;
  for (const article of generateArticles(base, ARTICLES))
    writeFileSync(path.join(kbDir, 'generated', `${article.id}.md`), articleMarkdown(article));
}, 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The service on the generated knowledge base (Teams without credentials: HTTP only, no network), in an empty data folder. */
function startService(dataDir: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? work,
      KB_DIR: kbDir,
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      TEAMS_ENABLED: '1',
      TEAMS_SERVICE_URL: SERVICE_URL,
      KB_WATCH: '0',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'development',
      ...lexicalEnv,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, stderr: () => stderr, exited };
}

async function until<T>(find: () => T | undefined | null, what: string, stderr: () => string): Promise<T> {
  for (let i = 0; i < 3_000; i++) {
    const found = find();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not seen: ${what}\n${stderr()}`);
}

describe('a stop while the knowledge base is being built', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s ends the process with 0 before the build finishes, keeping what was acknowledged',
    async (signal) => {
      const dataDir = path.join(work, `data-${signal}`);
      const { child, stderr, exited } = startService(dataDir);
      try {
        const port = await until(
          () => /listening on 127\.0\.0\.1:(\d+)/.exec(stderr())?.[1],
          'the bot listening',
          stderr,
        );
        const url = `http://127.0.0.1:${port}`;
        // Building: health says so, and a message is acknowledged and kept for later.
        const health = await fetch(`${url}/healthz`);
        expect(health.status).toBe(503);
        expect(await health.json()).toMatchObject({ status: 'starting' });
        const sent = await fetch(`${url}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(teamsMessage({ text: 'how do I reset my password' })),
        });
        expect(sent.status).toBeLessThan(300);
        // In the middle of the build: the articles read, the models not yet trained.
        await until(() => stderr().includes(`Indexing ${ARTICLES} articles`), 'the articles indexed', stderr);
        expect(stderr(), 'the knowledge base is too small to stop the bot while it builds').not.toMatch(
          /triage model trained|Knowledge base loaded/,
        );

        child.kill(signal);
        const { code } = await exited;
        expect(code, stderr()).toBe(0);
        expect(stderr()).toContain(`${signal}: stopping`);
        // Stopped inside the build: triage's model was never finished (nor kept), the bot never ready.
        expect(stderr()).not.toMatch(/triage model trained|Knowledge base loaded/);
        const cached = path.join(dataDir, 'model-cache');
        expect((existsSync(cached) ? readdirSync(cached) : []).filter((name) => name.startsWith('triage-'))).toEqual(
          [],
        );
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      // The acknowledged message waits in the inbox for the next start.
      const store = await openStore({ kind: 'sqlite', file: path.join(dataDir, 'helpdesk.db') }, { create: false });
      try {
        const kept = await store.prisma.queueItem.findMany({ where: { kind: 'teams.inbound' } });
        expect(kept.map((item) => item.status)).toEqual(['pending']);
      } finally {
        await store.close();
      }
    },
    120_000,
  );
});
