import type { Article } from '../knowledge/article.js';
import { exclusiveVocabulariesSteps, LanguageDetector, type Detection } from '../language/language-detector.js';
import type { LanguageCode, LanguageOutcome } from '../language/languages.js';
import {
  AnswerEngine,
  defaultThresholds,
  pairFor,
  MAX_QUERY_CHARS,
  type AnswerResult,
  type AnswerThresholds,
  type ArticleEmbeddings,
  type AskOptions,
  type BuildOptions,
} from './answer-engine.js';
import { languageThresholds, thresholdsOf } from './language-thresholds.js';
import { TextAnalyzer } from './text-analyzer.js';
import { runStepsPaced } from './time-slicing.js';

/** An answer, with the language the question was asked in and the one it was answered from. */
export type LanguageAnswer = AnswerResult & { language: LanguageOutcome };

/** What the conversation needs of an engine: answers, articles by id, categories. Both engines give it. */
export interface Answerer {
  answer(question: string, options?: AskOptions): Promise<AnswerResult & { language?: LanguageOutcome }>;
  article(id: string): Article | undefined;
  /** The article at a path in the knowledge base ("network/vpn-setup.md"), whatever its language. */
  articleAt(path: string): Article | undefined;
  categories(): string[];
}

/** The language an article is in: its `lang:`, else the default. */
export function articleLanguage(article: Article, defaultLanguage: LanguageCode): LanguageCode {
  return article.lang ?? defaultLanguage;
}

/** Articles grouped by language, the default language first (present even without articles). */
export function articlesByLanguage(
  articles: readonly Article[],
  defaultLanguage: LanguageCode,
): Map<LanguageCode, Article[]> {
  const groups = new Map<LanguageCode, Article[]>([[defaultLanguage, []]]);
  for (const article of articles) {
    const language = articleLanguage(article, defaultLanguage);
    let group = groups.get(language);
    if (!group) groups.set(language, (group = []));
    group.push(article);
  }
  return groups;
}

/**
 * One answer engine per language the knowledge base has, each with its language's analysis; a
 * question goes to the engine of its detected language. A question in a language without
 * articles, or that its language's articles do not fit, is asked of the default language's engine
 * (lexically: the sentence encoder reads English only), and the answer says it came from there.
 */
export class MultilingualEngine implements Answerer {
  readonly detector: LanguageDetector;

  /**
   * The terms the default language's articles use in their titles, phrasings and tags (its
   * analysis). Only a question in another language reads them: made then, once (0.3 s of CPU at
   * CLINC150's 15,000 phrasings, which a start would otherwise spend before its first answer).
   */
  private vocabulary: ReadonlySet<string> | null = null;
  /** The default language's articles, for the vocabulary. */
  private readonly defaultArticles: readonly Article[];
  private readonly defaultAnalyzer: TextAnalyzer;
  private readonly analyzers = new Map<LanguageCode, TextAnalyzer>();
  /** Translations by `<lang>:<original id>`. */
  private readonly translations = new Map<string, Article>();
  /** Every article by its path in the knowledge base. */
  private readonly byPath = new Map<string, Article>();
  /** The default language's pair (pairFor: whether the knowledge base has outside topics). */
  private readonly thresholds: AnswerThresholds;

  constructor(
    private readonly engines: ReadonlyMap<LanguageCode, AnswerEngine>,
    readonly defaultLanguage: LanguageCode,
    /**
     * Every article: the default language's words let another language's question find them, and
     * translations (`translation_of`) stand in for their originals in an offer.
     */
    articles: readonly Article[] = [],
    /** An offer from the default language's articles needs at least `suggest` confidence, even for one word. */
    thresholds: AnswerThresholds = defaultThresholds,
    detector?: LanguageDetector,
  ) {
    this.thresholds = pairFor(thresholds, articles);
    const primary = engines.get(defaultLanguage);
    if (!primary) throw new Error(`no engine for the default language "${defaultLanguage}"`);
    this.detector = detector ?? new LanguageDetector({ defaultLanguage, known: [...engines.keys()] });
    this.defaultAnalyzer = analyzerOf(defaultLanguage);
    for (const article of articles) {
      this.byPath.set(article.path, article);
      if (article.translationOf && article.lang && article.lang !== defaultLanguage)
        this.translations.set(`${article.lang}:${article.translationOf}`, article);
    }
    this.defaultArticles = articles.filter((article) => (article.lang ?? defaultLanguage) === defaultLanguage);
  }

  private get defaultVocabulary(): ReadonlySet<string> {
    if (!this.vocabulary) {
      const vocabulary = new Set<string>();
      for (const article of this.defaultArticles)
        for (const text of [article.title, ...article.questions, article.tags.join(' ')])
          for (const term of this.defaultAnalyzer.analyze(text)) vocabulary.add(term);
      this.vocabulary = vocabulary;
    }
    return this.vocabulary;
  }

  /**
   * An engine per language the articles are in (the default language's always, even without
   * articles), one after the other, each giving the event loop turns. The default language keeps
   * the analyzer it always had; `embeddings` (the sentence encoder's, English only) go to the
   * English engine; `buildOptions` says how each language's model is cached.
   */
  static async build(
    articles: readonly Article[],
    thresholds: AnswerThresholds,
    defaultLanguage: LanguageCode,
    options: {
      embeddings?: ArticleEmbeddings;
      buildOptions?: (language: LanguageCode) => BuildOptions;
      /** Each other language's pair (default: the pairs fitted for them, see languageThresholds). */
      languageThresholds?: Readonly<Partial<Record<LanguageCode, AnswerThresholds>>>;
      /** Stops the build at its next turn for the event loop (each engine's build is told through buildOptions). */
      signal?: AbortSignal;
    } = {},
  ): Promise<MultilingualEngine> {
    const engines = new Map<LanguageCode, AnswerEngine>();
    const groups = articlesByLanguage(articles, defaultLanguage);
    const fitted = options.languageThresholds ?? languageThresholds;
    for (const [language, group] of groups) {
      engines.set(
        language,
        await AnswerEngine.build(
          group,
          thresholdsOf(language, defaultLanguage, thresholds, fitted),
          // English as the default: the very analyzer (and cached models) it had before languages.
          analyzerOf(language),
          undefined,
          language === 'en' ? options.embeddings : undefined,
          options.buildOptions?.(language) ?? {},
        ),
      );
    }
    const vocabularies = await runStepsPaced(
      exclusiveVocabulariesSteps(
        new Map(
          [...groups].map(([language, group]) => [
            language,
            group.flatMap((a) => [a.title, ...a.questions, a.tags.join(' ')]),
          ]),
        ),
      ),
      { signal: options.signal },
    );
    const detector = new LanguageDetector({ defaultLanguage, known: [...engines.keys()], vocabularies });
    return new MultilingualEngine(engines, defaultLanguage, articles, thresholds, detector);
  }

  /** The default language's engine (every article when the knowledge base has one language). */
  get primary(): AnswerEngine {
    return this.engines.get(this.defaultLanguage)!;
  }

  /** The languages with an engine, the default first. */
  get languages(): LanguageCode[] {
    return [...this.engines.keys()];
  }

  engineFor(language: LanguageCode): AnswerEngine | undefined {
    return this.engines.get(language);
  }

  detect(question: string): Detection {
    return this.detector.detect(question);
  }

  async answer(question: string, options: AskOptions = {}): Promise<LanguageAnswer> {
    const asked = this.detector.detect(question).language;
    if (asked === this.defaultLanguage) {
      return { ...(await this.primary.answer(question, options)), language: outcome(asked, asked, false) };
    }
    const own = this.engines.get(asked);
    const result = own ? await own.answer(question, options) : undefined;
    if (result && result.outcome !== 'no_answer') return { ...result, language: outcome(asked, asked, false) };
    const offered = this.fallback(question, asked, options);
    if (offered) return offered;
    return {
      ...(result ?? this.primary.ask('', undefined, options)),
      language: outcome(asked, own ? asked : this.defaultLanguage, false),
    };
  }

  /**
   * What a question in `asked` (not the default language) is given when its own language's
   * engine has no answer: the default language's articles offered, each as its translation in
   * `asked` where there is one (and the asker may see it); null when none fits. It does not
   * depend on the asking language's thresholds (kb:fit re-decides its engine alone).
   */
  fallback(question: string, asked: LanguageCode, options: AskOptions = {}): LanguageAnswer | null {
    const offered = this.offerFromDefault(question, asked, options);
    if (!offered) return null;
    const candidates = offered.candidates.map((article) => {
      const translation = this.translations.get(`${asked}:${article.id}`);
      return translation && (options.allow?.(translation) ?? true) ? translation : article;
    });
    const unique = [...new Map(candidates.map((article) => [article.id, article])).values()];
    const allTranslated = unique.every((article) => (article.lang ?? this.defaultLanguage) === asked);
    return {
      ...offered,
      candidates: unique,
      language: outcome(asked, allTranslated ? asked : this.defaultLanguage, !allTranslated),
    };
  }

  /**
   * The default language's articles for a question in another language that its own articles do
   * not fit (or that has none): asked with the question's words the default language's articles
   * also use (product names, loanwords: "vpn", "outlook", "wifi"), without the asker's language's
   * stopwords. So few words make a guess, never an answer: the articles are offered ("did you
   * mean"), at least at this engine's suggest threshold; an answer the default language's engine
   * would give is offered as its best article and those scoring at least 0.3 of it, up to three,
   * as the engine's own offer is (see fallback for the translations that stand in for them, and
   * when the reply says they are in another language). Lexical only: the sentence encoder reads
   * English, and a German sentence's embedding says little.
   */
  private offerFromDefault(
    question: string,
    asked: LanguageCode,
    options: AskOptions,
  ): Extract<AnswerResult, { outcome: 'suggested' }> | null {
    const askerAnalyzer = this.analyzerFor(asked);
    const shared = (question.slice(0, MAX_QUERY_CHARS).match(/[\p{L}\p{N}]+/gu) ?? []).filter(
      (word) =>
        askerAnalyzer.analyze(word).length > 0 &&
        this.defaultAnalyzer.analyze(word).some((term) => this.defaultVocabulary.has(term)),
    );
    if (shared.length === 0) return null;
    const result = this.primary.ask(shared.join(' '), undefined, options);
    // The engine itself declines below its suggest threshold, a one-word question it finds ambiguous
    // ("finde" is English "find") too; this floor also holds where the engine would answer below it
    // (an article's own lower `threshold`) or was built with another pair than `thresholds`.
    if (result.outcome === 'no_answer' || result.confidence < this.thresholds.suggest) return null;
    if (result.outcome === 'suggested') return result;
    return {
      outcome: 'suggested',
      candidates: this.primary.shortlist(result.explanation.candidates),
      confidence: result.confidence,
      explanation: result.explanation,
    };
  }

  private analyzerFor(language: LanguageCode): TextAnalyzer {
    let analyzer = this.analyzers.get(language);
    if (!analyzer) this.analyzers.set(language, (analyzer = analyzerOf(language)));
    return analyzer;
  }

  article(id: string): Article | undefined {
    for (const engine of this.engines.values()) {
      const article = engine.article(id);
      if (article) return article;
    }
    return undefined;
  }

  articleAt(path: string): Article | undefined {
    return this.byPath.get(path);
  }

  /** Every language's categories, sorted. */
  categories(): string[] {
    return [...new Set([...this.engines.values()].flatMap((engine) => engine.categories()))].sort();
  }
}

/** English as it always was; any other language its own analysis (or words as written). */
function analyzerOf(language: LanguageCode): TextAnalyzer {
  return language === 'en' ? new TextAnalyzer() : TextAnalyzer.for(language);
}

function outcome(asked: LanguageCode, answered: LanguageCode, fallback: boolean): LanguageOutcome {
  return { asked, answered, fallback };
}
