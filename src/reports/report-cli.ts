/**
 * `npm run report [-- --from 2026-03-01 --to 2026-04-01 --window 7 --json]`: support-lead metrics
 * from the bot's database (DATABASE_URL, or DATA_DIR/helpdesk.db, as the bot resolves it);
 * `--automation`: what to automate next, with the knowledge base (KB_DIR or --kb) for coverage.
 * Prints a table, or JSON with --json; progress goes to stderr. Exit code 2 for bad arguments.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { automationReport, DEFAULT_COMPARE_DAYS } from '../core/analytics/automation.js';
import { computeMetrics } from '../core/analytics/metrics.js';
import { loadConfig } from '../config/config.js';
import { openStore } from '../store/open-store.js';
import { PrismaAutomationSource } from '../store/prisma/prisma-automation-source.js';
import { PrismaMetricsSource } from '../store/prisma/prisma-metrics-source.js';
import { loadCatalog } from './knowledge-catalog.js';
import { renderAutomationText } from './render-automation.js';
import { renderText } from './render-text.js';
import { parseCompareDays, parseReportQuery, windowDaysFromEnv } from './report-query.js';

const USAGE = `Usage: npm run report -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--window DAYS] [--json] [--quiet]
       npm run report -- --automation [--kb DIR] [--compare DAYS] [same flags]

  --from      start of the period, inclusive (ISO date or date-time; default: 30 days before --to)
  --to        end of the period, exclusive (default: now)
  --window    days after a question in which a ticket or re-ask means it was not deflected
              (default: DEFLECTION_WINDOW_DAYS, else 7)
  --json      print JSON instead of tables
  --quiet     no progress on stderr
  --page-size rows read per query (default 1000)
  --automation what to automate next: ticket groups, their cost and coverage, and the shipped
              articles' and scripts' use, instead of the metrics
  --kb        the knowledge-base folder for --automation (default: KB_DIR, as the bot)
  --compare   days before and after a shipped item's first use to compare (default ${DEFAULT_COMPARE_DAYS})

The database is the bot's: DATABASE_URL (file:... or postgres://...), or DATA_DIR/helpdesk.db.`;

class UsageError extends Error {}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        window: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        'page-size': { type: 'string', default: '1000' },
        automation: { type: 'boolean', default: false },
        kb: { type: 'string' },
        compare: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  let defaultWindow: number;
  try {
    defaultWindow = windowDaysFromEnv(process.env);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const now = new Date();
  const parsed = parseReportQuery({ from: values.from, to: values.to, window: values.window }, now, defaultWindow);
  if (!parsed.ok) throw new UsageError(parsed.error.replace(/^(from|to|window):/, '--$1:'));
  const pageSize = Number(values['page-size']);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100_000)
    throw new UsageError(`--page-size: expected a whole number from 1 to 100000 (got "${values['page-size']}")`);

  if (!values.automation && (values.kb !== undefined || values.compare !== undefined))
    throw new UsageError('--kb and --compare go with --automation');
  const compare = parseCompareDays(values.compare, DEFAULT_COMPARE_DAYS);
  if (!compare.ok) throw new UsageError(`--${compare.error}`);

  const config = loadConfig(process.env);
  // Open the database as it is: a report must not create an empty database (or migrate one) on a typo.
  const store = await openStore(config.database, { create: false, migrate: false });
  try {
    const progress = values.quiet ? undefined : progressPrinter();
    if (values.automation) {
      const kbDir = path.resolve(values.kb ?? config.kbDir);
      const { catalog, problems } = await loadCatalog(kbDir, config.thresholdsWithoutEncoder);
      if (problems > 0)
        process.stderr.write(
          `${problems} knowledge-base file(s) in ${kbDir} do not load and are left out (npm run kb:lint says why)\n`,
        );
      const report = await automationReport(
        new PrismaAutomationSource(store.prisma, pageSize),
        catalog,
        { ...parsed.query, compareDays: compare.days },
        now,
        progress?.update,
      );
      progress?.done();
      process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderAutomationText(report));
      return 0;
    }
    const input = await new PrismaMetricsSource(store.prisma, pageSize).load(parsed.query, progress?.update);
    progress?.done();
    const report = computeMetrics(input, parsed.query, now);
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderText(report));
    return 0;
  } finally {
    await store.close();
  }
}

/** "loading tickets 2000/10000" on stderr: rewritten in place on a terminal, one line per page otherwise. */
function progressPrinter(): {
  update: (p: { stage: string; loaded: number; total: number }) => void;
  done: () => void;
} {
  const tty = process.stderr.isTTY === true;
  let pending = false;
  return {
    update(p) {
      const line = `loading ${p.stage} ${p.loaded}/${p.total}`;
      if (tty) {
        process.stderr.write(`\r\u001b[2K${line}`);
        pending = true;
      } else process.stderr.write(`${line}\n`);
    },
    done() {
      if (tty && pending) process.stderr.write('\r\u001b[2K');
    },
  };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`report: ${error.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`report failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
