import type { MetricsReport } from '../core/analytics/metrics.js';
import { decimal, minutes, percent, share } from './format.js';

/** Columns padded to their widest cell: the first (labels) left-aligned, the figures right-aligned. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i > 0 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
    .map((l) => `  ${l}`)
    .join('\n');
}

/** The report as plain text for a terminal. */
export function renderText(report: MetricsReport): string {
  const d = report.deflection;
  const out: string[] = [];
  out.push(
    `Support metrics for ${report.period.from} to ${report.period.to} (to excluded), window N = ${report.windowDays} days`,
  );
  out.push(`Generated ${report.generatedAt}`);

  out.push('', 'Deflection');
  out.push(
    table(
      ['Figure', 'Count'],
      [
        ['Questions in the period', String(d.questions)],
        ['  answered', String(d.byOutcome.answered)],
        ['  chosen suggestion', String(d.byOutcome.chosen)],
        ['  suggestions not chosen', String(d.byOutcome.suggested)],
        ['  no answer', String(d.byOutcome.no_answer)],
        ...(d.byOutcome.other ? [['  other outcome', String(d.byOutcome.other)]] : []),
        ['Answered by the bot', String(d.answeredByBot)],
        ['  voted not helpful', String(d.notHelpful)],
        [`  followed by a ticket within ${report.windowDays}d`, String(d.followedByTicket)],
        [`  followed by a re-ask within ${report.windowDays}d`, String(d.followedByReask)],
        ['  deflected', String(d.deflected)],
        ['Deflection rate', `${percent(d.rate)} (${share(d.deflected, d.questions)})`],
      ],
    ),
  );
  if (d.stillInWindow > 0)
    out.push(
      `  (${d.stillInWindow} deflected question(s) are less than ${report.windowDays} days old and may still be followed up)`,
    );

  out.push('', 'Helpful ratio per article');
  out.push(
    report.articles.length === 0
      ? '  no answers in the period'
      : table(
          ['Article', 'Answers', 'Helpful', 'Not helpful', 'Ratio'],
          report.articles.map((a) => [
            a.articleId,
            String(a.answers),
            String(a.helpful),
            String(a.notHelpful),
            percent(a.ratio),
          ]),
        ),
  );

  const t = report.tickets;
  out.push('', `Tickets opened: ${t.opened}`);
  const counts = (title: string, values: Record<string, number>) =>
    table(
      [title, 'Tickets'],
      Object.entries(values).map(([k, v]) => [k, String(v)]),
    );
  out.push(
    counts('Tier', t.byTier),
    '',
    counts('Priority', t.byPriority),
    '',
    Object.keys(t.byCategory).length ? counts('Category', t.byCategory) : '  no categories',
  );

  out.push('', 'Time from opening (over tickets that have the timestamp)');
  out.push(
    table(
      ['Measure', 'Tickets', 'Median', 'p90'],
      [
        [
          'First response',
          String(report.timeToFirstResponse.count),
          minutes(report.timeToFirstResponse.medianMinutes),
          minutes(report.timeToFirstResponse.p90Minutes),
        ],
        [
          'Resolution',
          String(report.timeToResolution.count),
          minutes(report.timeToResolution.medianMinutes),
          minutes(report.timeToResolution.p90Minutes),
        ],
      ],
    ),
  );

  out.push('', 'SLA compliance');
  out.push(
    table(
      ['Target', 'With due', 'Met', 'Breached', 'Pending', 'Compliance'],
      (['response', 'resolution'] as const).map((kind) => {
        const s = report.sla[kind];
        return [
          kind === 'response' ? 'First response' : 'Resolution',
          String(s.withDueTime),
          String(s.met),
          String(s.breached),
          String(s.pending),
          percent(s.rate),
        ];
      }),
    ),
  );

  out.push('', 'Escalation rate per tier');
  out.push(
    table(
      ['Tier', 'At tier', 'Escalated', 'Rate'],
      Object.entries(report.escalation).map(([tier, e]) => [
        tier,
        String(e.atTier),
        String(e.escalated),
        percent(e.rate),
      ]),
    ),
  );

  const s = report.satisfaction;
  out.push('', 'Satisfaction');
  out.push(
    table(
      ['Figure', 'Value'],
      [
        ['Resolved or closed tickets', String(s.eligible)],
        ['Rated', String(s.rated)],
        ['Response rate', percent(s.responseRate)],
        ['Average (1-5)', decimal(s.average)],
        ...Object.entries(s.distribution).map(([rating, n]) => [`  rated ${rating}`, String(n)]),
      ],
    ),
  );
  out.push('', 'Definitions');
  for (const [name, text] of Object.entries(report.definitions)) out.push(`  ${name}: ${text}`);
  return `${out.join('\n')}\n`;
}
