import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { alertGroupId } from '../../core/alerts/alert-desk.js';
import type { WorkQueue } from '../../core/delivery/work-queue.js';
import type { Logger } from '../../core/logger.js';
import { parseAlertPayload } from './alert-payloads.js';

/** The inbox kind of an alert notice. */
export const ALERT_KIND = 'alert';
/** Alertmanager sends up to its max_alerts per notice; 1 MB holds a few thousand alerts. */
const MAX_BODY = '1mb';
/** A signed request's timestamp may be this far from now (Grafana's timestamp header, ours). */
const MAX_SKEW_SECONDS = 300;
const SIGNATURE_HEADERS = ['x-grafana-alerting-signature', 'x-helpdesk-signature'];
const TIMESTAMP_HEADERS = ['x-grafana-alerting-timestamp', 'x-helpdesk-timestamp'];

export interface AlertIntakeOptions {
  queue: Pick<WorkQueue, 'enqueue'>;
  logger: Logger;
  production: boolean;
  /** Accepted as "Authorization: Bearer <token>". */
  token: string | undefined;
  /** Accepted as a hex HMAC-SHA256 of the body (or of "<timestamp>:<body>") in a signature header. */
  hmacSecret: string | undefined;
  /** Authenticated notices taken per minute; more get 429 and are sent again by the sender. */
  ratePerMinute: number;
  now?: () => number;
}

/**
 * POST /api/alerts: a monitoring tool's notice, authenticated, limited, converted (Alertmanager,
 * Grafana or the generic format) and kept in the durable inbox before it is acknowledged (202);
 * the worker opens or updates the group's ticket. A repeat of the same body is acknowledged and
 * dropped. When the inbox cannot keep it the sender gets 503 and sends it again.
 */
export function alertIntakeRouter(options: AlertIntakeOptions): Router {
  const router = express.Router();
  const now = options.now ?? Date.now;
  const configured = Boolean(options.token || options.hmacSecret);
  const limiter = new MinuteWindow(options.ratePerMinute, now);
  const refusedLog = new PerMinuteLog(options.logger, now);
  router.post(
    '/api/alerts',
    express.raw({ type: () => true, limit: MAX_BODY }),
    async (req: Request, res: Response) => {
      if (!configured && options.production) {
        res.status(403).json({ error: 'the alert intake is off: set ALERTS_TOKEN or ALERTS_HMAC_SECRET' });
        return;
      }
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (configured && !authenticated(req, body, options, now)) {
        refusedLog.count('unauthenticated', 'alert notices refused: no valid bearer token or HMAC signature');
        res.status(401).json({
          error: 'not authenticated: send "Authorization: Bearer <ALERTS_TOKEN>" or an HMAC signature of the body',
        });
        return;
      }
      const wait = limiter.take();
      if (wait > 0) {
        refusedLog.count(
          'rate',
          `alert notices refused: more than ALERTS_RATE_PER_MINUTE=${options.ratePerMinute} this minute (the senders retry)`,
        );
        res.setHeader('Retry-After', String(wait));
        res.status(429).json({ error: `too many alert notices: at most ${options.ratePerMinute} a minute` });
        return;
      }
      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        res.status(400).json({ error: 'the body is not JSON' });
        return;
      }
      const parsed = parseAlertPayload(json);
      if (!parsed.ok) {
        res.status(400).json({ error: parsed.problem });
        return;
      }
      const group = alertGroupId(parsed.notice);
      try {
        const added = await options.queue.enqueue({
          key: `alert:${createHash('sha256').update(body).digest('hex')}`,
          kind: ALERT_KIND,
          orderKey: `alert:${group}`,
          payload: JSON.stringify(parsed.notice),
        });
        res.status(added ? 202 : 200).json({ status: added ? 'accepted' : 'duplicate', group });
      } catch (error) {
        options.logger.error(
          { err: error, group },
          'could not keep an alert notice: the sender is asked to send it again',
        );
        res.status(503).json({ error: 'the alert could not be kept; send it again' });
      }
    },
  );
  // A body over the limit or cut short: a JSON answer, like every other refusal here.
  router.use('/api/alerts', (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const status = (error as { status?: number }).status;
    if (status === 413) return void res.status(413).json({ error: `the body is larger than ${MAX_BODY}` });
    if (status && status >= 400 && status < 500)
      return void res.status(400).json({ error: 'the body could not be read' });
    next(error);
  });
  return router;
}

function authenticated(req: Request, body: Buffer, options: AlertIntakeOptions, now: () => number): boolean {
  if (options.token) {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match && sameSecret(match[1]!, options.token)) return true;
  }
  if (options.hmacSecret) {
    const signature = SIGNATURE_HEADERS.map((name) => req.get(name)).find(Boolean);
    if (!signature) return false;
    const timestamp = TIMESTAMP_HEADERS.map((name) => req.get(name)).find(Boolean);
    if (timestamp !== undefined) {
      const seconds = Number(timestamp);
      if (!Number.isFinite(seconds) || Math.abs(now() / 1000 - seconds) > MAX_SKEW_SECONDS) return false;
    }
    const hmac = createHmac('sha256', options.hmacSecret);
    if (timestamp !== undefined) hmac.update(`${timestamp}:`);
    const expected = hmac.update(body).digest();
    const given = Buffer.from(signature.trim().replace(/^sha256=/i, ''), 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
  return false;
}

/** Compares two secrets in constant time (of their hashes, so their lengths do not show either). */
function sameSecret(given: string, expected: string): boolean {
  const hash = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(hash(given), hash(expected));
}

/** At most `limit` takes per clock minute; `take` gives the seconds to wait when none is left. */
class MinuteWindow {
  private window = -1;
  private used = 0;
  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {}

  take(): number {
    const at = this.now();
    const window = Math.floor(at / 60_000);
    if (window !== this.window) {
      this.window = window;
      this.used = 0;
    }
    if (this.used >= this.limit) return Math.max(1, Math.ceil(((window + 1) * 60_000 - at) / 1000));
    this.used += 1;
    return 0;
  }
}

/** One log line per reason and minute, with how many were refused, however many were. */
class PerMinuteLog {
  private readonly counts = new Map<string, { since: number; refused: number; message: string }>();
  constructor(
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  count(reason: string, message: string): void {
    const at = this.now();
    const entry = this.counts.get(reason);
    if (!entry) {
      this.counts.set(reason, { since: at, refused: 1, message });
      this.logger.warn({ reason, refused: 1 }, message);
      return;
    }
    entry.refused += 1;
    if (at - entry.since >= 60_000) {
      this.logger.warn({ reason, refused: entry.refused, sinceMs: at - entry.since }, entry.message);
      this.counts.set(reason, { since: at, refused: 0, message });
    }
  }
}
