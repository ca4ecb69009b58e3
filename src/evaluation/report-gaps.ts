/**
 * `npm run report:gaps [-- --from 2026-01-05 --to 2026-01-11 --limit 10 --json]`: the questions
 * the knowledge base did not serve (no answer, "not helpful", suggestions not picked), grouped by
 * similarity, most frequent first, with example phrasings. Reads the bot's database (DATA_DIR or
 * DATABASE_URL, as the bot does). Dates are UTC; a date-only --to includes that whole day.
 * Default period: the last 7 days. Exit code 0, or 2 when it cannot run.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/config.js';
import {
  contentGapReport,
  DEFAULT_GAP_THRESHOLD,
  gapReasons,
  type GapCluster,
  type GapPeriod,
  type GapReport,
} from '../core/analytics/content-gaps.js';
import { openStore } from '../store/open-store.js';
import { PrismaGapSource } from '../store/prisma/prisma-gap-source.js';
import { runCli, UsageError } from './run-cli.js';

const USAGE =
  'usage: npm run report:gaps -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--limit N] [--threshold 0-1] [--json]';
const DAY_MS = 24 * 60 * 60 * 1000;

/** The period from the flags: a date-only --to is inclusive (up to the next midnight UTC). */
function parsePeriod(from: string | undefined, to: string | undefined, now: Date = new Date()): GapPeriod {
  const end = to === undefined ? now : parseDate('--to', to, true);
  const start = from === undefined ? new Date(end.getTime() - 7 * DAY_MS) : parseDate('--from', from, false);
  if (start.getTime() >= end.getTime())
    throw new UsageError(`--from (${start.toISOString()}) must be before --to (${end.toISOString()})`);
  return { from: start, to: end };
}

function parseDate(flag: string, value: string, endOfDay: boolean): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms))
    throw new UsageError(`${flag}: expected a date like 2026-01-05 or 2026-01-05T09:00:00Z, got "${value}"`);
  return new Date(dateOnly && endOfDay ? ms + DAY_MS : ms);
}

function positiveInt(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new UsageError(`${flag}: expected a whole number of at least 1, got "${value}"`);
  return Number(value);
}

function fraction(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 1)
    throw new UsageError(`${flag}: expected a number above 0 and at most 1, got "${value}"`);
  return n;
}

/** The report for a terminal: every field an editor needs to act on a cluster. */
function formatText(report: GapReport, limit: number): string {
  const day = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
  const lines = [
    `Content gaps ${day(report.from)} to ${day(report.to)} UTC: ${report.gaps} of ${report.asked} question(s) ` +
      `(${gapReasons.map((r) => `${report.reasons[r]} ${r.replace(/_/g, ' ')}`).join(', ')}), ${report.clusters.length} cluster(s).`,
  ];
  for (const cluster of report.clusters.slice(0, limit)) lines.push('', ...clusterLines(cluster, day));
  const rest = report.clusters.length - Math.min(limit, report.clusters.length);
  if (rest > 0) lines.push('', `${rest} more cluster(s); use --limit to see them.`);
  return lines.join('\n');
}

function clusterLines(cluster: GapCluster, day: (d: Date) => string): string[] {
  const reasons = gapReasons
    .filter((r) => cluster.reasons[r] > 0)
    .map((r) => `${cluster.reasons[r]} ${r.replace(/_/g, ' ')}`);
  const lines = [
    `${cluster.rank}. "${cluster.label}": ${cluster.size} question(s), ${cluster.users} user(s); ${reasons.join(', ')}`,
    `   terms: ${cluster.terms.join(', ') || '-'}; seen ${day(cluster.firstSeen)} .. ${day(cluster.lastSeen)}`,
  ];
  for (const example of cluster.examples) lines.push(`   - ${example}`);
  const articles = (label: string, list: GapCluster['notHelpfulArticles']) => {
    if (list.length > 0)
      lines.push(
        `   ${label}: ${list.map((a) => `${a.articleId}${a.title ? ` ("${a.title}")` : ''} x${a.count}`).join(', ')}`,
      );
  };
  articles('not helpful', cluster.notHelpfulArticles);
  articles('offered, not picked', cluster.offeredArticles);
  return lines;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      limit: { type: 'string' },
      threshold: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const period = parsePeriod(values.from, values.to);
  const limit = positiveInt('--limit', values.limit, 10);
  const threshold = fraction('--threshold', values.threshold, DEFAULT_GAP_THRESHOLD);
  const config = loadConfig();
  // The bot's database, brought up to date as the bot would; never a new one on a typo.
  const store = await openStore(config.database, { create: false });
  try {
    const report = await contentGapReport(new PrismaGapSource(store.prisma), period, { threshold });
    if (values.json) {
      const { clusters, ...rest } = report;
      process.stdout.write(
        `${JSON.stringify({ ...rest, clusterCount: clusters.length, clusters: clusters.slice(0, limit) }, null, 2)}\n`,
      );
    } else {
      process.stdout.write(`${formatText(report, limit)}\n`);
    }
  } finally {
    await store.close();
  }
  return 0;
}

runCli('report:gaps', USAGE, main);
