import type { MetricsReport } from '../core/analytics/metrics.js';
import { decimal, minutes, percent, share } from './format.js';

/** The Content-Security-Policy the page is served with: no scripts, no fetches, inline styles only. */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'";

/** Escapes text for HTML element content and quoted attribute values (also inside inline SVG). */
export function escapeHtml(value: unknown): string {
  return String(value).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

export interface Bar {
  label: string;
  value: number;
  /** What is written next to the bar, e.g. "66.7% (2/3)". */
  text: string;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** One sentence under the title: what is measured. */
  note?: string;
  bars: Bar[];
  /** The value of a full-width bar; defaults to the largest value. */
  max?: number;
  /** The same figures as a table, for screen readers, copying and browsers without SVG. */
  table: { headers: string[]; rows: string[][] };
}

const CHART_WIDTH = 640;
const LABEL_WIDTH = 190;
const BAR_AREA = 340;
const ROW = 26;
const BAR_HEIGHT = 18;
/** Most bars drawn in one chart; the table below always lists every row. */
const MAX_BARS = 25;

/** A horizontal bar chart as inline SVG, drawn here so the page needs no script, and its table fallback. */
export function barChart(spec: ChartSpec): string {
  const shown = spec.bars.slice(0, MAX_BARS);
  const max = spec.max ?? Math.max(0, ...shown.map((b) => b.value));
  const height = shown.length * ROW + 8;
  const titleId = `${spec.id}-title`;
  const rows = shown.map((bar, i) => {
    const y = 4 + i * ROW;
    const width = max > 0 ? round2((Math.max(0, Math.min(bar.value, max)) / max) * BAR_AREA) : 0;
    const label = bar.label.length > 28 ? `${bar.label.slice(0, 27)}…` : bar.label;
    return (
      `<g class="row">` +
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${y + BAR_HEIGHT / 2}" text-anchor="end" dominant-baseline="central">${escapeHtml(label)}</text>` +
      `<rect class="bar" x="${LABEL_WIDTH}" y="${y}" width="${width}" height="${BAR_HEIGHT}" rx="2" data-label="${escapeHtml(bar.label)}" data-value="${escapeHtml(bar.value)}"><title>${escapeHtml(`${bar.label}: ${bar.text}`)}</title></rect>` +
      `<text class="value" x="${LABEL_WIDTH + width + 6}" y="${y + BAR_HEIGHT / 2}" dominant-baseline="central">${escapeHtml(bar.text)}</text>` +
      `</g>`
    );
  });
  const svg =
    shown.length === 0
      ? '<p class="empty">No data in this period.</p>'
      : `<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" role="img" aria-labelledby="${titleId}">` +
        `<title id="${titleId}">${escapeHtml(spec.title)}</title>` +
        `<line class="axis" x1="${LABEL_WIDTH}" y1="0" x2="${LABEL_WIDTH}" y2="${height}"/>` +
        rows.join('') +
        `</svg>`;
  const more =
    spec.bars.length > shown.length
      ? `<p class="note">Chart shows the first ${shown.length} of ${spec.bars.length}; the table lists all.</p>`
      : '';
  return (
    `<figure class="figure" id="${escapeHtml(spec.id)}">` +
    `<figcaption><h3>${escapeHtml(spec.title)}</h3>${spec.note ? `<p class="note">${escapeHtml(spec.note)}</p>` : ''}</figcaption>` +
    svg +
    more +
    dataTable(spec.table.headers, spec.table.rows) +
    `</figure>`
  );
}

function dataTable(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  return (
    `<table class="data"><thead><tr>${headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows
      .map(
        (r) =>
          `<tr>${r.map((cell, i) => (i === 0 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`,
      )
      .join('') +
    `</tbody></table>`
  );
}

function countChart(
  id: string,
  title: string,
  note: string,
  label: string,
  counts: Record<string, number>,
  total: number,
): string {
  const entries = Object.entries(counts);
  return barChart({
    id,
    title,
    note,
    bars: entries.map(([k, v]) => ({ label: k, value: v, text: String(v) })),
    table: {
      headers: [label, 'Tickets', 'Share'],
      rows: entries.map(([k, v]) => [k, String(v), percent(total === 0 ? null : v / total)]),
    },
  });
}

/** The whole page. `jsonHref` links to the same report as JSON; `sections` (already escaped HTML) go after the figures, before the definitions. */
/** An ISO instant as "2026-03-01 00:00 UTC": the minute, never milliseconds (the attribute keeps the ISO form). */
function utcMinute(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export function renderHtml(report: MetricsReport, jsonHref: string, sections: string[] = []): string {
  const d = report.deflection;
  const notAnswered = d.questions - d.answeredByBot;
  const ofQuestions = (n: number) => percent(d.questions === 0 ? null : n / d.questions);
  const deflectionBars: Array<[string, number]> = [
    ['Deflected', d.deflected],
    ['Voted not helpful', d.notHelpful],
    [`Ticket within ${report.windowDays}d`, d.followedByTicket],
    [`Re-asked within ${report.windowDays}d`, d.followedByReask],
    ['Not answered by the bot', notAnswered],
  ];
  const t = report.tickets;
  const sla = report.sla;
  const s = report.satisfaction;
  const durationChart = (id: string, title: string, note: string, figure: MetricsReport['timeToFirstResponse']) =>
    barChart({
      id,
      title,
      note,
      bars:
        figure.count === 0
          ? []
          : [
              { label: 'Median', value: figure.medianMinutes ?? 0, text: minutes(figure.medianMinutes) },
              { label: '90th percentile', value: figure.p90Minutes ?? 0, text: minutes(figure.p90Minutes) },
            ],
      table: {
        headers: ['Measure', 'Minutes', 'Readable'],
        rows:
          figure.count === 0
            ? []
            : [
                ['Median', decimal(figure.medianMinutes), minutes(figure.medianMinutes)],
                ['90th percentile', decimal(figure.p90Minutes), minutes(figure.p90Minutes)],
                ['Tickets', String(figure.count), ''],
              ],
      },
    });

  const charts = [
    barChart({
      id: 'chart-deflection',
      title: 'Deflection',
      note: `${d.questions} questions in the period; what became of them.`,
      max: d.questions,
      bars: deflectionBars.map(([label, n]) => ({ label, value: n, text: `${n} (${ofQuestions(n)})` })),
      table: {
        headers: ['Outcome', 'Questions', 'Share of all'],
        rows: deflectionBars.map(([label, n]) => [label, String(n), ofQuestions(n)]),
      },
    }),
    barChart({
      id: 'chart-articles',
      title: 'Helpful ratio per article',
      note: 'Helpful votes / all votes on the answers given with each article.',
      max: 1,
      bars: report.articles.map((a) => ({
        label: a.articleId,
        value: a.ratio ?? 0,
        text: a.ratio === null ? 'no votes' : `${percent(a.ratio)} (${share(a.helpful, a.helpful + a.notHelpful)})`,
      })),
      table: {
        headers: ['Article', 'Answers', 'Helpful', 'Not helpful', 'Ratio'],
        rows: report.articles.map((a) => [
          a.articleId,
          String(a.answers),
          String(a.helpful),
          String(a.notHelpful),
          percent(a.ratio),
        ]),
      },
    }),
    countChart(
      'chart-tier',
      'Tickets by tier',
      'Tickets opened in the period, by their current tier.',
      'Tier',
      t.byTier,
      t.opened,
    ),
    countChart(
      'chart-priority',
      'Tickets by priority',
      'Tickets opened in the period.',
      'Priority',
      t.byPriority,
      t.opened,
    ),
    countChart(
      'chart-category',
      'Tickets by category',
      'Tickets opened in the period.',
      'Category',
      t.byCategory,
      t.opened,
    ),
    durationChart(
      'chart-first-response',
      'Time to first response',
      `${report.timeToFirstResponse.count} tickets with a first response.`,
      report.timeToFirstResponse,
    ),
    durationChart(
      'chart-resolution',
      'Time to resolution',
      `${report.timeToResolution.count} resolved tickets.`,
      report.timeToResolution,
    ),
    barChart({
      id: 'chart-sla',
      title: 'SLA compliance',
      note: 'Met / (met + breached); open tickets past due count as breached.',
      max: 1,
      bars: (['response', 'resolution'] as const).map((kind) => ({
        label: kind === 'response' ? 'First response' : 'Resolution',
        value: sla[kind].rate ?? 0,
        text: `${percent(sla[kind].rate)} (${share(sla[kind].met, sla[kind].met + sla[kind].breached)})`,
      })),
      table: {
        headers: ['Target', 'With due time', 'Met', 'Breached', 'Pending', 'Compliance'],
        rows: (['response', 'resolution'] as const).map((kind) => [
          kind === 'response' ? 'First response' : 'Resolution',
          String(sla[kind].withDueTime),
          String(sla[kind].met),
          String(sla[kind].breached),
          String(sla[kind].pending),
          percent(sla[kind].rate),
        ]),
      },
    }),
    barChart({
      id: 'chart-escalation',
      title: 'Escalation rate per tier',
      note: 'Tickets escalated out of a tier / tickets that were at it.',
      max: 1,
      bars: Object.entries(report.escalation).map(([tier, e]) => ({
        label: tier,
        value: e.rate ?? 0,
        text: e.rate === null ? 'no tickets' : `${percent(e.rate)} (${share(e.escalated, e.atTier)})`,
      })),
      table: {
        headers: ['Tier', 'Tickets at tier', 'Escalated out', 'Rate'],
        rows: Object.entries(report.escalation).map(([tier, e]) => [
          tier,
          String(e.atTier),
          String(e.escalated),
          percent(e.rate),
        ]),
      },
    }),
    barChart({
      id: 'chart-satisfaction',
      title: 'Satisfaction',
      note: `Average ${decimal(s.average)} from ${s.rated} rating(s); ${percent(s.responseRate)} of ${s.eligible} resolved or closed tickets were rated.`,
      bars:
        s.rated === 0
          ? []
          : Object.entries(s.distribution).map(([rating, n]) => ({
              label: `${rating} of 5`,
              value: n,
              text: String(n),
            })),
      table: {
        headers: ['Rating', 'Tickets'],
        rows: [
          ...Object.entries(s.distribution).map(([rating, n]) => [`${rating} of 5`, String(n)]),
          ['Average', decimal(s.average)],
          ['Response rate', percent(s.responseRate)],
        ],
      },
    }),
  ];

  const summary: Array<[string, string, string]> = [
    ['deflection-rate', 'Deflection rate', percent(d.rate)],
    ['tickets-opened', 'Tickets opened', String(t.opened)],
    ['first-response-median', 'Median first response', minutes(report.timeToFirstResponse.medianMinutes)],
    ['sla-response', 'SLA response', percent(sla.response.rate)],
    ['sla-resolution', 'SLA resolution', percent(sla.resolution.rate)],
    ['satisfaction-average', 'Satisfaction', s.average === null ? 'n/a' : `${decimal(s.average)} / 5`],
  ];

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Support metrics ${escapeHtml(report.period.from.slice(0, 10))} to ${escapeHtml(report.period.to.slice(0, 10))}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:980px;padding:1.5rem;color:#1d2433;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{margin-top:2rem;border-bottom:1px solid #d8dde6;padding-bottom:.25rem}h3{margin:0;font-size:1.05rem}
.meta,.note{color:#5b6578;margin:.2rem 0}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(140px,1fr));gap:.75rem;margin:1rem 0}
.summary div{border:1px solid #d8dde6;border-radius:6px;padding:.6rem .8rem}.summary dt{color:#5b6578;font-size:.85rem}.summary dd{margin:0;font-size:1.4rem;font-weight:600}
.figure{margin:1.5rem 0;padding:0;overflow-x:auto}
svg.chart{display:block;max-width:100%;height:auto;margin:.5rem 0}
svg.chart .bar{fill:#3b6fd8}svg.chart .label{fill:#1d2433;font-size:13px}svg.chart .value{fill:#1d2433;font-size:12px}svg.chart .axis{stroke:#9aa3b2;stroke-width:1}
table.data{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}table.data th,table.data td{border:1px solid #d8dde6;padding:.2rem .6rem;text-align:right}table.data th[scope=row],table.data th[scope=col]:first-child{text-align:left}
table.data thead th{background:#f3f5f9}
dl.definitions dt{font-weight:600;margin-top:.6rem}dl.definitions dd{margin-left:1rem}
.empty{color:#5b6578;font-style:italic}
.scroll{overflow-x:auto;max-width:100%}table.data caption{text-align:left;font-weight:600;padding:.2rem 0}
</style>
</head>
<body>
<header>
<h1>Support metrics</h1>
<p class="meta">Period <time datetime="${escapeHtml(report.period.from)}">${escapeHtml(utcMinute(report.period.from))}</time> to <time datetime="${escapeHtml(report.period.to)}">${escapeHtml(utcMinute(report.period.to))}</time> (to excluded), window N = ${escapeHtml(report.windowDays)} days. Generated ${escapeHtml(utcMinute(report.generatedAt))}. <a href="${escapeHtml(jsonHref)}">JSON</a></p>
<p class="note" id="superseded">Support leads: the lead report in the web view (<a href="/web/reports">/web/reports</a>; ask the bot for a sign-in link: /helpdesk web in Slack, web in Teams) supersedes this page, with weekly trends, the period before, per engineer and channel figures, the backlog and what is breaching, in your time zone. This page and its JSON stay for scripts, with REPORTS_TOKEN in the Authorization header.</p>
${d.stillInWindow > 0 ? `<p class="note">${escapeHtml(d.stillInWindow)} deflected question(s) are less than ${escapeHtml(report.windowDays)} days old and may still be followed by a ticket or a re-ask.</p>` : ''}
</header>
<main>
<dl class="summary">${summary.map(([id, label, value]) => `<div id="summary-${id}"><dt>${escapeHtml(label)}</dt><dd>${escapeHtml(value)}</dd></div>`).join('')}</dl>
<h2>Questions</h2>
${charts.slice(0, 2).join('\n')}
<h2>Tickets</h2>
${charts.slice(2, 5).join('\n')}
<h2>Response and resolution</h2>
${charts.slice(5, 8).join('\n')}
<h2>Escalation and satisfaction</h2>
${charts.slice(8).join('\n')}
${sections.join('\n')}
<h2>Definitions</h2>
<dl class="definitions">${Object.entries(report.definitions)
    .map(([name, text]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(text)}</dd>`)
    .join('')}</dl>
</main>
</body>
</html>
`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
