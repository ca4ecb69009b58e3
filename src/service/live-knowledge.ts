import { watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import {
  AnswerEngine,
  phrasingsOf,
  type AnswerThresholds,
  type BuildOptions,
  type BuildProgress,
} from '../core/answering/answer-engine.js';
import { cachedArticleEmbeddings } from '../core/answering/article-embeddings-cache.js';
import type { TrainedModelCache } from '../core/answering/model-cache.js';
import { articlesByLanguage, MultilingualEngine } from '../core/answering/multilingual-engine.js';
import { DEFAULT_LANGUAGE, languageName, type LanguageCode } from '../core/language/languages.js';
import type { SentenceEncoder } from '../core/answering/sentence-encoder.js';
import { CachedSentenceEncoder } from '../encoders/embedding-cache.js';
import { FileModelCache } from '../store/model-cache.js';
import type { Article } from '../core/knowledge/article.js';
import {
  withLearnedPhrasings,
  type LearnedPhrasing,
  type LearnedPhrasings,
} from '../core/knowledge/learned-phrasings.js';
import { formatProblem, loadKnowledgeBase, type KnowledgeBase } from '../core/knowledge/knowledge-base.js';
import type { Logger } from '../core/logger.js';
import { loadScripts, type ScriptLibrary } from '../core/scripts/load-scripts.js';
import type { Script } from '../core/scripts/script.js';
import type { TicketRepository } from '../core/tickets/ticket-repository.js';
import { TriageModel, type SettledTicket } from '../core/triage/triage-model.js';

/** Everything built from the knowledge-base folder at one moment. */
export interface KnowledgeSnapshot {
  knowledgeBase: KnowledgeBase;
  scripts: ScriptLibrary;
  scriptsById: ReadonlyMap<string, Script>;
  /** The default language's engine: its articles, its analysis, the sentence encoder when there is one. */
  engine: AnswerEngine;
  /** Every language's engine behind one: detects a question's language and answers from its articles (see MultilingualEngine). */
  answers: MultilingualEngine;
  /** An engine over the scripts' triggers, to start a script straight from a question. */
  triggerEngine: AnswerEngine | null;
  /** Predicts new tickets' category, priority and tier (from the articles and, after triageFrom, settled tickets). */
  triage: TriageModel;
}

/** Settled tickets triage learns from at most: the most recent ones, so that it follows how engineers triage now. */
const SETTLED_FOR_TRIAGE = 2_000;

/** What a reload found: the problems (as file:line lines) and what now serves. */
export interface ReloadReport {
  problems: string[];
  /** Broken files whose last good version keeps serving. */
  keptLastGood: string[];
  articles: number;
  scripts: number;
  ms: number;
}

const DEBOUNCE_MS = 150;

/**
 * The knowledge base and scripts as the bot serves them. A reload builds a new snapshot and
 * swaps it in at once; a file that no longer parses keeps its last good version, so one bad
 * edit never takes an answer away.
 */
export class LiveKnowledge {
  private constructor(
    private readonly dir: string,
    private readonly thresholds: AnswerThresholds,
    private current: KnowledgeSnapshot,
    /** The sentence encoder for questions and its disk cache for the articles' phrasings; null: lexical only. */
    private readonly encoding: { encoder: SentenceEncoder; cache: CachedSentenceEncoder } | null,
    /** Trained answer models by what they were trained on (restarts and reloads with the same articles skip the training), and who hears about each stage. */
    private readonly options: {
      modelCache?: TrainedModelCache;
      progress?: (line: string) => void;
      /** Articles without `lang:` are in this language, and unsure questions too (DEFAULT_LANGUAGE). */
      defaultLanguage?: LanguageCode;
      /** Each other language's pair; default: those fitted for them (see languageThresholds). */
      languageThresholds?: Readonly<Partial<Record<LanguageCode, AnswerThresholds>>>;
      /** Ends a build in progress at its next turn for the event loop, throwing its reason: the bot is stopping. */
      signal?: AbortSignal;
    } = {},
  ) {}

  /** Where learned phrasings come from, and how many askers make one usable; null until learnFrom. */
  private learned: { store: LearnedPhrasings; minAskers: number } | null = null;
  /** The learned phrasings of the last build, kept when the database cannot be read on a reload. */
  private lastLearned: LearnedPhrasing[] = [];
  /** Where settled tickets come from; null until triageFrom. */
  private settledSource: Pick<TicketRepository, 'settled'> | null = null;
  /** The settled tickets of the last build, kept when the database cannot be read on a reload. */
  private lastSettled: SettledTicket[] = [];
  /** Reloads run one at a time: the watcher and the learner both ask for them. */
  private reloading: Promise<unknown> = Promise.resolve();

  /**
   * Loads the folder and builds the engine. With `modelCacheDir` (or a `modelCache`) the trained
   * answer model is kept on disk by what it was trained on; `progress` hears one line per stage,
   * at the start and at every reload. With `learned`, the first build already has the learned
   * phrasings (see learnFrom): a start with some builds once, not twice. `signal` stops the build
   * (this one, and any reload's) within a slice of work: a bot stopped while it starts stops at once.
   */
  static async load(
    dir: string,
    thresholds: AnswerThresholds,
    encoder?: { encoder: SentenceEncoder; cacheDir: string } | null,
    options: {
      modelCacheDir?: string;
      modelCache?: TrainedModelCache;
      progress?: (line: string) => void;
      learned?: { store: LearnedPhrasings; minAskers: number };
      defaultLanguage?: LanguageCode;
      languageThresholds?: Readonly<Partial<Record<LanguageCode, AnswerThresholds>>>;
      signal?: AbortSignal;
    } = {},
  ): Promise<LiveKnowledge> {
    options.signal?.throwIfAborted();
    const encoding = encoder
      ? { encoder: encoder.encoder, cache: await CachedSentenceEncoder.open(encoder.encoder, encoder.cacheDir) }
      : null;
    const modelCache =
      options.modelCache ?? (options.modelCacheDir ? new FileModelCache(options.modelCacheDir) : undefined);
    const library = new LiveKnowledge(dir, thresholds, undefined as unknown as KnowledgeSnapshot, encoding, {
      ...(modelCache ? { modelCache } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
      ...(options.defaultLanguage ? { defaultLanguage: options.defaultLanguage } : {}),
      ...(options.languageThresholds ? { languageThresholds: options.languageThresholds } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (options.learned) library.learned = options.learned;
    library.current = (await library.build(null)).snapshot;
    return library;
  }

  get snapshot(): KnowledgeSnapshot {
    return this.current;
  }

  /**
   * Adds the learned phrasings that enough askers confirmed to their articles, now and on every
   * reload. Rebuilds at once only when some are usable, so a start with nothing learnt builds once.
   */
  async learnFrom(store: LearnedPhrasings, minAskers: number): Promise<void> {
    // Loaded with them already (load's `learned`): the engine has them.
    if (this.learned?.store === store && this.learned.minAskers === minAskers) return;
    this.learned = { store, minAskers };
    if ((await store.candidates(minAskers)).length > 0) await this.reload();
  }

  /**
   * Lets triage learn from settled tickets, now and on every reload (the category, priority and
   * tier engineers left them in). Retrains only the triage model now, not the answer engine.
   */
  async triageFrom(source: Pick<TicketRepository, 'settled'>): Promise<void> {
    this.settledSource = source;
    await this.retrainTriage();
  }

  /**
   * Retrains the triage model on the settled tickets as they are now (after more tickets were
   * resolved or corrected), keeping the answer engine; one at a time with reloads. Returns how
   * many tickets it learnt from.
   */
  retrainTriage(): Promise<number> {
    const run = this.reloading.then(async () => {
      const settled = await this.settledTickets();
      if (settled.length > 0)
        this.current = {
          ...this.current,
          triage: await TriageModel.build(
            this.current.knowledgeBase.articles,
            settled,
            undefined,
            undefined,
            this.triageOptions(),
          ),
        };
      return settled.length;
    });
    this.reloading = run.catch(() => {});
    return run;
  }

  /** Reads the folder (and the learned phrasings) again and swaps in the result. */
  reload(): Promise<ReloadReport> {
    const run = this.reloading.then(() => this.reloadNow());
    this.reloading = run.catch(() => {});
    return run;
  }

  private async reloadNow(): Promise<ReloadReport> {
    const started = performance.now();
    const { snapshot, problems, keptLastGood } = await this.build(this.current);
    this.current = snapshot;
    return {
      problems,
      keptLastGood,
      articles: snapshot.knowledgeBase.articles.length,
      scripts: snapshot.scripts.scripts.length,
      ms: Math.round(performance.now() - started),
    };
  }

  /** Reloads on every change under the folder (debounced); returns a function that stops watching. */
  watch(logger: Logger, onReload: (report: ReloadReport) => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    let running: Promise<void> = Promise.resolve();
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        running = running.then(async () => {
          try {
            onReload(await this.reload());
          } catch (error) {
            if (this.options.signal?.aborted) {
              // Not a failure: the bot is stopping, and the build ended at its next turn.
              logger.info({ dir: this.dir }, 'knowledge base reload stopped: the bot is stopping');
              return;
            }
            logger.error(
              { err: error, dir: this.dir },
              'knowledge base reload failed; the previous version keeps serving',
            );
          }
        });
      }, DEBOUNCE_MS);
    };
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(this.current.knowledgeBase.dir, { recursive: true }, schedule);
      watcher.on('error', (error) =>
        logger.error({ err: error }, 'watching the knowledge base failed; restart to pick up changes'),
      );
    } catch (error) {
      logger.error({ err: error }, 'cannot watch the knowledge base; changes need a restart');
    }
    return () => {
      clearTimeout(timer);
      watcher?.close();
    };
  }

  private async build(
    previous: KnowledgeSnapshot | null,
  ): Promise<{ snapshot: KnowledgeSnapshot; problems: string[]; keptLastGood: string[] }> {
    const { signal } = this.options;
    const kb = await loadKnowledgeBase(this.dir, {
      ...(this.options.modelCache ? { cache: this.options.modelCache } : {}),
      ...(signal ? { signal } : {}),
    });
    const keptLastGood: string[] = [];
    // A broken file keeps serving its last good version (same path, id not taken by another file).
    if (previous) {
      const ids = new Set(kb.articles.map((a) => a.id));
      for (const file of new Set(kb.problems.map((p) => p.file))) {
        const old = previous.knowledgeBase.articles.find((a) => a.path === file);
        if (old && !ids.has(old.id)) {
          kb.articles.push(old);
          ids.add(old.id);
          keptLastGood.push(file);
        }
      }
    }
    const articleIds = new Set(kb.articles.map((a) => a.id));
    const scripts = await loadScripts(path.join(kb.dir, 'scripts'), articleIds, kb.dir);
    signal?.throwIfAborted();
    if (previous) {
      const ids = new Set(scripts.scripts.map((s) => s.id));
      for (const file of new Set(scripts.problems.filter((p) => p.severity === 'error').map((p) => p.file))) {
        const old = previous.scripts.scripts.find((s) => s.path === file);
        if (old && !ids.has(old.id)) {
          scripts.scripts.push(old);
          ids.add(old.id);
          keptLastGood.push(file);
        }
      }
    }
    // The engine learns the files' questions and the learned phrasings; the snapshot's knowledge
    // base stays what the files say, so a kept last good version never carries learned ones.
    const served = this.learned
      ? withLearnedPhrasings(kb.articles, await this.learnedPhrasings(this.learned), this.learned.minAskers)
      : kb.articles;
    const progress = this.options.progress;
    const defaultLanguage = this.options.defaultLanguage ?? DEFAULT_LANGUAGE;
    const byLanguage = articlesByLanguage(served, defaultLanguage);
    // The sentence encoder (USE lite) reads English only: other languages are matched by their words.
    const encoded = this.encoding && defaultLanguage === 'en' ? (byLanguage.get('en') ?? []) : [];
    progress?.(
      `Indexing ${served.length} articles (${served.reduce((sum, a) => sum + a.questions.length, 0)} phrasings)` +
        (byLanguage.size > 1
          ? ` in ${byLanguage.size} languages (${[...byLanguage].map(([code, group]) => `${code} ${group.length}`).join(', ')})`
          : '') +
        (this.encoding
          ? `, embedding ${encoded.length} ${languageName('en')} ones with ${this.encoding.encoder.name}`
          : ''),
    );
    // The articles' embeddings as last computed for the same phrasings (the model cache), else only
    // phrasings not embedded before (by content) go through the encoder; see CachedSentenceEncoder.
    const embeddings = this.encoding
      ? await cachedArticleEmbeddings(
          encoded,
          stoppable(this.encoding.cache, signal),
          this.encoding.encoder,
          this.options.modelCache,
        )
      : undefined;
    signal?.throwIfAborted();
    if (this.encoding) await this.encoding.cache.retainOnly(encoded.flatMap(phrasingsOf));
    // Built giving the event loop turns: the bot answers from the current snapshot meanwhile.
    const answers = await MultilingualEngine.build(served, this.thresholds, defaultLanguage, {
      ...(embeddings ? { embeddings } : {}),
      ...(this.options.languageThresholds ? { languageThresholds: this.options.languageThresholds } : {}),
      // The default language's model keeps its kind (and so its cached files); each other language has its own.
      buildOptions: (language) => this.buildOptions(language === defaultLanguage ? 'answer' : `answer-${language}`),
      ...(signal ? { signal } : {}),
    });
    const problems = [
      ...kb.problems.map(formatProblem),
      ...scripts.problems.map((p) => `${formatProblem(p)}${p.severity === 'warning' ? ' (warning)' : ''}`),
    ];
    const snapshot: KnowledgeSnapshot = {
      knowledgeBase: kb,
      scripts,
      scriptsById: new Map(scripts.scripts.map((s) => [s.id, s])),
      engine: answers.primary,
      answers,
      triggerEngine:
        scripts.scripts.length > 0
          ? await AnswerEngine.build(
              scripts.scripts.map(triggerArticle),
              this.thresholds,
              undefined,
              undefined,
              undefined,
              this.buildOptions('triggers'),
            )
          : null,
      // From the files' articles (not learned phrasings: askers' words say nothing of a ticket's urgency or tier).
      triage: await TriageModel.build(
        kb.articles,
        await this.settledTickets(),
        undefined,
        undefined,
        this.triageOptions(),
      ),
    };
    return { snapshot, problems, keptLastGood };
  }

  /**
   * Triage's model is read or trained before the snapshot serves; its index (every article's vector, each category's
   * terms: 0.5 s of CPU at CLINC150's size) is built after, giving the event loop turns: answers do not wait for it,
   * and a ticket opened meanwhile finishes it first.
   */
  private triageOptions(): BuildOptions & { indexInBackground: boolean } {
    return { ...this.buildOptions('triage'), indexInBackground: true };
  }

  /** The model cache for one kind of model (answer, triggers, triage), and a progress line for where it came from. */
  private buildOptions(kind: string): BuildOptions {
    const what =
      { answer: 'answer model', triggers: "scripts' trigger model", triage: 'triage model' }[kind] ??
      (kind.startsWith('answer-') ? `${languageName(kind.slice('answer-'.length))} answer model` : `${kind} model`);
    const { modelCache, progress } = this.options;
    const tell = progress
      ? (event: BuildProgress) =>
          progress(
            event.kind === 'warning'
              ? `Warning: ${event.message}`
              : event.source === 'cache'
                ? `The ${what} read from the cache in ${(event.ms / 1000).toFixed(1)} s`
                : `The ${what} trained in ${(event.ms / 1000).toFixed(1)} s (cached for the next start)`,
          )
      : undefined;
    return {
      modelKind: kind,
      ...(modelCache ? { modelCache } : {}),
      ...(tell ? { progress: tell } : {}),
      ...(this.options.signal ? { signal: this.options.signal } : {}),
    };
  }

  private async settledTickets(): Promise<SettledTicket[]> {
    if (!this.settledSource) return this.lastSettled;
    try {
      this.lastSettled = (await this.settledSource.settled(SETTLED_FOR_TRIAGE)).map(
        ({ key, subject, description, question, category, priority, tier }) => ({
          key,
          subject,
          description,
          question,
          category,
          priority,
          tier,
        }),
      );
    } catch {
      // The database is away: the model learns from the tickets it read last time.
    }
    return this.lastSettled;
  }

  private async learnedPhrasings(learned: { store: LearnedPhrasings; minAskers: number }): Promise<LearnedPhrasing[]> {
    try {
      this.lastLearned = await learned.store.candidates(learned.minAskers);
    } catch {
      // The database is away: an edit to the files still takes effect, with what was learnt before.
    }
    return this.lastLearned;
  }
}

/**
 * The phrasings' encoder, refusing to start another batch once `signal` is aborted: embedding a large
 * knowledge base's phrasings takes minutes, a batch (embedArticles' 1,024 phrasings) seconds.
 */
function stoppable(encoder: SentenceEncoder, signal: AbortSignal | undefined): SentenceEncoder {
  if (!signal) return encoder;
  return {
    name: encoder.name,
    dimensions: encoder.dimensions,
    embed: (texts) => {
      signal.throwIfAborted();
      return encoder.embed(texts);
    },
  };
}

/** A script seen as an article whose questions are its triggers, so the same engine can match it. */
function triggerArticle(script: Script): Article {
  return {
    id: script.id,
    title: script.title,
    questions: script.triggers,
    tags: [],
    category: script.category,
    owner: 'scripts',
    updated: '',
    answer: script.description ?? script.title,
    body: script.description ?? '',
    path: script.path,
  };
}
