// Start-up benchmark: how long the service takes to listen and to answer with a knowledge base
// of N articles, and how long /healthz waits meanwhile (the event loop blocked by the build is
// what delays every request, Slack's included). Prints figures; asserts nothing.
//
//   npm run bench:start [-- --articles 5000 --runs 3 --encoder none]
//
// Each run starts the bot in its own process (Teams without credentials: an HTTP service that
// needs no network), probes /healthz one request at a time every 20 ms from launch until it says
// "ok", and reports the time to the first answer of any kind (listening), to "ok" (ready), and
// the latency of the probes sent while it started: median, p99, max, and how many took over 1 s.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import type { Article } from '../core/knowledge/article.js';
import { loadKnowledgeBase } from '../core/knowledge/knowledge-base.js';
import { percentile } from '../evaluation/evaluate-questions.js';
import { generateArticles } from './generated-kb.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    encoder: { type: 'string', default: 'none' },
    'probe-ms': { type: 'string', default: '20' },
  },
});

/** An article as a markdown file, as an editor would write it. */
function articleFile(article: Article): string {
  const front = stringify({ id: article.id, title: article.title, questions: article.questions, tags: article.tags, category: article.category, updated: '2026-12-01' });
  return `---\n${front}---\n\n# ${article.title}\n\n## Answer\n\n${article.answer}\n\n## Details\n\n${article.body}\n`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Run {
  listenMs: number;
  readyMs: number;
  probes: number;
  medianMs: number;
  p99Ms: number;
  maxMs: number;
  overOneSecond: number;
}

async function oneRun(kbDir: string, dataDir: string): Promise<Run> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { ...process.env, KB_DIR: kbDir, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', TEAMS_ENABLED: '1', KB_WATCH: '0', LOG_LEVEL: 'error', ENCODER: values.encoder!, NODE_ENV: 'development' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the bot exited during start-up (code ${code})`))));
  const latencies: number[] = [];
  let listenMs = 0;
  try {
    for (;;) {
      const sent = performance.now();
      const status = await Promise.race([
        fetch(`http://127.0.0.1:${port}/healthz`).then(
          async (response) => ((await response.json()) as { status: string }).status,
          () => 'down',
        ),
        exited,
      ]);
      const took = performance.now() - sent;
      if (status !== 'down') {
        if (!listenMs) listenMs = sent - started;
        latencies.push(took);
        if (status === 'ok') return summarise(listenMs, performance.now() - started, latencies);
      }
      await new Promise((resolve) => setTimeout(resolve, Number(values['probe-ms'])));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)));
  }
}

function summarise(listenMs: number, readyMs: number, latencies: number[]): Run {
  const sorted = [...latencies].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n);
  return {
    listenMs: round(listenMs),
    readyMs: round(readyMs),
    probes: sorted.length,
    medianMs: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    maxMs: round(sorted.at(-1) ?? 0),
    overOneSecond: sorted.filter((ms) => ms > 1000).length,
  };
}

const base = (await loadKnowledgeBase(path.join(ROOT, 'knowledge-base'))).articles;
const count = Number(values.articles);
const work = mkdtempSync(path.join(tmpdir(), 'helpdesk-start-bench-'));
try {
  const kbDir = path.join(work, 'kb');
  mkdirSync(path.join(kbDir, 'generated'), { recursive: true });
  for (const article of generateArticles(base, count)) writeFileSync(path.join(kbDir, 'generated', `${article.id}.md`), articleFile(article));
  const runs: Run[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const dataDir = path.join(work, `data-${i}`);
    runs.push(await oneRun(kbDir, dataDir));
    console.log(JSON.stringify({ articles: count, encoder: values.encoder, ...runs.at(-1) }));
  }
  const field = (name: keyof Run) => {
    const sorted = runs.map((run) => run[name]).sort((a, b) => a - b);
    return `${sorted[0]}/${sorted[Math.floor(sorted.length / 2)]}/${sorted.at(-1)}`;
  };
  console.log(`\n${count} articles, ${runs.length} runs, min/median/max:`);
  for (const name of ['listenMs', 'readyMs', 'medianMs', 'p99Ms', 'maxMs', 'overOneSecond'] as const) console.log(`  ${name.padEnd(14)} ${field(name)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
