import type { AnswerEngine } from './core/answering/answer-engine.js';
import { ConversationService } from './core/conversation/conversation-service.js';
import { AudienceDirectory } from './core/knowledge/audience.js';
import { listedAudiences } from './service/listed-audiences.js';
import { formatProblem, type KnowledgeBase } from './core/knowledge/knowledge-base.js';
import type { Logger } from './core/logger.js';
import type { ScriptLibrary } from './core/scripts/load-scripts.js';
import { ScriptDialogue } from './core/scripts/script-dialogue.js';
import { ScriptRunner } from './core/scripts/script-runner.js';
import type { TicketNotification, TicketNotifier } from './core/tickets/ticket-notifier.js';
import { TicketService } from './core/tickets/ticket-service.js';
import { SlaPolicy } from './core/tickets/sla-policy.js';
import { NetworkCheckRunner } from './checks/network-check-runner.js';
import type { Config } from './config/config.js';
import { loadSlaFile } from './config/sla-file.js';
import { LiveKnowledge } from './service/live-knowledge.js';
import { PhrasingLearner } from './core/knowledge/learned-phrasings.js';
import type { SentenceEncoder } from './core/answering/sentence-encoder.js';
import { DeferredSentenceEncoder, EncoderUnavailableError } from './encoders/deferred-encoder.js';
import { openEncoder, type loadEncoder } from './encoders/encoder-registry.js';
import { SlaTimers } from './core/escalation/sla-timers.js';
import type { CoreStore } from './store/core-ports.js';
import { openStore, type Store } from './store/open-store.js';

/** The composed bot: core services on a store (the database's; a MemoryStore in core tests), ready for channels. */
export interface App<S extends CoreStore = Store> {
  config: Config;
  store: S;
  /** The knowledge base and scripts as served now (they change on reload); throws a StartingError until ready. */
  readonly knowledge: LiveKnowledge;
  readonly knowledgeBase: KnowledgeBase;
  readonly scripts: ScriptLibrary;
  readonly engine: AnswerEngine;
  conversations: ConversationService;
  /** Which audiences each chat's users belong to: Teams' and the local chat's from the configured lists; Slack registers its own when it opens. */
  audiences: AudienceDirectory;
  tickets: TicketService;
  /** Fires SLA reminders, automatic escalations, re-announcements and waiting-ticket nudges; see scheduleSlaTimers. */
  timers: SlaTimers;
  /**
   * Resolves once the knowledge base (and the encoder) is loaded and the bot can answer; rejects
   * when it cannot be loaded. Until then the store, tickets and the inbox work, answers do not.
   */
  ready: Promise<void>;
  readonly isReady: boolean;
  close(): Promise<void>;
}

/** Changes that settle a ticket's category, priority and tier, for triage to learn. */
const SETTLING = new Set<TicketNotification['type']>(['resolved', 'closed', 'priority', 'category']);
/** Settled or corrected tickets between two retrainings of triage (a retraining takes a few seconds with many tickets). */
const TRIAGE_RETRAIN_EVERY = 25;

/** Something that needs the knowledge base was asked for before it was loaded (channels check isReady first). */
export class StartingError extends Error {
  override readonly name = 'StartingError';
  constructor() {
    // For the log: the person is told in their language by the channel (startingMessage), or gets the apology.
    super('the knowledge base is not loaded yet');
  }
}

export interface AppOptions<S extends CoreStore = Store> {
  /** Loads the live knowledge base (tests slow it down or hold it, to see the bot while it starts). */
  loadLibrary?: typeof LiveKnowledge.load;
  /** The store to run on instead of opening config.database (core tests pass a MemoryStore). */
  store?: S;
  /** Opens the sentence encoder config.encoder names (default: openEncoder, its model loaded after ready; tests make it fail). */
  loadEncoder?: typeof loadEncoder;
  /** Told each stage of the start as one line (the service writes them to stderr). */
  progress?: (line: string) => void;
}

/**
 * Wires the core to the store and a notifier, and waits until it is ready (the knowledge base is
 * loaded). The one place where the parts meet. The notifier may be made from the store (the
 * durable outbox lives in it).
 */
export async function createApp<S extends CoreStore = Store>(
  config: Config,
  logger: Logger,
  notifierOrFactory: TicketNotifier | ((store: S) => TicketNotifier),
  options: AppOptions<S> = {},
): Promise<App<S>> {
  return whenReady(await openApp(config, logger, notifierOrFactory, options));
}

/** Waits until what was started (the app, the bot) is ready; closes it when it cannot become ready. */
export async function whenReady<T extends { ready: Promise<unknown>; close(): Promise<void> }>(started: T): Promise<T> {
  try {
    await started.ready;
  } catch (error) {
    await started.close();
    throw error;
  }
  return started;
}

/**
 * Like createApp, but returns as soon as the store is open (migrations run) and the services are
 * wired; the knowledge base and the encoder load behind `ready`. A service listens meanwhile, so
 * deliveries are kept in the inbox during a long start instead of refused.
 */
export async function openApp<S extends CoreStore = Store>(
  config: Config,
  logger: Logger,
  notifierOrFactory: TicketNotifier | ((store: S) => TicketNotifier),
  options: AppOptions<S> = {},
): Promise<App<S>> {
  // Read before the database opens, so a bad SLA file fails fast and leaves nothing open.
  const sla = config.slaFile ? await loadSlaFile(config.slaFile) : new SlaPolicy();
  if (config.slaFile) logger.info({ slaFile: config.slaFile, timeZone: sla.calendar?.timeZone }, 'SLA calendar loaded');
  // Without a store given, S is the default, Store: the configured database's.
  // Without a sink (the local chat, tests) the stages go to the log: a warning (an unusable cached model) as a warning.
  const progress =
    options.progress ??
    ((line: string) =>
      line.startsWith('Warning: ') ? logger.warn({}, line.slice('Warning: '.length)) : logger.info({}, line));
  if (!options.store) progress('Opening the database (migrating if needed)');
  const store = options.store ?? ((await openDatabase(config, logger)) as unknown as S);
  const notifier = typeof notifierOrFactory === 'function' ? notifierOrFactory(store) : notifierOrFactory;
  let loaded: LiveKnowledge | undefined;
  let closed = false;
  // Closing stops a build in progress at its next slice of work: a large knowledge base builds for
  // minutes, and a stop (SIGTERM) must not wait for it, nor leave it running once the store is closed.
  const stopping = new AbortController();
  /** The library once loaded; until then whatever needs it is refused with a StartingError. */
  const library = (): LiveKnowledge => {
    if (!loaded) throw new StartingError();
    return loaded;
  };
  const load = options.loadLibrary ?? ((...args: Parameters<typeof LiveKnowledge.load>) => LiveKnowledge.load(...args));

  const ready = (async () => {
    // ENCODER unset: a model that cannot load (a broken install) must not keep the bot from answering.
    const withoutEncoder = (error: unknown) => {
      if (config.encoderChosen) throw error;
      logger.warn(
        { err: error },
        "the sentence encoder could not be loaded: answering from the articles' words alone (set ENCODER=none to silence this)",
      );
      return null;
    };
    // Its files are checked now; its model loads when first needed (a start that embeds articles), else once ready.
    let encoder = await (options.loadEncoder ?? openEncoder)(config.encoder).catch(withoutEncoder);
    const build = (model: SentenceEncoder | null) => {
      const thresholds = model || config.encoder === 'none' ? config.thresholds : config.thresholdsWithoutEncoder;
      progress(`Loading the knowledge base from ${config.kbDir}`);
      return load(config.kbDir, thresholds, model && { encoder: model, cacheDir: config.encoderCacheDir }, {
        modelCacheDir: config.modelCacheDir,
        progress,
        // The first build has the learned phrasings: a start with some builds once.
        learned: { store: store.learned, minAskers: config.learnMinAskers },
        defaultLanguage: config.defaultLanguage,
        signal: stopping.signal,
      });
    };
    const built = await build(encoder)
      .catch((error: unknown) => {
        if (!(encoder && error instanceof EncoderUnavailableError)) throw error;
        encoder = withoutEncoder(error);
        return build(null);
      })
      .catch((error: NodeJS.ErrnoException) => {
        if (stopping.signal.aborted) throw error;
        throw new Error(
          error.code === 'ENOENT'
            ? `The knowledge base folder ${config.kbDir} does not exist. Set KB_DIR to the folder holding your articles.`
            : `Cannot read the knowledge base in ${config.kbDir}: ${error.message}`,
          { cause: error },
        );
      });
    const { knowledgeBase, scripts } = built.snapshot;
    for (const problem of knowledgeBase.problems)
      logger.warn({ problem }, `article skipped: ${formatProblem(problem)}`);
    for (const problem of scripts.problems)
      logger.warn(
        { problem },
        `script ${problem.severity === 'error' ? 'disabled' : 'warning'}: ${formatProblem(problem)}`,
      );
    if (knowledgeBase.articles.length === 0)
      logger.warn(
        { dir: knowledgeBase.dir },
        'the knowledge base has no articles: every question will be offered a ticket',
      );
    if (closed) throw new Error('closed while starting');
    await built.learnFrom(store.learned, config.learnMinAskers);
    await built.triageFrom(store.tickets);
    loaded = built;
    if (encoder instanceof DeferredSentenceEncoder) loadAfterReady(encoder, logger, progress);
    logger.info(
      {
        articles: knowledgeBase.articles.length,
        scripts: scripts.scripts.length,
        problems: knowledgeBase.problems.length,
        database: store.location,
      },
      'bot ready',
    );
  })();
  // Whoever starts the app awaits `ready`; this keeps a failure seen only there from also being "unhandled".
  ready.catch(() => {});

  // A phrasing that enough askers confirmed (or that "not helpful" votes took back) changes the
  // engine: rebuild it now in this process; other processes pick it up on their next reload.
  const learning = new PhrasingLearner({
    store: store.learned,
    minAskers: config.learnMinAskers,
    ownQuestions: (id) => library().snapshot.knowledgeBase.articles.find((a) => a.id === id)?.questions,
    onUsableChanged: () => {
      library()
        .reload()
        .then(
          (report) =>
            logger.info(
              { articles: report.articles, ms: report.ms },
              'knowledge base rebuilt: a learned phrasing was confirmed or taken back',
            ),
          (error: unknown) =>
            logger.error(
              { err: error },
              'rebuilding with learned phrasings failed; the previous version keeps serving',
            ),
        );
    },
  });

  // Routing rules may set a new ticket's tier; tags come from the article the bot tried.
  const rules = config.routing?.withTags((ticket) => {
    const articleId = ticket.collected?.articleTried;
    return typeof articleId === 'string' ? library().snapshot.answers.article(articleId)?.tags : undefined;
  });
  // Triage learns from settled tickets: after every TRIAGE_RETRAIN_EVERY tickets resolved, closed
  // or corrected through this process, it retrains (each process counts its own; a reload retrains too).
  let settledSince = 0;
  const tellingTriage: TicketNotifier = {
    notify: (notification) => {
      if (loaded && SETTLING.has(notification.type) && ++settledSince >= TRIAGE_RETRAIN_EVERY) {
        settledSince = 0;
        loaded.retrainTriage().then(
          (count) => logger.info({ settledTickets: count }, 'triage retrained on settled tickets'),
          (error: unknown) =>
            logger.error({ err: error }, 'retraining triage failed; the previous model keeps serving'),
        );
      }
      return notifier.notify(notification);
    },
  };
  const tickets = new TicketService(store.tickets, tellingTriage, logger, {
    keyPrefix: config.ticketKeyPrefix,
    defaultTier: config.ticketDefaultTier,
    sla,
    ...(rules
      ? {
          routeTier: (ticket, hasOwnTier) =>
            rules.firstMatch(ticket)?.tier ?? (hasOwnTier ? undefined : rules.tierFor(ticket)),
        }
      : {}),
    ...(rules ? { raisePriority: (ticket, priority) => rules.raisedPriority(ticket, priority) } : {}),
    // The current snapshot's model: a reload retrains it. Before the knowledge base loads, tickets open with their defaults.
    triage: { predict: (text, language) => loaded?.snapshot.triage.predict(text, language) ?? null },
    // What the service writes for engineers (triage's reasons, a subject it has to make up) is in their language.
    language: config.defaultLanguage,
  });
  const timers = new SlaTimers({
    repository: store.tickets,
    tickets,
    notifier,
    claims: store.timerClaims,
    sla,
    settings: sla.timers,
    logger,
    language: config.defaultLanguage,
  });
  // Every lookup goes through the library's current snapshot, so a reload takes effect on the next turn.
  const dialogue = new ScriptDialogue({
    runner: new ScriptRunner(
      (id) => library().snapshot.scriptsById.get(id),
      (id) => library().snapshot.answers.article(id),
      new NetworkCheckRunner(),
      config.checkVariables,
    ),
    scripts: () => library().snapshot.scriptsById,
    triggerEngine: () => library().snapshot.triggerEngine,
    runs: store.scriptRuns,
    timeoutMinutes: config.scriptTimeoutMinutes,
  });
  const audiences = new AudienceDirectory(logger);
  audiences.register(
    'teams',
    listedAudiences(config.audiences.members, (m) => m.teamsUsers),
  );
  audiences.register(
    'local',
    listedAudiences(config.audiences.members, (m) => m.localUsers),
  );
  const conversations = new ConversationService({
    defaultLanguage: config.defaultLanguage,
    audiences,
    scripts: dialogue,
    learning,
    engine: () => library().snapshot.answers,
    store: store.conversations,
    questions: store.questions,
    tickets,
    logger,
    options: { ...(config.kbBaseUrl ? { kbBaseUrl: config.kbBaseUrl } : {}), maxTextChars: config.maxMessageChars },
  });
  return {
    config,
    store,
    get knowledge() {
      return library();
    },
    get knowledgeBase() {
      return library().snapshot.knowledgeBase;
    },
    get scripts() {
      return library().snapshot.scripts;
    },
    get engine() {
      return library().snapshot.engine;
    },
    conversations,
    audiences,
    tickets,
    timers,
    ready,
    get isReady() {
      return loaded !== undefined;
    },
    close: async () => {
      closed = true;
      // A load still running stops at its next slice (it throws, so ready rejects); nothing it does writes to the store.
      stopping.abort(new Error('stopped while the knowledge base was being built'));
      await store.close();
    },
  };
}

/**
 * Loads the sentence encoder's model once the bot answers (a question that needs it meanwhile waits
 * for it). One that cannot be loaded although its files were there leaves the words to answer the
 * questions they are unsure of, at the encoder's thresholds, until a restart.
 */
function loadAfterReady(encoder: DeferredSentenceEncoder, logger: Logger, progress: (line: string) => void): void {
  const started = performance.now();
  void encoder
    .loadOrGiveUp((error) =>
      logger.error(
        { err: error },
        "the sentence encoder could not be loaded: questions the articles' words leave unsure are answered from the words alone",
      ),
    )
    .then((loaded) => {
      if (loaded)
        progress(
          `The sentence encoder ${encoder.name} loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`,
        );
    });
}

async function openDatabase(config: Config, logger: Logger): Promise<Store> {
  const store = await openStore(config.database, { poolSize: config.databasePoolSize });
  if (store.migrated.length > 0)
    logger.info({ migrations: store.migrated, database: store.location }, 'database migrated');
  return store;
}
