import pino from 'pino';

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
  return pino({ level, redact: { paths: REDACT, censor: '[redacted]' }, base: { app: 'helpdesk-bot' } }, destination);
}
