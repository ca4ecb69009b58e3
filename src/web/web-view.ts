import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express, { type Router } from 'express';
import type { Config } from '../config/config.js';
import type { MetricsSource } from '../core/analytics/metrics.js';
import type { ConversationService } from '../core/conversation/conversation-service.js';
import type { Logger } from '../core/logger.js';
import type { TicketService } from '../core/tickets/ticket-service.js';
import { WebAccess, type WebSignInStore } from '../core/web/web-access.js';
import { createWebRouter } from './web-router.js';

/**
 * The web view's sign-in, from configuration: WEB_SECRET signs links and cookies. Without it, the
 * view is off in production (a warning says so); elsewhere a random key is made for this process,
 * so a link works only on the process that made it (a second replica would refuse it as forged).
 */
export function webAccessFor(
  config: Config,
  store: WebSignInStore,
  logger: Logger,
  baseUrl: () => string,
): WebAccess | undefined {
  let secret = config.web.secret;
  if (!secret) {
    if (config.nodeEnv === 'production') {
      logger.warn(
        {},
        'the web view is off: set WEB_SECRET (32+ random characters, the same on every replica) to serve /web in production',
      );
      return undefined;
    }
    secret = randomBytes(32).toString('base64url');
    logger.info(
      {},
      'WEB_SECRET is unset: the web view signs with a random key made for this process (set it when several processes serve)',
    );
  }
  return new WebAccess({ store, secret, baseUrl, leads: config.web.leads });
}

/** The web view's routes on the bot's services; engineers for "assign" come from each chat's roster. */
export function webViewRouter(
  config: Config,
  access: WebAccess,
  services: {
    tickets: TicketService;
    conversations: ConversationService;
    routedCategories: () => readonly string[];
    /** The lead reports' rows; without it /web/reports is not served by this process. */
    metrics?: MetricsSource;
  },
  logger: Logger,
  /** The clock (tests pin it). */
  now?: () => Date,
): Router {
  const rosters: Record<string, string[]> = {
    slack: config.slack?.engineers ?? [],
    teams: config.teams?.engineers ?? [],
  };
  return createWebRouter({
    access,
    tickets: services.tickets,
    categories: () => {
      // The knowledge base's categories exist once it is loaded; until then the routed ones.
      let known: readonly string[];
      try {
        known = services.conversations.categories();
      } catch {
        known = [];
      }
      return [...known, ...services.routedCategories()];
    },
    engineers: (channel) => (rosters[channel] ?? []).map((id) => ({ id, name: id })),
    https: Boolean(config.publicUrl?.startsWith('https://')),
    defaultLanguage: config.defaultLanguage,
    logger,
    ...(services.metrics ? { reports: { source: services.metrics, windowDays: config.deflectionWindowDays } } : {}),
    ...(now ? { now } : {}),
  });
}

/**
 * The local chat's web view: no service runs beside the terminal, so the first /web starts one on
 * 127.0.0.1 (PORT) serving only /web. Resolves with a stop function.
 */
export async function serveWebViewLocally(
  config: Config,
  access: WebAccess,
  services: { tickets: TicketService; conversations: ConversationService; metrics?: MetricsSource },
  logger: Logger,
): Promise<() => Promise<void>> {
  const web = express();
  web.use(webViewRouter(config, access, { ...services, routedCategories: () => [] }, logger));
  const server: Server = await new Promise((resolve, reject) => {
    const s = web.listen(config.port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  return () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
}
