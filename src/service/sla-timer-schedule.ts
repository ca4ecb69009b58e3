import type { App } from '../app.js';
import type { Logger } from '../core/logger.js';

/**
 * Sweeps the SLA timers every `seconds` (and once at start, to catch up on what fell due while
 * the bot was down). One sweep at a time; the returned stop waits for a sweep in progress, so
 * the database is never closed under it.
 */
export function scheduleSlaTimers(app: App, logger: Logger, seconds: number): () => Promise<void> {
  if (seconds <= 0) {
    logger.info({}, 'SLA timers are off in this process (SLA_SWEEP_SECONDS=0)');
    return async () => {};
  }
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (running || stopped) return;
    running = app.timers
      .sweep()
      .then(
        (result) => {
          if (result.failed > 0) logger.warn({ failed: result.failed }, 'some SLA timers failed; they are retried');
        },
        (error: unknown) => logger.error({ err: error }, 'SLA timer sweep failed; the next sweep retries'),
      )
      .finally(() => {
        running = null;
      });
  };
  run();
  const timer = setInterval(run, seconds * 1000);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
