import { contentGapReport, formatGapReport, lastDays } from './core/analytics/content-gaps.js';
import type { Logger } from './core/logger.js';
import type { Store } from './store/open-store.js';
import { PrismaGapSource } from './store/prisma/prisma-gap-source.js';

const WEEK_MS = 7 * 24 * 60 * 60_000;
const CHECK_EVERY_MS = 60 * 60_000;
/** The Counter row holding when the last weekly post went out (seconds since the epoch). */
const LAST_POST = 'weekly-gaps-posted-at';

/**
 * Posts the week's content gaps to the editors when a week has passed since the last one
 * (the first start begins the first week; a week without gaps posts nothing). The time is kept
 * in the database, so restarts neither skip nor repeat a week. Returns true when it posted.
 */
export async function postWeeklyGapsIfDue(store: Store, tell: (markdown: string) => Promise<void>, now = new Date()): Promise<boolean> {
  const seconds = Math.floor(now.getTime() / 1000);
  const last = await store.prisma.counter.findUnique({ where: { name: LAST_POST } });
  if (!last) {
    // The first start begins the first week; there is nothing to report yet.
    await store.prisma.counter.create({ data: { name: LAST_POST, value: seconds } }).catch(() => undefined);
    return false;
  }
  if (now.getTime() - last.value * 1000 < WEEK_MS) return false;
  // Claim the week first (compare-and-set on the old value), so two processes never both post.
  const claimed = (await store.prisma.counter.updateMany({ where: { name: LAST_POST, value: last.value }, data: { value: seconds } })).count === 1;
  if (!claimed) return false;
  const report = await contentGapReport(new PrismaGapSource(store.prisma), lastDays(7, now));
  // A week with no gaps is good news, not a message.
  if (report.clusters.length === 0) return false;
  try {
    await tell(`**What employees asked that the knowledge base did not answer, last 7 days**\n\n${formatGapReport(report, { limit: 5, moreHint: 'Run `npm run report:gaps` for the full list.' })}`);
  } catch (error) {
    // Give the week back, so the next hourly check tries again instead of skipping it.
    await store.prisma.counter.updateMany({ where: { name: LAST_POST, value: seconds }, data: { value: last.value } });
    throw error;
  }
  return true;
}

/** Checks hourly whether the weekly post is due; returns a function that stops it. */
export function scheduleWeeklyGaps(store: Store, logger: Logger, tell: (markdown: string) => Promise<void>): () => void {
  const run = () =>
    postWeeklyGapsIfDue(store, tell).then(
      (posted) => posted && logger.info({}, 'weekly content-gap report posted to the editors'),
      (error: unknown) => logger.error({ err: error }, 'weekly content-gap report failed'),
    );
  void run();
  const timer = setInterval(() => void run(), CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
