import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { computeMetrics, type MetricsReport, type MetricsSource } from '../core/analytics/metrics.js';
import type { Logger } from '../core/logger.js';
import { REPORT_CSP, renderHtml } from './render-html.js';
import { DEFAULT_WINDOW_DAYS, parseReportQuery, type RawReportQuery } from './report-query.js';

export interface ReportsRouterDeps {
  /** Where the rows come from, e.g. `new PrismaMetricsSource(store.prisma)`. */
  source: MetricsSource;
  /** REPORTS_TOKEN: when set, requests need `Authorization: Bearer <token>` or `?token=<token>`. Undefined leaves the reports open. */
  token: string | undefined;
  /** DEFLECTION_WINDOW_DAYS; `?window=` overrides it per request. Default 7. */
  windowDays?: number;
  logger?: Logger;
  /** The clock (for tests). */
  now?: () => Date;
}

/**
 * GET /reports/metrics.json and GET /reports/metrics (an HTML page with inline SVG charts).
 * Query: ?from=&to= (ISO dates, period [from, to), default the last 30 days), ?window= (days).
 */
export function createReportsRouter(deps: ReportsRouterDeps): Router {
  if (deps.token !== undefined && deps.token.trim() === '') throw new Error('the reports token must not be empty (leave it undefined to disable the check)');
  const expected = deps.token === undefined ? undefined : digest(deps.token);
  const now = deps.now ?? (() => new Date());
  const router = Router();

  const authorized = (req: Request): boolean => {
    if (!expected) return true;
    const header = req.get('authorization');
    const bearer = header && /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
    const fromQuery = typeof req.query.token === 'string' ? req.query.token : undefined;
    const given = bearer || fromQuery;
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };

  const report = async (req: Request, res: Response): Promise<MetricsReport | undefined> => {
    res.set('Cache-Control', 'no-store');
    res.set('X-Content-Type-Options', 'nosniff');
    if (!authorized(req)) {
      res.set('WWW-Authenticate', 'Bearer realm="reports"');
      res.status(401).json({ error: 'unauthorized: send Authorization: Bearer <REPORTS_TOKEN> or ?token=' });
      return undefined;
    }
    const raw: RawReportQuery = {};
    for (const name of ['from', 'to', 'window'] as const) {
      const value = req.query[name];
      if (value === undefined) continue;
      if (typeof value !== 'string') {
        res.status(400).json({ error: `${name}: give it once, as a single value` });
        return undefined;
      }
      raw[name] = value;
    }
    const at = now();
    const parsed = parseReportQuery(raw, at, deps.windowDays ?? DEFAULT_WINDOW_DAYS);
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.error });
      return undefined;
    }
    try {
      const input = await deps.source.load(parsed.query);
      return computeMetrics(input, parsed.query, at);
    } catch (error) {
      deps.logger?.error({ err: error }, 'metrics report failed');
      res.status(500).json({ error: 'the report could not be computed' });
      return undefined;
    }
  };

  router.get('/reports/metrics.json', async (req, res) => {
    const result = await report(req, res);
    if (result) res.json(result);
  });

  router.get('/reports/metrics', async (req, res) => {
    const result = await report(req, res);
    if (!result) return;
    const query = new URLSearchParams({ from: result.period.from, to: result.period.to, window: String(result.windowDays) });
    // A page opened with ?token= keeps working links (a header-authenticated one needs none).
    if (typeof req.query.token === 'string' && req.query.token) query.set('token', req.query.token);
    res.set('Content-Security-Policy', REPORT_CSP);
    res.set('Referrer-Policy', 'no-referrer');
    res.type('html').send(renderHtml(result, `metrics.json?${query.toString()}`));
  });

  return router;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
