import { chats, type ChannelOptions, type ChatChannel, type ChatName } from './channels/chat-channel.js';
import type { Config } from './config/config.js';
import type { Logger } from './core/logger.js';
import { OutboxNotifier } from './core/delivery/outbox-notifier.js';
import { WorkQueue } from './core/delivery/work-queue.js';
import type { RouteInput } from './core/tickets/routing-rules.js';
import type { Tier } from './core/tickets/ticket.js';
import { TriageRouter, type TriageDestination } from './core/tickets/triage-router.js';
import { openApp, whenReady, type App, type AppOptions } from './app.js';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createHttpServer, type HttpServer } from './http/http-server.js';
import { currentRequestId, requestIdFrom, withRequestId } from './http/request-context.js';
import { watchKnowledge } from './service/knowledge-watch.js';
import { scheduleWeeklyGaps } from './service/weekly-gaps.js';
import { scheduleSlaTimers } from './service/sla-timer-schedule.js';
import { createReportsRouter } from './reports/reports-router.js';
import { PrismaMetricsSource } from './store/prisma/prisma-metrics-source.js';
import { PrismaAutomationSource } from './store/prisma/prisma-automation-source.js';
import { catalogOf } from './reports/knowledge-catalog.js';
import { FileDraftWriter } from './store/file-draft-writer.js';
import { alertIntakeRouter, ALERT_KIND } from './channels/alerts/alert-intake.js';
import { AlertDesk } from './core/alerts/alert-desk.js';
import type { AlertNotice } from './core/alerts/alert.js';
import { CoreError } from './core/errors.js';
import { PermanentFailure } from './core/delivery/work-queue.js';
import { NetworkCheckRunner } from './checks/network-check-runner.js';
import { OperatorMetrics, type QueueDepthReader } from './metrics/operator-metrics.js';
import { metricsRouter } from './metrics/metrics-router.js';
import { prismaQueueDepth } from './store/prisma/prisma-queue-depth.js';
import { webAccessFor, webViewRouter } from './web/web-view.js';

/** The bot as a service: the core, the HTTP server on PORT and every configured chat channel. */
export interface RunningBot {
  app: App;
  port: number;
  /** The configured chats, started in the order of `chats`. */
  channels: ChatChannel[];
  /** The durable inbox and outbox of this process. */
  queue: WorkQueue;
  /**
   * Resolves when the bot answers: the knowledge base is loaded and the inbox's worker has started
   * (what arrived while it started is taken up then). Rejects when the knowledge base cannot load.
   */
  ready: Promise<void>;
  /** Waits until the queued work this process can do now is done (deliveries and notifications); none before ready. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions extends ChannelOptions {
  host?: string;
  /** Work queue timings (tests shorten the lease and the backoff). */
  queue?: {
    leaseMs?: number;
    pollMs?: number;
    backoffMs?: number;
    maxBackoffMs?: number;
    concurrency?: number;
    giveUpAfterMs?: number;
    completeDelayMs?: number;
  };
  /** The alert intake's clock for its per-minute limit (tests). */
  alertsNow?: () => number;
  /** How the live knowledge base loads (tests hold it, to see the bot while it starts). */
  loadLibrary?: AppOptions['loadLibrary'];
  /** Told each stage of the start as one line (main.ts writes them to stderr). */
  progress?: AppOptions['progress'];
}

/**
 * Where triage cards go, from configuration: ROUTING_FILE's routes, then SLACK_/TEAMS_TRIAGE_ROUTES,
 * then the file's tier channels and default, then SLACK_/TEAMS_TRIAGE_<tier>.
 * `articleTags` gives a knowledge-base article's tags, for routes on `tags`.
 */
export function triageRouter(
  config: Config,
  articleTags?: (articleId: string) => readonly string[] | undefined,
): TriageRouter {
  const tiers: Partial<Record<Tier, TriageDestination[]>> = {};
  for (const [chat, triage] of [
    ['slack', config.slack?.triage],
    ['teams', config.teams?.triage],
  ] as const) {
    for (const [tier, address] of Object.entries(triage ?? {})) {
      if (address) (tiers[tier as Tier] ??= []).push({ channel: chat, address });
    }
  }
  // Tickets carry no tags: they come from the article the bot suggested before the ticket was opened.
  const tagsOf = (ticket: RouteInput) => {
    const articleId = ticket.collected?.articleTried;
    return typeof articleId === 'string' && articleTags ? articleTags(articleId) : undefined;
  };
  return new TriageRouter({
    tiers,
    rules: [...(config.slack?.routes ?? []), ...(config.teams?.routes ?? [])],
    ...(config.routing ? { file: config.routing.withTags(tagsOf) } : {}),
  });
}

/** Starts the bot and waits until it answers (tests; see launchBot for the service's start). */
export async function startBot(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningBot> {
  return whenReady(await launchBot(config, logger, options));
}

/**
 * Starts the bot and returns once it listens: the store is open (migrations run), the channels'
 * receivers are mounted and /healthz answers "starting". Deliveries that arrive meanwhile are
 * kept in the durable inbox and acknowledged as usual; the inbox's worker, the SLA timers, the
 * weekly post and the knowledge-base watcher start once the knowledge base is loaded (`ready`).
 */
export async function launchBot(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningBot> {
  let queue: WorkQueue | undefined;
  let notifier: OutboxNotifier | undefined;
  // Read when /metrics is scraped, which is served only once the app below is open.
  const metrics: OperatorMetrics = new OperatorMetrics((): ReturnType<QueueDepthReader> =>
    prismaQueueDepth(app.store.prisma)(),
  );
  const app = await openApp(
    config,
    logger,
    (store) => {
      queue = new WorkQueue({
        store: store.queue,
        logger,
        workerId: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        concurrency: config.workConcurrency,
        requestIds: { current: currentRequestId, run: (id, run) => withRequestId(requestIdFrom(id), run) },
        ...options.queue,
      });
      notifier = new OutboxNotifier(queue, logger);
      return metrics.countTickets(notifier);
    },
    {
      ...(options.loadLibrary ? { loadLibrary: options.loadLibrary } : {}),
      ...(options.progress ? { progress: options.progress } : {}),
    },
  );
  if (!queue || !notifier) throw new Error('the app did not make its notifier');
  const work = queue;
  const outbox = notifier;
  const isReady = () => app.isReady;
  const http = createHttpServer(
    logger,
    {
      // A database that answers reads but cannot write (a full disk) is not healthy: deliveries could not be kept.
      database: () => app.store.pingWrite(),
    },
    { ready: isReady },
  );
  const channels: ChatChannel[] = [];
  const router = triageRouter(config, (id) => app.knowledge.snapshot.answers.article(id)?.tags);
  // The web view (issue 18): its links name PUBLIC_URL, else this process's port once it listens.
  let listening = config.port;
  const web = webAccessFor(
    config,
    app.store.webSignIns,
    logger,
    () => config.publicUrl ?? `http://localhost:${listening}`,
  );
  const deps = {
    conversations: metrics.instrument(app.conversations),
    tickets: app.tickets,
    threads: app.store.ticketThreads,
    addresses: app.store.addresses,
    queue: work,
    router,
    logger,
    http: http.app,
    drafts: new FileDraftWriter(path.resolve(config.kbDir)),
    isReady,
    ...(web ? { web } : {}),
    audiences: { directory: app.audiences, members: config.audiences.members },
  };
  try {
    for (const chat of chats) {
      if (!chat.configured(config)) continue;
      const channel = await chat.open(config, deps, options);
      outbox.add(channel.name, channel.notifier);
      channels.push(channel);
      await channel.start();
    }
    if (channels.length > 0) {
      const untriaged = (['L1', 'L2', 'L3', 'L4'] as const).filter(
        (tier) => router.route({ tier, category: '' }).length === 0,
      );
      if (untriaged.includes(config.ticketDefaultTier) || untriaged.some((tier) => tier !== 'L1')) {
        logger.warn(
          { tiers: untriaged },
          `no triage channel for ${untriaged.join(', ')}: tickets at those tiers get no card (set SLACK_TRIAGE_* or TEAMS_TRIAGE_*)`,
        );
      }
    }
    // Editors hear about broken edits where they asked to; the log always has them.
    const editorsOf = (name: ChatName) => config.editors[name];
    const postToEditors = async (markdown: string) => {
      await Promise.all(
        channels.map((channel) =>
          editorsOf(channel.name) ? channel.say(editorsOf(channel.name)!, markdown) : undefined,
        ),
      );
    };
    const tellEditors = (markdown: string) =>
      postToEditors(markdown).catch((error: unknown) =>
        logger.error({ err: error }, "could not post to the editors' channel"),
      );
    mountAlerts(config, app, work, http.app, logger, options.alertsNow);
    // Reports: behind REPORTS_TOKEN when set; without one only outside production.
    if (config.reportsToken || config.nodeEnv !== 'production') {
      http.app.use(
        createReportsRouter({
          source: new PrismaMetricsSource(app.store.prisma),
          token: config.reportsToken,
          windowDays: config.deflectionWindowDays,
          logger,
          // Coverage by what the bot serves now: the library's current snapshot (a reload shows at the next request).
          automation: {
            source: new PrismaAutomationSource(app.store.prisma),
            catalog: () => catalogOf(app.knowledge.snapshot),
          },
        }),
      );
    } else {
      logger.warn({}, 'reports are off: set REPORTS_TOKEN to serve /reports/metrics in production');
    }
    // GET /metrics: behind METRICS_TOKEN (else REPORTS_TOKEN); without one only outside production.
    if (config.metricsToken || config.nodeEnv !== 'production') {
      http.app.use(metricsRouter({ metrics, token: config.metricsToken, logger }));
    } else {
      logger.warn({}, '/metrics is off: set METRICS_TOKEN (or REPORTS_TOKEN) to serve it in production');
    }
    if (web)
      http.app.use(
        webViewRouter(
          config,
          web,
          {
            tickets: app.tickets,
            conversations: app.conversations,
            routedCategories: () => router.categories(),
            metrics: new PrismaMetricsSource(app.store.prisma),
          },
          logger,
        ),
      );
    const port = await http.listen(config.port, options.host);
    listening = port;
    logger.info(
      { port, channels: channels.map((channel) => channel.describe()) },
      `listening on port ${port}; loading the knowledge base`,
    );
    // Once the knowledge base is loaded: the inbox's worker (work kept while starting, or left by a
    // process that died, is taken up from here on), the SLA timers, the weekly post and the watcher.
    let closed = false;
    let started = false;
    let stopWatching = () => {};
    let stopGaps = () => {};
    let stopTimers = async () => {};
    const editorsConfigured = channels.some((channel) => editorsOf(channel.name));
    const ready = app.ready.then(() => {
      if (closed) throw new Error('the bot was stopped while it started');
      stopWatching = config.kbWatch
        ? watchKnowledge(app, logger, tellEditors, (failed) => metrics.countReload(failed))
        : () => {};
      // The weekly post must see a failure, so the week is retried rather than skipped.
      stopGaps = editorsConfigured ? scheduleWeeklyGaps(app.store, logger, postToEditors) : () => {};
      stopTimers = scheduleSlaTimers(app, logger, config.slaSweepSeconds);
      work.start();
      started = true;
      logger.info({ port }, 'ready: answering');
    });
    // The starter awaits `ready`; this keeps a failure seen there from also being "unhandled".
    ready.catch(() => {});
    return {
      app,
      port,
      channels,
      queue: work,
      ready,
      drain: () => (started ? work.drain() : Promise.resolve()),
      close: async () => {
        closed = true;
        stopWatching();
        stopGaps();
        await stopTimers();
        await http.close();
        await work.stop();
        outbox.stop();
        for (const channel of channels) await channel.stop();
        await app.close();
      },
    };
  } catch (error) {
    await http.close();
    await work.stop();
    outbox.stop();
    await app.close();
    throw error;
  }
}

/**
 * Monitoring alerts: POST /api/alerts keeps each notice in the inbox, and the worker hands it to
 * the AlertDesk, which opens or updates the group's ticket as the source's system actor.
 */
function mountAlerts(
  config: Config,
  app: App,
  work: WorkQueue,
  http: HttpServer['app'],
  logger: Logger,
  now?: () => number,
): void {
  const production = config.nodeEnv === 'production';
  if (!config.alerts.token && !config.alerts.hmacSecret) {
    logger.warn(
      {},
      production
        ? 'alert intake is off: set ALERTS_TOKEN or ALERTS_HMAC_SECRET to take POST /api/alerts'
        : 'POST /api/alerts takes alerts without authentication (set ALERTS_TOKEN or ALERTS_HMAC_SECRET; refused in production)',
    );
  }
  http.use(
    alertIntakeRouter({
      queue: work,
      logger,
      production,
      token: config.alerts.token,
      hmacSecret: config.alerts.hmacSecret,
      ratePerMinute: config.alerts.ratePerMinute,
      ...(now ? { now } : {}),
    }),
  );
  const desk = new AlertDesk({
    groups: app.store.alertGroups,
    tickets: app.tickets,
    rules: () => config.alerts.rules,
    // Diagnostics reach only the allow-list's hosts: a redirect is not followed elsewhere.
    checks: new NetworkCheckRunner({ followRedirects: false }),
    logger,
    language: config.defaultLanguage,
  });
  work.handle(ALERT_KIND, async (payload, item) => {
    const notice = payload as AlertNotice;
    if (
      typeof notice !== 'object' ||
      notice === null ||
      typeof notice.groupKey !== 'string' ||
      !Array.isArray(notice.alerts)
    ) {
      throw new PermanentFailure('not an alert notice');
    }
    try {
      const outcome = await desk.handle(notice, item.key);
      logger.info({ source: notice.source, ...outcome }, `alert notice: ${outcome.action}`);
    } catch (error) {
      // The ticket refused the change (closed meanwhile, a rule): trying again will not help.
      if (error instanceof CoreError) throw new PermanentFailure(error.message, { cause: error });
      throw error;
    }
  });
}
