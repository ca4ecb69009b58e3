import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Logger } from '../core/logger.js';
import type { OperatorMetrics } from './operator-metrics.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * GET /metrics in Prometheus text format. With a token (METRICS_TOKEN, else REPORTS_TOKEN) it needs
 * `Authorization: Bearer <token>` (compared in constant time; no query parameter, so the token
 * stays out of access logs); without one it is open. The service does not mount it in production
 * without a token.
 */
export function metricsRouter(deps: { metrics: OperatorMetrics; token: string | undefined; logger: Logger }): Router {
  const expected = deps.token === undefined ? undefined : digest(deps.token);
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (expected) {
      const given = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
      if (given === undefined || !timingSafeEqual(digest(given), expected)) {
        res.set('WWW-Authenticate', 'Bearer realm="metrics"');
        res.status(401).json({ error: 'unauthorized: send Authorization: Bearer <METRICS_TOKEN>' });
        return;
      }
    }
    try {
      const { contentType, body } = await deps.metrics.expose();
      res.set('Content-Type', contentType).set('Cache-Control', 'no-store').send(body);
    } catch (error) {
      deps.logger.error({ err: error }, 'cannot render /metrics');
      res.status(500).json({ error: 'metrics unavailable' });
    }
  });
  return router;
}
