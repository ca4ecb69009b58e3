import type { GroupRow, LeadReport, TrendPoint } from '../core/analytics/lead-report.js';
import { BREACHING_LISTED, LEAD_REPORT_WEEKS } from '../core/analytics/lead-report.js';
import type { WebPerson } from '../core/web/web-access.js';
import { escapeHtml as h } from '../reports/render-html.js';
import { decimal, minutes, percent } from '../reports/format.js';
import { layout } from './web-pages.js';
import { ReaderDates, timeZoneChoices, type ReaderZone } from './reader-zone.js';

/**
 * The lead's report page: no script (the view's CSP forbids it). A table with many columns turns
 * into labelled cards whenever its box is narrow (a container query: a phone, or a grid cell). Weekly charts are inline SVG drawn
 * on a 320-unit-wide canvas with 12-unit text, so a phone shows them near 1:1 (text stays 11 px or
 * more at 390 px wide); titles, legends and comparisons are HTML text. Each chart's numbers are behind
 * a <details> "Show numbers", which opens without script.
 */

const REPORT_STYLE = `
.lead h2{margin-top:1.6rem}.lead .lede{margin:.2rem 0 1rem}.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1rem}
.chart-card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding:.7rem .8rem;min-width:0}.chart-card h3{font-size:1rem;margin:0 0 .2rem}
.headline{margin:.1rem 0 .4rem;font-size:.9rem}.headline b{font-size:1.25rem;margin-right:.3rem}.up{color:#067647}.down{color:#b42318}
.legend{display:flex;flex-wrap:wrap;gap:.2rem .9rem;font-size:.8rem;color:#57606a;margin:.2rem 0}.swatch{display:inline-block;width:.8rem;height:.55rem;margin-right:.3rem;vertical-align:middle;border-radius:2px}
.swatch.now{background:#1f6feb}.swatch.before{background:#8c959f;height:.2rem}
svg.trend{display:block;width:100%;height:auto;max-width:560px}svg.trend text{font:12px system-ui,sans-serif;fill:#57606a}
svg.trend .bar{fill:#1f6feb}svg.trend .grid{stroke:#e5e8eb}svg.trend .prev{fill:none;stroke:#57606a;stroke-width:1.5;stroke-dasharray:4 3}svg.trend .prev-dot{fill:#57606a}
details{margin-top:.4rem}summary{cursor:pointer;color:#1f6feb;font-size:.9rem}details table{margin-top:.4rem;font-size:.85rem}
.hbars{display:grid;gap:.45rem}.hbar{display:grid;grid-template-columns:minmax(5rem,9rem) 1fr;gap:.1rem .6rem;align-items:center;font-size:.9rem}
.hbar .name{overflow-wrap:anywhere}.track{position:relative;height:1.1rem}.fill{display:block;height:.7rem;background:#1f6feb;border-radius:2px;min-width:1px}
.prevbar{display:block;height:.25rem;background:#8c959f;border-radius:2px;margin-top:.1rem;min-width:1px}.hbar .val{grid-column:2;font-size:.8rem;color:#57606a}
.reader{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin:.4rem 0 .8rem}.reader label{display:flex;flex-direction:column;font-size:.8rem}
.reader select{max-width:16rem}.chart-card,#breaching{container-type:inline-size}
@media (max-width:700px){main{padding:.5rem}.chart-card{padding:.6rem}.charts{grid-template-columns:1fr}
#definitions dl{display:block}#definitions dt{margin-top:.5rem}}
@container (max-width:640px){.table-cards thead{display:none}.table-cards tr{display:block;border-bottom:2px solid #dde1e6;padding:.3rem 0}
.table-cards td,.table-cards th{display:block;border:0;padding:.1rem .5rem}.table-cards td::before{content:attr(data-label) ": ";font-weight:600}}
`;

export interface ReportPageInput {
  person: WebPerson;
  csrf: string;
  report: LeadReport;
  /** The reader's zone (the report's weeks are computed in it), why it is that one, and a notice when ?tz= was unknown. */
  zone: ReaderZone;
}

interface TrendSpec {
  id: string;
  title: string;
  value: (p: TrendPoint) => number | null;
  text: (v: number | null) => string;
  /** Which way is better (for the colour of the change). */
  better: 'up' | 'down';
  /** Fixed top of the scale (rates: 1, ratings: 5). */
  max?: number;
  /** How the whole period's figure compares: rates and medians by points or percent. */
  change: 'percent' | 'points' | 'value';
  /** A short axis label (durations: 45m, 2h, 3d), where `text` is longer. */
  axis?: (v: number) => string;
}

/** 45 → "45m", 120 → "2h", 90 → "1.5h", 4320 → "3d". */
function shortDuration(value: number): string {
  if (value < 60) return `${Math.round(value)}m`;
  if (value < 2880) return `${Math.round((value / 60) * 10) / 10}h`;
  return `${Math.round((value / 1440) * 10) / 10}d`;
}

const TRENDS: TrendSpec[] = [
  {
    id: 'trend-tickets',
    title: 'Tickets opened',
    value: (p) => p.tickets,
    text: (v) => (v === null ? 'n/a' : String(v)),
    better: 'down',
    change: 'percent',
  },
  {
    id: 'trend-deflection',
    title: 'Deflection rate',
    value: (p) => p.deflectionRate,
    text: percent,
    better: 'up',
    max: 1,
    change: 'points',
  },
  {
    id: 'trend-first-response',
    title: 'Median time to first response',
    value: (p) => p.firstResponseMedianMinutes,
    text: minutes,
    axis: shortDuration,
    better: 'down',
    change: 'percent',
  },
  {
    id: 'trend-resolution',
    title: 'Median time to resolution',
    value: (p) => p.resolutionMedianMinutes,
    text: minutes,
    axis: shortDuration,
    better: 'down',
    change: 'percent',
  },
  {
    id: 'trend-sla-response',
    title: 'First response within SLA',
    value: (p) => p.slaResponseRate,
    text: percent,
    better: 'up',
    max: 1,
    change: 'points',
  },
  {
    id: 'trend-sla-resolution',
    title: 'Resolution within SLA',
    value: (p) => p.slaResolutionRate,
    text: percent,
    better: 'up',
    max: 1,
    change: 'points',
  },
  {
    id: 'trend-satisfaction',
    title: 'Satisfaction (average rating, 1–5)',
    value: (p) => p.satisfactionAverage,
    text: (v) => decimal(v, 2),
    axis: (v) => String(Math.round(v * 10) / 10),
    better: 'up',
    max: 5,
    change: 'value',
  },
];

/** "+12%" / "−3.0 pts" / "+0.40" with the class saying better or worse; '' when either side is missing. */
function changeText(spec: TrendSpec, now: number | null, before: number | null): string {
  if (now === null || before === null) return '';
  let text: string;
  if (spec.change === 'points') text = `${signed((now - before) * 100, 1)} pts`;
  else if (spec.change === 'value') text = signed(now - before, 2);
  else if (before === 0) return now === 0 ? '<span>no change</span>' : '';
  else text = `${signed(((now - before) / before) * 100, 0)}%`;
  if (now === before) return '<span>no change</span>';
  const good = now > before === (spec.better === 'up');
  return `<span class="${good ? 'up' : 'down'}">${h(text)}</span>`;
}

function signed(value: number, digits: number): string {
  const fixed = Math.abs(value).toFixed(digits);
  return `${value < 0 ? '−' : '+'}${fixed}`;
}

/** The top of a duration scale over 50 minutes: whole hours whose half is a round figure too, then days. */
function durationMax(minutesTop: number): number {
  for (const hours of [1, 2, 4, 6, 8, 12, 24, 48]) if (hours * 60 >= minutesTop) return hours * 60;
  return niceMax(minutesTop / 1440) * 1440;
}

/** A step that makes a readable scale: 1, 2 or 5 times a power of ten, at or above max/2 ticks. */
function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Breaching tickets listed before "Show the other N". */
export const BREACHING_SHOWN = 8;

const W = 320;
const H = 150;
const LEFT = 44;
const RIGHT = 6;
const TOP = 10;
const BOTTOM = 22;

/** One weekly chart: bars for the period's weeks, a dashed line for the same weeks of the period before. */
function trendChart(spec: TrendSpec, report: LeadReport, dates: ReaderDates): string {
  const now = report.trend.current.map(spec.value);
  const before = report.trend.previous.map(spec.value);
  const known = [...now, ...before].filter((v): v is number => v !== null);
  const top = Math.max(0, ...known);
  // Durations over an hour get a scale in whole hours (or days), so the axis reads 2h, 4h, 8h.
  const max = spec.max ?? (spec.axis && top > 50 ? durationMax(top) : niceMax(top));
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const slot = plotW / now.length;
  const y = (v: number) => TOP + plotH - (Math.min(v, max) / max) * plotH;
  const fmt = (v: number) => (spec.max === 1 ? `${Math.round(v * 100)}%` : (spec.axis ?? spec.text)(v));
  const grid = [0, max / 2, max]
    .map(
      (v) =>
        `<line class="grid" x1="${LEFT}" x2="${W - RIGHT}" y1="${r(y(v))}" y2="${r(y(v))}"/><text x="${LEFT - 4}" y="${r(y(v) + 4)}" text-anchor="end">${h(fmt(v))}</text>`,
    )
    .join('');
  const bars = now
    .map((v, i) =>
      v === null || v <= 0
        ? ''
        : `<rect class="bar" x="${r(LEFT + i * slot + slot * 0.18)}" y="${r(y(v))}" width="${r(slot * 0.64)}" height="${r(TOP + plotH - y(v))}"><title>${h(`${dates.shortDay(report.trend.current[i]!.start)}: ${spec.text(v)}`)}</title></rect>`,
    )
    .join('');
  const points = before.map((v, i) => (v === null ? null : ([r(LEFT + (i + 0.5) * slot), r(y(v))] as const)));
  // The line breaks at a week without a value rather than bridging it.
  const segments: string[][] = [[]];
  for (const p of points) {
    if (p) segments.at(-1)!.push(`${p[0]},${p[1]}`);
    else if (segments.at(-1)!.length) segments.push([]);
  }
  const line = segments
    .filter((s) => s.length > 1)
    .map((s) => `<polyline class="prev" points="${s.join(' ')}"/>`)
    .join('');
  const dots = points.map((p) => (p ? `<circle class="prev-dot" cx="${p[0]}" cy="${p[1]}" r="2"/>` : '')).join('');
  // Week labels at least 50 units apart (about four characters of 12-unit text, with room).
  const every = Math.max(1, Math.ceil(50 / slot));
  const labels = report.trend.current
    .map((week, i) =>
      (now.length - 1 - i) % every === 0
        ? `<text x="${r(LEFT + (i + 0.5) * slot)}" y="${H - 6}" text-anchor="middle">${h(dates.shortDay(week.start))}</text>`
        : '',
    )
    .join('');
  const total = spec.value(report.totals.current);
  const totalBefore = spec.value(report.totals.previous);
  const rows = report.trend.current.map((week, i) => [
    `${dates.shortDay(week.start)} – ${dates.lastDay(week.end)}`,
    spec.text(now[i] ?? null),
    `${dates.shortDay(report.trend.previous[i]!.start)}: ${spec.text(before[i] ?? null)}`,
  ]);
  const label = `${spec.title}, week by week: ${report.trend.current.map((w, i) => `${dates.shortDay(w.start)} ${spec.text(now[i] ?? null)}`).join(', ')}`;
  return (
    `<section class="chart-card" id="${spec.id}"><h3>${h(spec.title)}</h3>` +
    `<p class="headline"><b>${h(spec.text(total))}</b> ${changeText(spec, total, totalBefore)} <span class="muted">${h(spec.text(totalBefore))} in the ${report.weeks} weeks before</span></p>` +
    `<div class="legend"><span><i class="swatch now"></i>each week</span><span><i class="swatch before"></i>same week, period before</span></div>` +
    `<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 ${W} ${H}" role="img" aria-label="${h(label)}">${grid}${bars}${line}${dots}${labels}</svg>` +
    numbers(['Week', 'This period', 'Period before'], rows) +
    `</section>`
  );
}

function r(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A table behind "Show numbers". */
function numbers(headers: string[], rows: string[][]): string {
  return `<details><summary>Show numbers</summary>${table(headers, rows, false)}</details>`;
}

/** A table; `cards` turns each row into a labelled card on a phone (no sideways scroll). */
function table(headers: string[], rows: string[][], cards = true): string {
  if (rows.length === 0) return '<p class="empty">Nothing in this period.</p>';
  return (
    `<table class="data${cards ? ' table-cards' : ''}"><thead><tr>${headers.map((x) => `<th scope="col">${h(x)}</th>`).join('')}</tr></thead><tbody>` +
    rows
      .map(
        (row) =>
          `<tr>${row.map((cell, i) => (i === 0 ? `<th scope="row">${h(cell)}</th>` : `<td data-label="${h(headers[i]!)}">${h(cell)}</td>`)).join('')}</tr>`,
      )
      .join('') +
    '</tbody></table>'
  );
}

/** Horizontal bars (HTML, so the text is the page's own size): this period, and a thin bar for the one before. */
function hbars(id: string, items: Array<{ label: string; now: number; before?: number; text: string }>): string {
  if (items.length === 0) return '<p class="empty">Nothing in this period.</p>';
  const max = Math.max(1, ...items.flatMap((i) => [i.now, i.before ?? 0]));
  const pct = (v: number) => `${Math.round((v / max) * 1000) / 10}%`;
  return (
    `<div class="hbars" id="${id}">` +
    items
      .map(
        (i) =>
          `<div class="hbar"><span class="name">${h(i.label)}</span><span class="track"><span class="fill" style="width:${pct(i.now)}"></span>` +
          `${i.before === undefined ? '' : `<span class="prevbar" style="width:${pct(i.before)}"></span>`}</span><span class="val">${h(i.text)}</span></div>`,
      )
      .join('') +
    '</div>'
  );
}

function groupRows(rows: GroupRow[], withQuestions = false): string[][] {
  return rows.map((g) => [
    g.label,
    String(g.tickets),
    String(g.previousTickets),
    String(g.resolved),
    minutes(g.firstResponseMedianMinutes),
    minutes(g.resolutionMedianMinutes),
    percent(g.slaResponseRate),
    percent(g.slaResolutionRate),
    g.rated ? `${decimal(g.satisfactionAverage, 2)} (${g.rated})` : 'n/a',
    ...(withQuestions ? [String(g.questions ?? 0), percent(g.deflectionRate ?? null)] : []),
  ]);
}

const GROUP_HEADERS = [
  'Tickets',
  'Before',
  'Resolved',
  'Median first response',
  'Median resolution',
  'Response in SLA',
  'Resolution in SLA',
  'Rating (rated)',
];

function groupSection(
  id: string,
  title: string,
  note: string,
  first: string,
  rows: GroupRow[],
  questions = false,
  people = false,
) {
  const items = rows.map((g) => ({
    label: g.label,
    now: g.tickets,
    before: g.previousTickets,
    text: people
      ? `${g.tickets} claimed · ${g.resolved} resolved · ${g.previousTickets} claimed before`
      : `${g.tickets} tickets · ${g.previousTickets} before${questions && g.questions ? ` · ${g.questions} questions, ${percent(g.deflectionRate ?? null)} deflected` : ''}`,
  }));
  const headers = people ? ['Claimed', 'Claimed before', ...GROUP_HEADERS.slice(2)] : GROUP_HEADERS;
  return (
    `<section class="chart-card" id="${id}"><h3>${h(title)}</h3><p class="muted">${h(note)}</p>` +
    `<div class="legend"><span><i class="swatch now"></i>this period</span><span><i class="swatch before"></i>period before</span></div>` +
    hbars(`${id}-bars`, items) +
    `<details><summary>Show numbers</summary>${table([first, ...headers, ...(questions ? ['Questions', 'Deflected'] : [])], groupRows(rows, questions))}</details>` +
    '</section>'
  );
}

/** The whole page. */
export function reportPage(input: ReportPageInput): string {
  const { report } = input;
  const dates = new ReaderDates(report.timeZone);
  const zones = timeZoneChoices();
  const zoneOptions = zones
    .map(
      (z) => `<option value="${h(z)}"${z === report.timeZone ? ' selected' : ''}>${h(z.replaceAll('_', ' '))}</option>`,
    )
    .join('');
  const weekOptions = LEAD_REPORT_WEEKS.map(
    (w) => `<option value="${w}"${w === report.weeks ? ' selected' : ''}>${w} weeks</option>`,
  ).join('');
  const why =
    input.zone.from === 'default'
      ? 'Times are in UTC: the page runs no script, so it cannot read your browser’s zone. Choose yours; it is remembered in this browser.'
      : input.zone.from === 'cookie'
        ? 'Your time zone, as you chose it in this browser.'
        : input.zone.from === 'chat'
          ? 'Your time zone from chat, given when you asked for the sign-in link. Choose another; it is remembered in this browser.'
          : 'Your time zone is remembered in this browser.';
  const reader =
    `<form class="reader" method="get" action="/web/reports"><label>Time zone<select name="tz" id="tz">${zoneOptions}</select></label>` +
    `<label>Weeks<select name="weeks">${weekOptions}</select></label><button type="submit">Show</button></form><p class="muted" id="zone-why">${h(why)}</p>`;
  const lede =
    `<p class="lede" id="period">The ${report.weeks} weeks from <b>${h(dates.shortDay(report.period.from))}</b> to <b>${h(dates.lastDay(report.period.to))}</b> ` +
    `(Monday to Sunday in ${h(report.timeZone)}), beside the ${report.weeks} weeks before (${h(dates.shortDay(report.previousPeriod.from))} – ${h(dates.lastDay(report.previousPeriod.to))}). ` +
    `This week so far is not in the trends. Figures as of ${h(dates.dateTime(report.generatedAt))}.</p>`;

  const { breaching, backlog } = report;
  const breachRows = breaching.tickets
    .slice(0, BREACHING_LISTED)
    .map(
      (t) =>
        `<tr><th scope="row"><a href="/web/tickets/${encodeURIComponent(t.key)}">${h(t.key)}</a></th><td data-label="Subject">${h(t.subject)}</td>` +
        `<td data-label="State" class="${t.state === 'breached' ? 'breached' : 'soon'}">${h(t.state === 'breached' ? `${t.kind} late by ${minutes(t.lateMinutes)}` : `${t.kind} due in ${minutes(-t.lateMinutes)}`)}</td>` +
        `<td data-label="Due">${h(dates.dateTime(t.dueAt))}</td><td data-label="Priority">${h(t.priority)}</td><td data-label="Tier">${h(t.tier)}</td>` +
        `<td data-label="Status">${h(t.status)}</td><td data-label="Assignee">${h(t.assignee ?? 'nobody')}</td></tr>`,
    );
  // The list holds the most late (at most BREACHING_LISTED); the counts are of every one.
  const rest = breaching.breached + breaching.soon - breachRows.length;
  const breachTable = (rows: string[]) =>
    `<table class="data table-cards"><thead><tr><th scope="col">Ticket</th><th scope="col">Subject</th><th scope="col">State</th><th scope="col">Due</th><th scope="col">Priority</th><th scope="col">Tier</th><th scope="col">Status</th><th scope="col">Assignee</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  // The most late first; past the first few the list would push the trends off a phone's screen.
  const breachingHtml =
    `<section class="card" id="breaching"><h2>Breaching now</h2><p class="headline"><b class="breached">${breaching.breached}</b> past due · <b class="soon">${breaching.soon}</b> due soon</p>` +
    (breachRows.length
      ? breachTable(breachRows.slice(0, BREACHING_SHOWN)) +
        (breachRows.length > BREACHING_SHOWN
          ? `<details id="breaching-more"><summary>Show the other ${breachRows.length - BREACHING_SHOWN}</summary>${breachTable(breachRows.slice(BREACHING_SHOWN))}</details>`
          : '') +
        (rest > 0
          ? `<p class="muted" id="breaching-rest">${rest.toLocaleString('en')} more, less late: <a href="/web?breaching=1">the queue, breaching</a> lists them all.</p>`
          : '')
      : '<p class="empty">Nothing is past due or about to be.</p>') +
    '</section>';

  const backlogHtml =
    `<section class="chart-card" id="backlog"><h3>Open backlog by age</h3><p class="headline"><b>${backlog.open}</b> open${backlog.oldestCreatedAt ? ` <span class="muted">the oldest opened ${h(dates.dateTime(backlog.oldestCreatedAt))}</span>` : ''}</p>` +
    hbars(
      'backlog-bars',
      backlog.buckets.map((b) => ({
        label: b.label,
        now: b.count,
        text: `${b.count} open${b.byPriority.P1 || b.byPriority.P2 ? ` · ${b.byPriority.P1 ?? 0} P1, ${b.byPriority.P2 ?? 0} P2` : ''}`,
      })),
    ) +
    numbers(
      ['Age', 'Open', 'P1', 'P2', 'P3', 'P4'],
      backlog.buckets.map((b) => [
        b.label,
        String(b.count),
        ...['P1', 'P2', 'P3', 'P4'].map((p) => String(b.byPriority[p] ?? 0)),
      ]),
    ) +
    '</section>';

  const engineers = groupSection(
    'engineers',
    'Per engineer',
    `By the tickets’ history, not who has them now: the period’s tickets each engineer claimed or was assigned, and those they resolved (times and rating over those they took first and resolved); ${report.unassigned} taken by nobody.`,
    'Engineer',
    report.engineers,
    false,
    true,
  );
  const channels = groupSection(
    'channels',
    'Per channel',
    'Tickets from each chat (alerts: opened by monitoring), and the questions asked there.',
    'Channel',
    report.channels,
    true,
  );
  const tiers = groupSection('tiers', 'Per tier', 'By the tier the ticket is at now.', 'Tier', report.tiers);
  const categories = groupSection(
    'categories',
    'Per category',
    'By the ticket’s category now.',
    'Category',
    report.categories,
  );
  const definitions = `<section class="card" id="definitions"><h2>What the figures mean</h2><dl>${Object.entries(
    report.definitions,
  )
    .map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`)
    .join(
      '',
    )}</dl><p class="muted">Each figure keeps the definitions of the metrics report (deflection window: ${report.windowDays} days).</p></section>`;

  const body =
    `<div class="lead"><h1>Reports</h1>${reader}${lede}${breachingHtml}` +
    `<h2 id="trends">Trends, week by week</h2><div class="charts">${TRENDS.map((spec) => trendChart(spec, report, dates)).join('')}</div>` +
    `<h2>Now</h2><div class="charts">${backlogHtml}</div>` +
    `<h2>Who and where</h2><div class="charts">${engineers}${channels}${tiers}${categories}</div>${definitions}</div>`;
  return layout('Reports', body, input, REPORT_STYLE);
}
