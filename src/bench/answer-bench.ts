// Answer-engine benchmark: index build time, memory and the time per question, at several
// knowledge-base sizes, each in a process of its own (so its RSS is its own). Prints figures;
// asserts nothing (timings on shared machines are noisy: compare runs, do not gate on them).
//
//   npm run bench [-- --sizes bundled,1000,10000 --rounds 8 --encoder none|use-lite --cache DIR]
//   npm run bench -- --vs DIR [--pairs 3] [--sizes 10000]
//   npm run bench -- --sizes 10000 --stand-in-encoder
//
// `bundled` (or a size equal to the knowledge base's article count) is the knowledge base itself,
// measured with --encoder (the bot's default: use-lite; its phrasings' embeddings cached in
// --cache); any other size is a generated knowledge base (generated-kb.ts) measured without
// the encoder: its made-up phrasings would take minutes to embed and mean nothing to it.
// --stand-in-encoder measures a generated knowledge base with a 512-dimension hashing encoder
// (no model) behind the bot's embedding cache (in a temporary folder): what the encoder's part
// costs at that size (its vectors' memory, the cosine to every article, the blend), without the
// model's own time per embedded question (about 9 ms of CPU, whatever the size).
// --vs DIR runs each size alternately here and in DIR (another checkout with this bench, e.g.
// a git worktree of an older commit), A B A B for --pairs pairs, and prints each figure's
// min / median / max on both sides and of the ratios here/DIR pair by pair.
// --size N (one size, in this process, a JSON line) is what the parent runs; under
// node --cpu-prof it profiles one size.
// Each size also reports its memory step by step (see MemoryStep): where the process's memory
// goes, and what the build's peak is made of.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AnswerEngine, embedArticles, thresholdsFor, type ArticleEmbeddings } from '../core/answering/answer-engine.js';
import { articlesByLanguage, MultilingualEngine, type Answerer } from '../core/answering/multilingual-engine.js';
import { HashingSentenceEncoder } from '../core/answering/hashing-sentence-encoder.js';
import type { Article } from '../core/knowledge/article.js';
import { loadKnowledgeBase } from '../core/knowledge/knowledge-base.js';
import { DEFAULT_LANGUAGE } from '../core/language/languages.js';
import { CachedSentenceEncoder } from '../encoders/embedding-cache.js';
import { encoderCliOptions, encoderFromCli } from '../encoders/encoder-options.js';
import { evaluate, percentile, readQuestions } from '../evaluation/evaluate-questions.js';
import { generateArticles } from './generated-kb.js';

const { values } = parseArgs({
  options: {
    kb: { type: 'string', default: 'knowledge-base' },
    questions: { type: 'string', default: 'test/fixtures/kb-questions.jsonl' },
    sizes: { type: 'string', default: 'bundled,1000,10000' },
    size: { type: 'string' },
    rounds: { type: 'string', default: '8' },
    vs: { type: 'string' },
    pairs: { type: 'string', default: '3' },
    'stand-in-encoder': { type: 'boolean', default: false },
    ...encoderCliOptions,
  },
});

/** What one size measures; every figure a number, so that runs can be compared field by field. */
interface SizeRow {
  articles: number;
  indexBuildMs: number;
  indexHeapMB: number;
  rssMB: number;
  peakRssMB: number;
  medianMs: number;
  p99Ms: number;
  meanMs: number;
  /** CPU time per question (this process, all threads): what a busy machine's preemption leaves out of the figures above. */
  cpuMedianMs: number;
  cpuP99Ms: number;
}

/**
 * The process's memory after one step of a size's measurement, in MB: RSS, the largest RSS so far,
 * the JavaScript heap in use, and the typed arrays' buffers (outside the heap). Steps named
 * `(collected)` are taken after a full collection (node --expose-gc, as the bench runs itself), the
 * others as the step left it, garbage included: the build's peak is what it leaves uncollected.
 */
interface MemoryStep {
  step: string;
  rssMB: number;
  peakRssMB: number;
  heapMB: number;
  arrayBuffersMB: number;
}

const gc = (globalThis as { gc?: () => void }).gc;
const steps: MemoryStep[] = [];
function memoryStep(step: string, collect = false): void {
  if (collect) gc?.();
  const usage = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  steps.push({
    step: collect ? `${step} (collected)` : step,
    rssMB: mb(usage.rss),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    heapMB: mb(usage.heapUsed),
    arrayBuffersMB: mb(usage.arrayBuffers),
  });
}

/** The JavaScript heap and the typed arrays' buffers (outside the heap), after a collection. */
const heapMB = () => {
  gc?.();
  const usage = process.memoryUsage();
  return (usage.heapUsed + usage.arrayBuffers) / 2 ** 20;
};

async function measureSize(sizeArg: string): Promise<void> {
  memoryStep('runtime and modules');
  const kb = await loadKnowledgeBase(path.resolve(values.kb));
  // `bundled`: the knowledge base itself, whatever its article count (a number names a generated one unless it equals it).
  const size = sizeArg === 'bundled' ? kb.articles.length : Number(sizeArg);
  const labelled = readQuestions(path.resolve(values.questions));
  const questions = labelled.map((q) => q.text);
  const bundled = size === kb.articles.length;
  let embeddings: ArticleEmbeddings | undefined;
  let encoderName = 'none';
  if (bundled) {
    const { encoder, phrasingEncoder } = await encoderFromCli(values);
    if (encoder) {
      // As the bot embeds them: the English articles' phrasings (the encoder reads English).
      const english = articlesByLanguage(kb.articles, DEFAULT_LANGUAGE).get('en') ?? [];
      embeddings = await embedArticles(english, phrasingEncoder ?? encoder, encoder);
      encoderName = encoder.name;
    }
  }
  memoryStep(bundled ? 'knowledge base read, encoder loaded, phrasings embedded' : 'bundled knowledge base read');
  const articles: Article[] = bundled ? kb.articles : generateArticles(kb.articles, size);
  if (!bundled) memoryStep('articles generated');
  let cacheDir: string | undefined;
  // Held to the end, as the bot's live knowledge base holds its cache.
  let cache: CachedSentenceEncoder | undefined;
  // The engine is built inside a function of its own, as the bot builds it: the phrasings'
  // embeddings must not outlive the build in a frame of this one (an awaited value stays
  // reachable from a suspended async function's frame).
  const build = async (): Promise<Omit<Answerer, 'articleAt'>> => {
    // The bundled knowledge base as the bot asks it: an engine per language, the question's language detected.
    if (bundled)
      return MultilingualEngine.build(articles, thresholdsFor(encoderName), DEFAULT_LANGUAGE, {
        ...(embeddings ? { embeddings } : {}),
      });
    if (!values['stand-in-encoder'])
      return new AnswerEngine(articles, undefined, undefined, undefined, undefined, embeddings);
    cacheDir = await mkdtemp(path.join(tmpdir(), 'answer-bench-'));
    const encoder = new HashingSentenceEncoder(512);
    cache = await CachedSentenceEncoder.open(encoder, cacheDir);
    encoderName = `${encoder.name} (stand-in)`;
    const standIn = await embedArticles(articles, cache, encoder);
    memoryStep('phrasings embedded');
    return new AnswerEngine(articles, undefined, undefined, undefined, undefined, standIn);
  };
  const before = heapMB();
  const start = performance.now();
  const engine = await build();
  const indexBuildMs = performance.now() - start;
  memoryStep('engine built');
  if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  const indexHeapMB = heapMB() - before;
  memoryStep('engine built', true);
  // Warm-up: one round of the questions. The sentence encoder's code (TensorFlow.js, its
  // WebAssembly) reaches full speed only after a hundred runs or more, which a bot that has
  // answered for a while is past; 50 questions left the first measured round still short of it.
  for (const q of questions) await engine.answer(q);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < Number(values.rounds); r++) {
    for (const q of questions) {
      const c = process.cpuUsage();
      const t = process.hrtime.bigint();
      await engine.answer(q);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  memoryStep(`${Number(values.rounds) * questions.length} questions asked`);
  memoryStep(`${Number(values.rounds) * questions.length} questions asked`, true);
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const row: SizeRow = {
    articles: size,
    indexBuildMs: Math.round(indexBuildMs),
    indexHeapMB: Number(indexHeapMB.toFixed(1)),
    rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    medianMs: Number(percentile(times, 0.5).toFixed(3)),
    p99Ms: Number(percentile(times, 0.99).toFixed(3)),
    meanMs: Number((times.reduce((a, b) => a + b, 0) / times.length).toFixed(3)),
    cpuMedianMs: Number(percentile(cpu, 0.5).toFixed(3)),
    cpuP99Ms: Number(percentile(cpu, 0.99).toFixed(3)),
  };
  let quality: string | undefined;
  if (bundled) {
    const q = await evaluate(engine, labelled);
    quality =
      `quality on ${labelled.length} questions (${q.inScope} in scope, ${q.outOfScope} out of scope), encoder ${encoderName}: ` +
      `top-1 ${pct(q.top1, q.inScope)}, top-3 ${pct(q.top3, q.inScope)}, answered right ${pct(q.answeredCorrect, q.inScope)}, ` +
      `answered or offered right ${pct(q.answeredCorrect + q.suggestedCorrect, q.inScope)}, confident wrong ${q.confidentWrong}, ` +
      `out-of-scope declined ${pct(q.outOfScopeDeclined, q.outOfScope)}`;
  }
  console.log(
    JSON.stringify({
      row,
      encoder: encoderName,
      questions: times.length,
      quality,
      ...(cache ? { cachedVectors: await cache.size() } : {}),
      steps,
    }),
  );
}

/** Runs one size in a child process of the bench in `checkout` (this one by default). */
function runChild(
  size: string,
  checkout: string,
): { row: SizeRow; encoder: string; questions: number; quality?: string; steps: MemoryStep[] } {
  const script = path.join(checkout, 'src/bench/answer-bench.ts');
  const args = [
    '--expose-gc',
    '--import',
    'tsx',
    script,
    '--size',
    String(size),
    '--kb',
    path.resolve(values.kb),
    '--questions',
    path.resolve(values.questions),
    '--rounds',
    values.rounds,
    '--encoder',
    values.encoder,
    '--cache',
    path.resolve(values.cache),
  ];
  if (values['stand-in-encoder']) args.push('--stand-in-encoder');
  const out = execFileSync(process.execPath, args, {
    cwd: checkout,
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = out.trim().split('\n').at(-1)!;
  return JSON.parse(line) as ReturnType<typeof runChild>;
}

function spread(list: number[]): string {
  const sorted = [...list].sort((a, b) => a - b);
  const f = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));
  return `${f(sorted[0]!)} / ${f(percentile(sorted, 0.5))} / ${f(sorted.at(-1)!)}`;
}

function pct(n: number, d: number): string {
  return `${((100 * n) / d).toFixed(1)}%`;
}

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sizes = values.sizes.split(',').map((size) => size.trim());
for (const size of [...sizes, ...(values.size === undefined ? [] : [values.size])])
  if (size !== 'bundled' && !/^[1-9]\d*$/.test(size)) {
    console.error(`--sizes: "${size}" is neither "bundled" nor a number of articles`);
    process.exit(2);
  }

if (values.size !== undefined) {
  await measureSize(values.size);
} else if (values.vs === undefined) {
  const rows = sizes.map((size) => runChild(size, here));
  console.table(rows.map((r) => ({ ...r.row, encoder: r.encoder, questions: r.questions })));
  for (const r of rows) if (r.quality) console.log(r.quality);
  for (const r of rows) {
    console.log(`\n${r.row.articles} articles, memory step by step (MB):`);
    console.table(r.steps.map(({ step, ...figures }) => ({ step, ...figures })));
  }
  const [small, ...rest] = rows;
  if (small)
    for (const r of rest)
      console.log(
        `${r.row.articles} articles against ${small.row.articles}: median x${(r.row.medianMs / small.row.medianMs).toFixed(1)}, p99 x${(r.row.p99Ms / small.row.p99Ms).toFixed(1)}, RSS x${(r.row.rssMB / small.row.rssMB).toFixed(1)}`,
      );
  console.log(JSON.stringify(rows.map((r) => r.row)));
} else {
  const other = path.resolve(values.vs);
  const figures: Array<keyof SizeRow> = [
    'medianMs',
    'p99Ms',
    'meanMs',
    'cpuMedianMs',
    'cpuP99Ms',
    'rssMB',
    'peakRssMB',
    'indexHeapMB',
    'indexBuildMs',
  ];
  for (const size of sizes) {
    const a: SizeRow[] = [];
    const b: SizeRow[] = [];
    for (let p = 0; p < Number(values.pairs); p++) {
      a.push(runChild(size, here).row);
      b.push(runChild(size, other).row);
    }
    console.log(`\n${size} articles, ${values.pairs} pairs, A = ${here}, B = ${other} (min / median / max)`);
    console.table(
      Object.fromEntries(
        figures.map((k) => [
          k,
          {
            A: spread(a.map((r) => r[k])),
            B: spread(b.map((r) => r[k])),
            'A/B': spread(a.map((r, i) => r[k] / b[i]![k])),
          },
        ]),
      ),
    );
  }
}
