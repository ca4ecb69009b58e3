import os from 'node:os';
import { LocalChat } from './channels/local/local-chat.js';
import { LocalNotifier } from './channels/local/local-notifier.js';
import { ConfigError, listenHost, loadConfig } from './config/config.js';
import { applyEnvFile } from './config/env-file.js';
import { publicUrlWarnings } from './config/public-url-check.js';
import { createApp } from './app.js';
import { createLogger } from './service/logger.js';
import { watchKnowledge } from './service/knowledge-watch.js';
import { launchBot } from './server.js';
import { scheduleSlaTimers } from './service/sla-timer-schedule.js';
import type { LanguageCode } from './core/language/languages.js';
import { webSignInReply } from './core/web/web-access.js';
import { serveWebViewLocally, webAccessFor } from './web/web-view.js';
import { PrismaMetricsSource } from './store/prisma/prisma-metrics-source.js';

async function main(): Promise<number> {
  let config;
  let fromEnvFile: string[] | undefined;
  try {
    // .env in the working directory, when there is one; variables already set win over it.
    fromEnvFile = applyEnvFile('.env');
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nFix the variable(s) above and start again.\n`);
      return 2;
    }
    throw error;
  }
  if (config.slack || config.teams) return runService(config, fromEnvFile);
  // The local chat owns the terminal: only warnings and errors interrupt it unless asked for more.
  const logger = createLogger(config.logLevel ?? 'warn');
  const interactive = Boolean(process.stdin.isTTY);
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const app = await createApp(config, logger, new LocalNotifier(print, config.defaultLanguage));
  // In a terminal session editors see problems in the log; piped runs are too short to watch.
  const stopWatching = interactive && config.kbWatch ? watchKnowledge(app, logger) : () => {};
  // Piped runs are over before any SLA matters; an interactive session sees reminders and escalations.
  const stopTimers = interactive ? scheduleSlaTimers(app, logger, config.slaSweepSeconds) : async () => {};
  // /web: the view is served from this process on 127.0.0.1, started by the first /web.
  const web = webAccessFor(
    config,
    app.store.webSignIns,
    logger,
    () => config.publicUrl ?? `http://localhost:${config.port}`,
  );
  let stopWeb: Promise<() => Promise<void>> | undefined;
  const webLink = async (actor: Parameters<typeof webSignInReply>[2], timeZone: string, language: LanguageCode) => {
    if (web) {
      stopWeb ??= serveWebViewLocally(
        config,
        web,
        { tickets: app.tickets, conversations: app.conversations, metrics: new PrismaMetricsSource(app.store.prisma) },
        logger,
      ).catch((error: unknown) => {
        stopWeb = undefined;
        throw new Error(
          `the web view could not listen on 127.0.0.1:${config.port} (set PORT): ${(error as Error).message}`,
          { cause: error },
        );
      });
      await stopWeb;
    }
    return webSignInReply(web, 'local', actor, { chatZone: timeZone, language });
  };
  const chat = new LocalChat({
    conversations: app.conversations,
    tickets: app.tickets,
    input: process.stdin,
    output: process.stdout,
    interactive,
    userName: config.localUser ?? safeUserName(),
    logger,
    webLink,
  });
  const stop = async () => {
    await stopTimers();
    if (stopWeb) await (await stopWeb)();
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await chat.run();
  stopWatching();
  await stopTimers();
  if (stopWeb) await (await stopWeb)();
  await app.close();
  return 0;
}

/** With chat credentials, the bot runs as a service until it is stopped. */
async function runService(config: ReturnType<typeof loadConfig>, fromEnvFile: string[] | undefined): Promise<number> {
  const logger = createLogger(config.logLevel ?? 'info');
  if (fromEnvFile)
    logger.info(
      { variables: fromEnvFile },
      `read ${fromEnvFile.length} variable(s) from .env (the environment wins over it)`,
    );
  for (const warning of publicUrlWarnings(config)) logger.warn({}, warning);
  // A promise nobody waited on must not end a service that others rely on: what it was doing is
  // in the durable queue or will be retried by the chat; log it loudly and keep serving.
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled promise rejection (a bug): logged, and the bot keeps serving');
  });
  // Heard from the start: a stop (systemd's, Kubernetes') during a long start closes the bot at
  // once, the build included, rather than after it; what was acknowledged stays in the inbox.
  const stopped = new Promise<'stopped'>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.stderr.write(`${signal}: stopping\n`);
      resolve('stopped');
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  // Listens before the knowledge base is loaded: what arrives meanwhile waits in the inbox.
  const host = listenHost(config);
  const bot = await launchBot(config, logger, { host, progress: (line) => process.stderr.write(`${line}\n`) });
  const channels = bot.channels.map((channel) => channel.describe());
  const where = config.host
    ? `HOST=${host}`
    : `HOST unset: ${host === '0.0.0.0' ? 'every interface' : 'loopback only, Teams is unauthenticated'}`;
  process.stderr.write(
    `Helpdesk bot running: ${channels.join(', ')}; listening on ${host}:${bot.port} (${where}); health on http://localhost:${bot.port}/healthz\n`,
  );
  try {
    // A knowledge base that cannot load ends the start (exit 1), as before it listened.
    if ((await Promise.race([bot.ready.then(() => 'ready' as const), stopped])) === 'ready') {
      process.stderr.write(`Knowledge base loaded: answering (ready in ${process.uptime().toFixed(1)} s).\n`);
      await stopped;
    }
  } finally {
    await bot.close();
  }
  return 0;
}

function safeUserName(): string {
  try {
    return os.userInfo().username.replace(/[^\w.@-]/g, '') || 'employee';
  } catch {
    return 'employee';
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`Start-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
