import { createHash, timingSafeEqual } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import {
  automationReport,
  DEFAULT_COMPARE_DAYS,
  type AutomationReport,
  type AutomationSource,
  type KnowledgeCatalog,
} from '../core/analytics/automation.js';
import {
  computeMetrics,
  type MetricsQuery,
  type MetricsReport,
  type MetricsSource,
} from '../core/analytics/metrics.js';
import type { Logger } from '../core/logger.js';
import { automationSection } from './render-automation.js';
import { REPORT_CSP, renderHtml } from './render-html.js';
import { DEFAULT_WINDOW_DAYS, parseCompareDays, parseReportQuery, type RawReportQuery } from './report-query.js';

export interface ReportsRouterDeps {
  /** Where the rows come from, e.g. `new PrismaMetricsSource(store.prisma)`. */
  source: MetricsSource;
  /** REPORTS_TOKEN: when set, requests need `Authorization: Bearer <token>` (never in the URL). Undefined leaves the reports open. */
  token: string | undefined;
  /** DEFLECTION_WINDOW_DAYS; `?window=` overrides it per request. Default 7. */
  windowDays?: number;
  logger?: Logger;
  /** The clock (for tests). */
  now?: () => Date;
  /**
   * What to automate next: /reports/automation.json and a section of the page. `catalog` gives
   * what is shipped at the moment of the request (the bot's current knowledge snapshot).
   */
  automation?: { source: AutomationSource; catalog: () => KnowledgeCatalog; compareDays?: number };
}

/** The answer to a request with ?token= (400): the token goes in a header, and people use the web view. */
export const TOKEN_IN_URL =
  'the reports token is no longer accepted in the URL (?token=): URLs are kept in logs, browser history and Referer headers. ' +
  'Send it in the header Authorization: Bearer <REPORTS_TOKEN>; people read the reports in the web view (ask the bot for a link: /helpdesk web in Slack, web in Teams)';

/**
 * GET /reports/metrics.json, GET /reports/automation.json and GET /reports/metrics (an HTML page
 * with inline SVG charts, and the automation section when configured).
 * Query: ?from=&to= (ISO dates, period [from, to), default the last 30 days), ?window= (days),
 * ?compare= (days before and after a shipped item's first use, automation only).
 */
export function createReportsRouter(deps: ReportsRouterDeps): Router {
  if (deps.token !== undefined && deps.token.trim() === '')
    throw new Error('the reports token must not be empty (leave it undefined to disable the check)');
  const expected = deps.token === undefined ? undefined : digest(deps.token);
  const now = deps.now ?? (() => new Date());
  const router = Router();

  const authorized = (req: Request): boolean => {
    if (!expected) return true;
    const header = req.get('authorization');
    const bearer = header && /^Bearer\s+(.+)$/i.exec(header.trim())?.[1];
    return typeof bearer === 'string' && timingSafeEqual(digest(bearer), expected);
  };

  /** Checks the token and the query; answers the request itself (401, 400) when they fail. */
  const accept = (
    req: Request,
    res: Response,
    names: readonly string[],
  ): { query: MetricsQuery; compareDays: number; at: Date } | undefined => {
    res.set('Cache-Control', 'no-store');
    res.set('X-Content-Type-Options', 'nosniff');
    // The token once could ride in the URL; URLs end up in proxy logs, browser history and Referer
    // headers, so that form is refused outright (whatever the token), with what to do instead.
    if (req.query.token !== undefined) {
      res.status(400).json({ error: TOKEN_IN_URL });
      return undefined;
    }
    if (!authorized(req)) {
      res.set('WWW-Authenticate', 'Bearer realm="reports"');
      res.status(401).json({ error: 'unauthorized: send the header Authorization: Bearer <REPORTS_TOKEN>' });
      return undefined;
    }
    const raw: RawReportQuery & { compare?: string } = {};
    for (const name of names) {
      const value = req.query[name];
      if (value === undefined) continue;
      if (typeof value !== 'string') {
        res.status(400).json({ error: `${name}: give it once, as a single value` });
        return undefined;
      }
      raw[name as keyof typeof raw] = value;
    }
    const at = now();
    const parsed = parseReportQuery(raw, at, deps.windowDays ?? DEFAULT_WINDOW_DAYS);
    if (!parsed.ok) {
      res.status(400).json({ error: parsed.error });
      return undefined;
    }
    const compare = parseCompareDays(raw.compare, deps.automation?.compareDays ?? DEFAULT_COMPARE_DAYS);
    if (!compare.ok) {
      res.status(400).json({ error: compare.error });
      return undefined;
    }
    return { query: parsed.query, compareDays: compare.days, at };
  };

  const metrics = async (res: Response, query: MetricsQuery, at: Date): Promise<MetricsReport | undefined> => {
    try {
      const input = await deps.source.load(query);
      return computeMetrics(input, query, at);
    } catch (error) {
      deps.logger?.error({ err: error }, 'metrics report failed');
      res.status(500).json({ error: 'the report could not be computed' });
      return undefined;
    }
  };

  const automation = async (query: MetricsQuery, compareDays: number, at: Date): Promise<AutomationReport> => {
    const { source, catalog } = deps.automation!;
    return automationReport(source, catalog(), { ...query, compareDays }, at);
  };

  const PERIOD = ['from', 'to', 'window'] as const;
  const WITH_COMPARE = [...PERIOD, 'compare'] as const;

  router.get('/reports/metrics.json', async (req, res) => {
    const accepted = accept(req, res, PERIOD);
    if (!accepted) return;
    const result = await metrics(res, accepted.query, accepted.at);
    if (result) res.json(result);
  });

  router.get('/reports/automation.json', async (req, res) => {
    const accepted = accept(req, res, WITH_COMPARE);
    if (!accepted) return;
    if (!deps.automation) {
      res.status(404).json({ error: 'the automation report is not configured' });
      return;
    }
    try {
      res.json(await automation(accepted.query, accepted.compareDays, accepted.at));
    } catch (error) {
      deps.logger?.error({ err: error }, 'automation report failed');
      res.status(500).json({ error: 'the report could not be computed' });
    }
  });

  router.get('/reports/metrics', async (req, res) => {
    const accepted = accept(req, res, deps.automation ? WITH_COMPARE : PERIOD);
    if (!accepted) return;
    const result = await metrics(res, accepted.query, accepted.at);
    if (!result) return;
    const query = new URLSearchParams({
      from: result.period.from,
      to: result.period.to,
      window: String(result.windowDays),
    });
    const sections: string[] = [];
    if (deps.automation) {
      try {
        const report = await automation(accepted.query, accepted.compareDays, accepted.at);
        const automationQuery = new URLSearchParams(query);
        automationQuery.set('compare', String(report.compareDays));
        sections.push(automationSection(report, `automation.json?${automationQuery.toString()}`));
      } catch (error) {
        // The figures above still stand: say the section is missing rather than fail the page.
        deps.logger?.error({ err: error }, 'automation report failed');
        sections.push(
          '<section id="automation"><h2>What to automate next</h2><p class="empty">This section could not be computed; the log says why.</p></section>',
        );
      }
    }
    res.set('Content-Security-Policy', REPORT_CSP);
    res.set('Referrer-Policy', 'no-referrer');
    res.type('html').send(renderHtml(result, `metrics.json?${query.toString()}`, sections));
  });

  return router;
}
function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
