import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Application } from 'express';
import type { Logger } from '../core/logger.js';
import { bindToRequest, requestIdFrom, withRequestId } from './request-context.js';

/** One HTTP server on PORT for every channel's webhook and for health checks. */
export interface HttpServer {
  app: Application;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Health: the process is up and each named check passes (e.g. the database answers). */
export type HealthCheck = () => Promise<void>;

/**
 * /healthz answers 200 {"status":"ok"} when every check passes and the bot is ready; 503
 * {"status":"starting"} while it starts (it listens and keeps deliveries, but does not answer yet);
 * 503 {"status":"failing"} when a check fails, starting or not.
 */
export function createHttpServer(
  logger: Logger,
  checks: Record<string, HealthCheck>,
  options: { ready?: () => boolean } = {},
): HttpServer {
  const app = express();
  app.disable('x-powered-by');
  // Every request gets an id (a sane incoming X-Request-Id, else a new one), returned in the
  // response and carried by everything done on its behalf: log lines, the turn, queued work.
  app.use((req, res, next) => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    res.locals.requestId = requestId;
    res.set('X-Request-Id', requestId);
    withRequestId(requestId, () => {
      bindToRequest(req);
      next();
    });
  });
  app.get('/healthz', async (_req, res) => {
    const results: Record<string, string> = {};
    let healthy = true;
    for (const [name, check] of Object.entries(checks)) {
      try {
        await check();
        results[name] = 'ok';
      } catch (error) {
        healthy = false;
        results[name] = 'failing';
        logger.error({ err: error, check: name }, 'health check failed');
      }
    }
    const status = !healthy ? 'failing' : options.ready && !options.ready() ? 'starting' : 'ok';
    res.status(status === 'ok' ? 200 : 503).json({ status, checks: results });
  });
  let server: Server | undefined;
  return {
    app,
    listen(port, host) {
      // Routes added by channels after creation must come before the 404 handler.
      app.use((_req, res) => {
        res.status(404).json({ error: 'not found' });
      });
      return new Promise((resolve, reject) => {
        server = createServer(app);
        server.once('error', reject);
        server.listen(port, host, () => resolve((server!.address() as AddressInfo).port));
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
