// Start-up benchmark: how long the service takes to listen and to answer with a knowledge base
// of N articles, and how long /healthz waits meanwhile (the event loop blocked by the build is
// what delays every request, Slack's included). Prints figures; asserts nothing.
//
//   npm run bench:start [-- --articles 5000 --runs 3 --encoder none]
//   npm run bench:start -- --clinc [file] --warm --runs 3
//
// --clinc writes CLINC150's train split (150 articles x 100 phrasings; the file defaults to
// ../shared/benchmarks/clinc150/clinc150_full_train_val.json) instead of generated articles.
// --warm alternates a cold start (an empty DATA_DIR: the answer model is trained) with a warm
// restart on the DATA_DIR the cold start left (the trained model read from its cache), A B A B,
// and prints min/median/max of each and of the cold/warm ratio.
// --compiled starts the production way, `node dist/main.js` (building dist/ first if it is stale),
// instead of src/main.ts through tsx.
//
// Each run starts the bot in its own process (Teams without credentials: an HTTP service that
// needs no network), probes /healthz one request at a time every 20 ms from launch until it says
// "ok", and reports the time to the first answer of any kind (listening), to "ok" (ready), and
// the latency of the probes sent while it started: median, p99, max, and how many took over 1 s.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadKnowledgeBase } from '../core/knowledge/knowledge-base.js';
import { percentile } from '../evaluation/evaluate-questions.js';
import { clincArticles, readClinc } from './clinc-data.js';
import { articleMarkdown, generateArticles } from './generated-kb.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    encoder: { type: 'string', default: 'none' },
    'probe-ms': { type: 'string', default: '20' },
    clinc: { type: 'boolean', default: false },
    'clinc-file': {
      type: 'string',
      default: path.resolve(ROOT, '../shared/benchmarks/clinc150/clinc150_full_train_val.json'),
    },
    warm: { type: 'boolean', default: false },
    compiled: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});

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
  const child = spawn(
    process.execPath,
    values.compiled ? [path.join(ROOT, 'dist/main.js')] : ['--import', 'tsx', path.join(ROOT, 'src/main.ts')],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        KB_DIR: kbDir,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        TEAMS_ENABLED: '1',
        KB_WATCH: '0',
        LOG_LEVEL: 'error',
        ENCODER: values.encoder!,
        NODE_ENV: 'development',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`the bot exited during start-up (code ${code})`))),
  );
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

// CLINC150's articles have no answer text: each gets a line naming it, so that the files parse.
const articles = values.clinc
  ? clincArticles(readClinc(values['clinc-file']!).train).map((article) => ({
      ...article,
      answer: `The answer to "${article.title}".`,
    }))
  : generateArticles((await loadKnowledgeBase(path.join(ROOT, 'knowledge-base'))).articles, Number(values.articles));
const count = articles.length;
if (values.compiled)
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--if-stale'], { cwd: ROOT, stdio: 'inherit' });
const label = values.clinc ? 'CLINC150 train' : 'generated';
const work = mkdtempSync(path.join(tmpdir(), 'helpdesk-start-bench-'));
try {
  const kbDir = path.join(work, 'kb');
  mkdirSync(path.join(kbDir, 'generated'), { recursive: true });
  for (const article of articles)
    writeFileSync(path.join(kbDir, 'generated', `${article.id}.md`), articleMarkdown(article));
  const runs: Run[] = [];
  const warmRuns: Run[] = [];
  for (let i = 0; i < Number(values.runs); i++) {
    const dataDir = path.join(work, `data-${i}`);
    runs.push(await oneRun(kbDir, dataDir));
    console.log(
      JSON.stringify({
        kb: label,
        articles: count,
        encoder: values.encoder,
        ...(values.warm ? { start: 'cold' } : {}),
        ...runs.at(-1),
      }),
    );
    if (!values.warm) continue;
    // The same DATA_DIR: the model the cold start trained is in its cache.
    warmRuns.push(await oneRun(kbDir, dataDir));
    console.log(
      JSON.stringify({ kb: label, articles: count, encoder: values.encoder, start: 'warm', ...warmRuns.at(-1) }),
    );
  }
  const spread = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    const show = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
    return `${show(sorted[0]!)}/${show(sorted[Math.floor(sorted.length / 2)]!)}/${show(sorted.at(-1)!)}`;
  };
  const names = ['listenMs', 'readyMs', 'medianMs', 'p99Ms', 'maxMs', 'overOneSecond'] as const;
  console.log(
    `\n${count} articles (${label}), ${values.compiled ? 'node dist/main.js' : 'tsx src/main.ts'}, ${runs.length} runs${values.warm ? ' each, cold and warm alternated' : ''}, min/median/max:`,
  );
  for (const name of names)
    console.log(
      `  ${name.padEnd(14)} ${values.warm ? 'cold ' : ''}${spread(runs.map((run) => run[name]))}${values.warm ? `   warm ${spread(warmRuns.map((run) => run[name]))}` : ''}`,
    );
  if (values.warm)
    console.log(
      `  ready cold/warm ratio (pairwise) ${spread(runs.map((run, i) => run.readyMs / warmRuns[i]!.readyMs))}`,
    );
} finally {
  rmSync(work, { recursive: true, force: true });
}
