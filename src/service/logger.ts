import pino from 'pino';
import { currentRequestId } from '../http/request-context.js';

/** Paths whose values never reach the logs. */
const REDACT = [
  'token',
  'password',
  'secret',
  '*.token',
  '*.password',
  '*.secret',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'env.SLACK_BOT_TOKEN',
  'env.SLACK_SIGNING_SECRET',
  'env.SLACK_APP_TOKEN',
  'env.MICROSOFT_APP_PASSWORD',
  'config.slackBotToken',
];

/** Structured JSON logs on standard error (standard output belongs to the local chat). */
export function createLogger(level: string, destination: pino.DestinationStream = pino.destination(2)): pino.Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT, censor: '[redacted]' },
      base: { app: 'helpdesk-bot' },
      // Lines written on behalf of a request or queued item carry its id, unless a child logger bound it already.
      mixin: (_object, _level, logger) => {
        const requestId = currentRequestId();
        return requestId && !('requestId' in logger.bindings()) ? { requestId } : {};
      },
    },
    destination,
  );
}
