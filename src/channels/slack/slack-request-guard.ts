import { parse as parseForm } from 'node:querystring';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../../core/logger.js';

/**
 * The largest body we read. Slack's own payloads stay well under it: a 40,000-character message
 * of four-byte characters, sent as text and again as rich-text blocks, is about 320 KB; a view
 * submission of our modals (3,000-character fields) is some tens of KB, even percent-encoded.
 * Bolt's default is 4 MB, and it reads that much before it checks the signature.
 */
export const SLACK_MAX_BODY_BYTES = 1024 * 1024;

/** Slack signs the time of each request; Bolt refuses older than this, and so do we in both directions. */
export const SLACK_MAX_CLOCK_SKEW_SECONDS = 5 * 60;

export interface SlackRequestGuardOptions {
  logger: Logger;
  maxBodyBytes?: number;
  /** Seconds since the epoch (tests). */
  now?: () => number;
}

/**
 * What Bolt's ExpressReceiver does not check before it reads and verifies a request, refused in
 * front of it with the statuses Bolt uses itself (401 unauthenticated, 413 too large, 400 not a
 * request):
 * - a timestamp in the future: Bolt refuses only old ones, so a request signed with a leaked
 *   secret could be replayed for ever;
 * - a missing signature or timestamp, before reading the body at all;
 * - a body over the cap, from Content-Length before reading, or counted as it streams; the
 *   connection is then closed so the rest is never read;
 * - a body that cannot be a Slack payload (JSON `null`, a number, an array): Bolt would hand it
 *   to its listeners and answer 500.
 * The body read here is left on `req.rawBody`, which Bolt uses instead of reading the stream;
 * verifying the signature stays Bolt's job.
 */
export function slackRequestGuard(options: SlackRequestGuardOptions): RequestHandler {
  const maxBytes = options.maxBodyBytes ?? SLACK_MAX_BODY_BYTES;
  const now = options.now ?? (() => Date.now() / 1000);

  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST') return next();
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    const refuse = (status: number, reason: string) => {
      options.logger.warn({ status, reason, ip: req.socket.remoteAddress }, 'Slack request refused');
      // A small body is left to Node, which reads and drops it and keeps the connection; a large
      // or unknown one is not read any further.
      if (!req.complete && (declared === undefined || declared > maxBytes)) stopReading(req, res);
      res.status(status).end();
    };
    if (declared !== undefined && declared > maxBytes) return refuse(413, 'body too large');
    const timestamp = Number(req.headers['x-slack-request-timestamp'] ?? Number.NaN);
    if (!req.headers['x-slack-signature'] || !Number.isFinite(timestamp)) return refuse(401, 'no signature');
    if (Math.abs(now() - timestamp) > SLACK_MAX_CLOCK_SKEW_SECONDS) return refuse(401, 'timestamp out of range');

    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData).off('end', onEnd).off('error', stop);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      chunks.length = 0;
      refuse(413, 'body too large');
    };
    const onEnd = () => {
      stop();
      const body = Buffer.concat(chunks, size);
      if (!couldBeSlackPayload(body.toString('utf8'), req.headers['content-type']))
        return refuse(400, 'not a Slack payload');
      (req as Request & { rawBody?: Buffer }).rawBody = body;
      next();
    };
    // An error here is the client gone mid-body: there is nobody left to answer.
    req.on('data', onData).on('end', onEnd).on('error', stop);
  };
}

/** How long a refused connection stays open for the client to read the answer. */
const LINGER_MS = 1_000;

/**
 * Stops reading a request's body and closes its connection once the client has had time to read
 * the answer. Answering with "Connection: close" would make Node close at once, and a close with
 * unread data resets the connection, which can discard the answer before the client reads it;
 * keeping the connection would make Node read the rest of the body to reuse it.
 */
function stopReading(req: Request, res: Response): void {
  // A listener marks the body as consumed (so Node does not drain it); pausing keeps it from flowing.
  req.removeAllListeners('data');
  req.on('data', () => {});
  req.pause();
  res.once('finish', () => {
    setTimeout(() => req.socket.destroy(), LINGER_MS).unref();
  });
}

/**
 * Bolt parses a body as a form when the content type is exactly that (its interactions carry
 * JSON in `payload`), otherwise as JSON, and expects an object either way. Only the first
 * character is looked at: a malformed object is still Bolt's to refuse, after the signature.
 */
function couldBeSlackPayload(body: string, contentType: string | undefined): boolean {
  if (contentType === 'application/x-www-form-urlencoded') {
    const payload = parseForm(body).payload;
    return typeof payload !== 'string' || payload.trimStart().startsWith('{');
  }
  return body.trimStart().startsWith('{');
}
