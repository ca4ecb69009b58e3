// One replica of the bot for the load benchmark: the real service (startBot) in its own process,
// configured from the environment the benchmark gives it. Prints {"port": N} once it listens and
// stops cleanly on SIGTERM (draining what it was sending to Slack first).
import { loadConfig } from '../config/config.js';
import { createLogger } from '../service/logger.js';
import { startBot } from '../server.js';

const config = loadConfig(process.env);
const logger = createLogger(config.logLevel ?? 'warn');
// Slack at the far end is the benchmark's own stand-in on loopback: no need to wait out backoffs.
// A killed replica's claims are taken over after their lease: 5 s here, so --kill-after finishes in benchmark time.
const bot = await startBot(config, logger, {
  host: '127.0.0.1',
  slackRetry: { retries: 2, minTimeout: 50, maxTimeout: 200 },
  queue: { leaseMs: 5_000 },
});
process.stdout.write(`${JSON.stringify({ port: bot.port })}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    await bot.drain();
    await bot.close();
    process.exit(0);
  })();
});
