import { contentGapReport, formatGapReport, lastDays, type GapSource } from '../core/analytics/content-gaps.js';
import type { PostLog } from '../core/analytics/post-log.js';
import type { Logger } from '../core/logger.js';
import type { Store } from '../store/open-store.js';
import { PrismaGapSource } from '../store/prisma/prisma-gap-source.js';

const WEEK_MS = 7 * 24 * 60 * 60_000;
const CHECK_EVERY_MS = 60 * 60_000;
/** The post log's name for the weekly post (a Counter row in the database, as before the port). */
const LAST_POST = 'weekly-gaps-posted-at';

/** What the weekly post reads and writes: when it last went out, and the questions behind the gaps. */
export interface WeeklyGapPorts {
  posts: PostLog;
  gaps: GapSource;
}

/** The weekly post's ports on the service's store. */
export function weeklyGapPorts(store: Store): WeeklyGapPorts {
  return { posts: store.postLog, gaps: new PrismaGapSource(store.prisma) };
}

/**
 * Posts the week's content gaps to the editors when a week has passed since the last one
 * (the first start begins the first week; a week without gaps posts nothing). The time is kept
 * in the database, so restarts neither skip nor repeat a week. Returns true when it posted.
 */
export async function postWeeklyGapsIfDue(
  { posts, gaps }: WeeklyGapPorts,
  tell: (markdown: string) => Promise<void>,
  now = new Date(),
): Promise<boolean> {
  const last = await posts.last(LAST_POST);
  if (!last) {
    // The first start begins the first week; there is nothing to report yet.
    await posts.begin(LAST_POST, now);
    return false;
  }
  if (now.getTime() - last.getTime() < WEEK_MS) return false;
  // Claim the week first (compare-and-set on the old value), so two processes never both post.
  if (!(await posts.move(LAST_POST, last, now))) return false;
  const report = await contentGapReport(gaps, lastDays(7, now));
  // A week with no gaps is good news, not a message.
  if (report.clusters.length === 0) return false;
  try {
    await tell(
      `**What employees asked that the knowledge base did not answer, last 7 days**\n\n${formatGapReport(report, { limit: 5, moreHint: 'Run `npm run report:gaps` for the full list.' })}`,
    );
  } catch (error) {
    // Give the week back, so the next hourly check tries again instead of skipping it.
    await posts.move(LAST_POST, now, last);
    throw error;
  }
  return true;
}

/** Checks hourly whether the weekly post is due; returns a function that stops it. */
export function scheduleWeeklyGaps(
  store: Store,
  logger: Logger,
  tell: (markdown: string) => Promise<void>,
): () => void {
  const run = () =>
    postWeeklyGapsIfDue(weeklyGapPorts(store), tell).then(
      (posted) => posted && logger.info({}, 'weekly content-gap report posted to the editors'),
      (error: unknown) => logger.error({ err: error }, 'weekly content-gap report failed'),
    );
  void run();
  const timer = setInterval(() => void run(), CHECK_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
