import { createSlackChannel, type SlackChannel } from './channels/slack/slack-channel.js';
import { createTeamsChannel, type TeamsChannel } from './channels/teams/teams-channel.js';
import type { Config } from './config/config.js';
import type { Logger } from './core/logger.js';
import { OutboxNotifier } from './core/delivery/outbox-notifier.js';
import { WorkQueue } from './core/delivery/work-queue.js';
import type { RouteInput } from './core/tickets/routing-rules.js';
import type { Tier } from './core/tickets/ticket.js';
import { TriageRouter, type TriageDestination } from './core/tickets/triage-router.js';
import { createApp, type App } from './app.js';
import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { createHttpServer } from './http/http-server.js';
import { watchKnowledge } from './knowledge-watch.js';
import { scheduleWeeklyGaps } from './weekly-gaps.js';
import { scheduleSlaTimers } from './sla-timer-schedule.js';
import { createReportsRouter } from './reports/reports-router.js';
import { PrismaMetricsSource } from './store/prisma/prisma-metrics-source.js';
import { FileDraftWriter } from './store/file-draft-writer.js';

/** The bot as a service: the core, the HTTP server on PORT and every configured chat channel. */
export interface RunningBot {
  app: App;
  port: number;
  slack: SlackChannel | undefined;
  teams: TeamsChannel | undefined;
  /** The durable inbox and outbox of this process. */
  queue: WorkQueue;
  /** Waits until the queued work this process can do now is done (deliveries and notifications). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  host?: string;
  /** Slack Web API retry policy (tests shorten it). */
  slackRetry?: { retries: number; minTimeout?: number; maxTimeout?: number; factor?: number };
  /** Work queue timings (tests shorten the lease and the backoff). */
  queue?: { leaseMs?: number; pollMs?: number; backoffMs?: number; maxBackoffMs?: number; concurrency?: number; giveUpAfterMs?: number };
}

/**
 * Where triage cards go, from configuration: ROUTING_FILE's routes, then SLACK_/TEAMS_TRIAGE_ROUTES,
 * then the file's tier channels and default, then SLACK_/TEAMS_TRIAGE_<tier>.
 * `articleTags` gives a knowledge-base article's tags, for routes on `tags`.
 */
export function triageRouter(config: Config, articleTags?: (articleId: string) => readonly string[] | undefined): TriageRouter {
  const tiers: Partial<Record<Tier, TriageDestination[]>> = {};
  for (const [chat, triage] of [['slack', config.slack?.triage], ['teams', config.teams?.triage]] as const) {
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

export async function startBot(config: Config, logger: Logger, options: StartOptions = {}): Promise<RunningBot> {
  let queue: WorkQueue | undefined;
  let notifier: OutboxNotifier | undefined;
  const app = await createApp(config, logger, (store) => {
    queue = new WorkQueue({
      store: store.queue,
      logger,
      workerId: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
      concurrency: config.workConcurrency,
      ...options.queue,
    });
    notifier = new OutboxNotifier(queue, logger);
    return notifier;
  });
  if (!queue || !notifier) throw new Error('the app did not make its notifier');
  const work = queue;
  const outbox = notifier;
  const http = createHttpServer(logger, {
    // A database that answers reads but cannot write (a full disk) is not healthy: deliveries could not be kept.
    database: () => app.store.pingWrite(),
  });
  let slack: SlackChannel | undefined;
  let teams: TeamsChannel | undefined;
  const router = triageRouter(config, (id) => app.engine.article(id)?.tags);
  const drafts = new FileDraftWriter(app.knowledgeBase.dir);
  try {
    if (config.slack) {
      slack = createSlackChannel({
        config: config.slack,
        conversations: app.conversations,
        tickets: app.tickets,
        threads: app.store.ticketThreads,
        queue: work,
        router,
        logger,
        http: http.app,
        drafts,
        ...(options.slackRetry ? { retry: options.slackRetry } : {}),
      });
      outbox.add('slack', slack.notifier);
      await slack.start();
    }
    if (config.teams) {
      teams = createTeamsChannel({
        config: config.teams,
        conversations: app.conversations,
        tickets: app.tickets,
        threads: app.store.ticketThreads,
        addresses: app.store.addresses,
        queue: work,
        router,
        logger,
        http: http.app,
        drafts,
      });
      outbox.add('teams', teams.notifier);
      if (!config.teams.appId) logger.warn({}, 'Teams runs WITHOUT authentication (TEAMS_ENABLED=1 and no MICROSOFT_APP_ID): for local testing only');
      if (config.teams.engineers.length === 0) logger.warn({}, 'no Teams engineers configured (TEAMS_ENGINEERS): nobody can claim tickets in Teams');
    }
    if (slack || teams) {
      const untriaged = (['L1', 'L2', 'L3', 'L4'] as const).filter((tier) => router.route({ tier, category: '' }).length === 0);
      if (untriaged.includes(config.ticketDefaultTier) || untriaged.some((tier) => tier !== 'L1')) {
        logger.warn({ tiers: untriaged }, `no triage channel for ${untriaged.join(', ')}: tickets at those tiers get no card (set SLACK_TRIAGE_* or TEAMS_TRIAGE_*)`);
      }
    }
    // Editors hear about broken edits where they asked to; the log always has them.
    const postToEditors = async (markdown: string) => {
      await Promise.all([
        config.editors.slack && slack ? slack.say(config.editors.slack, markdown) : undefined,
        config.editors.teams && teams ? teams.say(config.editors.teams, markdown) : undefined,
      ]);
    };
    const tellEditors = (markdown: string) => postToEditors(markdown).catch((error: unknown) => logger.error({ err: error }, "could not post to the editors' channel"));
    const stopWatching = config.kbWatch ? watchKnowledge(app, logger, tellEditors) : () => {};
    const editorsConfigured = Boolean((config.editors.slack && slack) || (config.editors.teams && teams));
    // The weekly post must see a failure, so the week is retried rather than skipped.
    const stopGaps = editorsConfigured ? scheduleWeeklyGaps(app.store, logger, postToEditors) : () => {};
    // Reports: behind REPORTS_TOKEN when set; without one only outside production.
    if (config.reportsToken || config.nodeEnv !== 'production') {
      http.app.use(createReportsRouter({ source: new PrismaMetricsSource(app.store.prisma), token: config.reportsToken, windowDays: config.deflectionWindowDays, logger }));
    } else {
      logger.warn({}, 'reports are off: set REPORTS_TOKEN to serve /reports/metrics in production');
    }
    const stopTimers = scheduleSlaTimers(app, logger, config.slaSweepSeconds);
    // Work left by a process that died (or by this one before a restart) is taken up from here on.
    work.start();
    const port = await http.listen(config.port, options.host).catch(async (error: unknown) => {
      await stopTimers();
      await work.stop();
      throw error;
    });
    logger.info({ port, slack: slack?.mode ?? 'off', teams: teams ? 'on' : 'off' }, `listening on port ${port}`);
    return {
      app,
      port,
      slack,
      teams,
      queue: work,
      drain: () => work.drain(),
      close: async () => {
        stopWatching();
        stopGaps();
        await stopTimers();
        await http.close();
        await work.stop();
        outbox.stop();
        await slack?.stop();
        await teams?.stop();
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
