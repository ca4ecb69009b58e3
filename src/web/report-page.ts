import type { GroupRow, LeadReport, TrendPoint } from '../core/analytics/lead-report.js';
import { BACKLOG_AGES, BREACHING_LISTED, LEAD_REPORT_WEEKS } from '../core/analytics/lead-report.js';
import { statusText, type MessageKey } from '../core/messages/catalogue.js';
import type { WebPerson } from '../core/web/web-access.js';
import { escapeHtml as h } from '../reports/render-html.js';
import { layout, sayHtml, textsOf } from './web-pages.js';
import type { PageTexts, ReaderLanguage } from './reader-language.js';
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
  /** The reader's zone (the report's weeks are computed in it), why it is that one, and the ?tz= it did not know. */
  zone: ReaderZone;
  /** The reader's language. */
  lang: ReaderLanguage;
  /** This page's path and query (where the language links go). */
  here?: string;
}

/**
 * How durations' units are written, by page language: English's narrow "2d 2h 30m", as it always
 * was; the others' short units, each language's usual abbreviations with a space after the number
 * ("2 Tg. 2 Std. 30 Min.", "2 j 2 h 30 min", "2 d 2 h 30 min"). Their narrow ones mix styles ("2 T
 * 2h 30 Min." in German; "2j 2h 30min" in French, which sets a space before a unit). The space
 * between a number and its unit is always a no-break space (Intl gives German and Spanish an
 * ordinary one, French a narrow one before j and h and a full one before min).
 */
const DURATION_UNITS: Readonly<Record<string, 'narrow' | 'short'>> = { en: 'narrow' };

/** The report's figures in the reader's locale: "50.0%" / "50,0 %", "2h 30m" / "2 Std. 30 Min.", "n/a" / "k. A.". */
export class Figures {
  private readonly percentFormat: Intl.NumberFormat;
  constructor(private readonly t: PageTexts) {
    this.percentFormat = new Intl.NumberFormat(t.locale, {
      style: 'percent',
      minimumFractionDigits: 1,
      maximumFractionDigits: 1,
    });
  }
  get na(): string {
    return this.t.say('page.report.na');
  }
  count(value: number | null): string {
    return value === null ? this.na : value.toLocaleString(this.t.locale);
  }
  percent(rate: number | null): string {
    return rate === null ? this.na : this.percentFormat.format(rate);
  }
  decimal(value: number | null, digits = 2): string {
    return value === null
      ? this.na
      : new Intl.NumberFormat(this.t.locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(
          value,
        );
  }
  private unit(value: number, unit: 'minute' | 'hour' | 'day', digits = 0): string {
    return new Intl.NumberFormat(this.t.locale, {
      style: 'unit',
      unit,
      unitDisplay: DURATION_UNITS[this.t.language] ?? 'short',
      maximumFractionDigits: digits,
    })
      .format(value)
      .replace(/[ \u202f]/g, '\u00a0');
  }
  /** 95 → "1h 35m", 3324 → "2d 7h 24m", 45.5 → "45.5m" (each unit as the language abbreviates it). */
  minutes(value: number | null): string {
    if (value === null) return this.na;
    if (value < 60) return this.unit(value, 'minute', 1);
    const total = Math.round(value);
    const days = Math.floor(total / (24 * 60));
    const hours = Math.floor((total % (24 * 60)) / 60);
    const mins = total % 60;
    return (
      [days ? this.unit(days, 'day') : '', hours ? this.unit(hours, 'hour') : '', mins ? this.unit(mins, 'minute') : '']
        .filter(Boolean)
        .join(' ') || this.unit(0, 'minute')
    );
  }
  /** 45 → "45m", 120 → "2h", 90 → "1.5h", 4320 → "3d": an axis label. */
  shortDuration(value: number): string {
    if (value < 60) return this.unit(Math.round(value), 'minute');
    if (value < 2880) return this.unit(Math.round((value / 60) * 10) / 10, 'hour', 1);
    return this.unit(Math.round((value / 1440) * 10) / 10, 'day', 1);
  }
  /** "+12" / "−3.0" with a true minus sign. */
  signed(value: number, digits: number): string {
    const fixed = new Intl.NumberFormat(this.t.locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(Math.abs(value));
    return `${value < 0 ? '−' : '+'}${fixed}`;
  }
}

interface TrendSpec {
  id: string;
  title: MessageKey;
  value: (p: TrendPoint) => number | null;
  text: (f: Figures, v: number | null) => string;
  /** Which way is better (for the colour of the change). */
  better: 'up' | 'down';
  /** Fixed top of the scale (rates: 1, ratings: 5). */
  max?: number;
  /** How the whole period's figure compares: rates and medians by points or percent. */
  change: 'percent' | 'points' | 'value';
  /** A short axis label (durations: 45m, 2h, 3d), where `text` is longer. */
  axis?: (f: Figures, v: number) => string;
}

const TRENDS: TrendSpec[] = [
  {
    id: 'trend-tickets',
    title: 'page.report.trend.tickets',
    value: (p) => p.tickets,
    text: (f, v) => f.count(v),
    better: 'down',
    change: 'percent',
  },
  {
    id: 'trend-deflection',
    title: 'page.report.trend.deflection',
    value: (p) => p.deflectionRate,
    text: (f, v) => f.percent(v),
    better: 'up',
    max: 1,
    change: 'points',
  },
  {
    id: 'trend-first-response',
    title: 'page.report.trend.firstResponse',
    value: (p) => p.firstResponseMedianMinutes,
    text: (f, v) => f.minutes(v),
    axis: (f, v) => f.shortDuration(v),
    better: 'down',
    change: 'percent',
  },
  {
    id: 'trend-resolution',
    title: 'page.report.trend.resolution',
    value: (p) => p.resolutionMedianMinutes,
    text: (f, v) => f.minutes(v),
    axis: (f, v) => f.shortDuration(v),
    better: 'down',
    change: 'percent',
  },
  {
    id: 'trend-sla-response',
    title: 'page.report.trend.slaResponse',
    value: (p) => p.slaResponseRate,
    text: (f, v) => f.percent(v),
    better: 'up',
    max: 1,
    change: 'points',
  },
  {
    id: 'trend-sla-resolution',
    title: 'page.report.trend.slaResolution',
    value: (p) => p.slaResolutionRate,
    text: (f, v) => f.percent(v),
    better: 'up',
    max: 1,
    change: 'points',
  },
  {
    id: 'trend-satisfaction',
    title: 'page.report.trend.satisfaction',
    value: (p) => p.satisfactionAverage,
    text: (f, v) => f.decimal(v, 2),
    axis: (f, v) => f.decimal(Math.round(v * 10) / 10, Number.isInteger(Math.round(v * 10) / 10) ? 0 : 1),
    better: 'up',
    max: 5,
    change: 'value',
  },
];

/** "+12%" / "−3.0 pts" / "+0.40" with the class saying better or worse; '' when either side is missing. */
function changeText(t: PageTexts, f: Figures, spec: TrendSpec, now: number | null, before: number | null): string {
  if (now === null || before === null) return '';
  const same = `<span>${h(t.say('page.report.noChange'))}</span>`;
  let text: string;
  if (spec.change === 'points') text = t.say('page.report.points', { value: f.signed((now - before) * 100, 1) });
  else if (spec.change === 'value') text = f.signed(now - before, 2);
  else if (before === 0) return now === 0 ? same : '';
  else text = t.say('page.report.percentChange', { value: f.signed(((now - before) / before) * 100, 0) });
  if (now === before) return same;
  const good = now > before === (spec.better === 'up');
  return `<span class="${good ? 'up' : 'down'}">${h(text)}</span>`;
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
function trendChart(t: PageTexts, f: Figures, spec: TrendSpec, report: LeadReport, dates: ReaderDates): string {
  const { say } = t;
  const title = (say as (key: MessageKey) => string)(spec.title);
  const text = (v: number | null) => spec.text(f, v);
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
  const axisPercent = new Intl.NumberFormat(t.locale, { style: 'percent', maximumFractionDigits: 0 });
  const fmt = (v: number) => (spec.max === 1 ? axisPercent.format(v) : spec.axis ? spec.axis(f, v) : text(v));
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
        : `<rect class="bar" x="${r(LEFT + i * slot + slot * 0.18)}" y="${r(y(v))}" width="${r(slot * 0.64)}" height="${r(TOP + plotH - y(v))}"><title>${h(`${dates.shortDay(report.trend.current[i]!.start)}: ${text(v)}`)}</title></rect>`,
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
    text(now[i] ?? null),
    `${dates.shortDay(report.trend.previous[i]!.start)}: ${text(before[i] ?? null)}`,
  ]);
  const label = say('page.report.weekByWeek', {
    title,
    weeks: report.trend.current.map((w, i) => `${dates.shortDay(w.start)} ${text(now[i] ?? null)}`).join(', '),
  });
  return (
    `<section class="chart-card" id="${spec.id}"><h3>${h(title)}</h3>` +
    `<p class="headline"><b>${h(text(total))}</b> ${changeText(t, f, spec, total, totalBefore)} <span class="muted">${h(say('page.report.inWeeksBefore', { value: text(totalBefore), weeks: report.weeks }))}</span></p>` +
    `<div class="legend"><span><i class="swatch now"></i>${h(say('page.report.eachWeek'))}</span><span><i class="swatch before"></i>${h(say('page.report.sameWeekBefore'))}</span></div>` +
    `<svg xmlns="http://www.w3.org/2000/svg" class="trend" viewBox="0 0 ${W} ${H}" role="img" aria-label="${h(label)}">${grid}${bars}${line}${dots}${labels}</svg>` +
    numbers(t, [say('page.report.week'), say('page.report.thisPeriod'), say('page.report.periodBefore')], rows) +
    `</section>`
  );
}

function r(value: number): number {
  return Math.round(value * 10) / 10;
}

/** A table behind "Show numbers". */
function numbers(t: PageTexts, headers: string[], rows: string[][]): string {
  return `<details><summary>${h(t.say('page.report.showNumbers'))}</summary>${table(t, headers, rows, false)}</details>`;
}

/** A table; `cards` turns each row into a labelled card on a phone (no sideways scroll). */
function table(t: PageTexts, headers: string[], rows: string[][], cards = true): string {
  if (rows.length === 0) return `<p class="empty">${h(t.say('page.report.nothing'))}</p>`;
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
function hbars(
  t: PageTexts,
  id: string,
  items: Array<{ label: string; now: number; before?: number; text: string }>,
): string {
  if (items.length === 0) return `<p class="empty">${h(t.say('page.report.nothing'))}</p>`;
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

function groupRows(f: Figures, rows: GroupRow[], withQuestions = false): string[][] {
  return rows.map((g) => [
    g.label,
    f.count(g.tickets),
    f.count(g.previousTickets),
    f.count(g.resolved),
    f.minutes(g.firstResponseMedianMinutes),
    f.minutes(g.resolutionMedianMinutes),
    f.percent(g.slaResponseRate),
    f.percent(g.slaResolutionRate),
    g.rated ? `${f.decimal(g.satisfactionAverage, 2)} (${f.count(g.rated)})` : f.na,
    ...(withQuestions ? [f.count(g.questions ?? 0), f.percent(g.deflectionRate ?? null)] : []),
  ]);
}

function groupHeaders(t: PageTexts): string[] {
  const { say } = t;
  return [
    say('page.report.col.tickets'),
    say('page.report.col.before'),
    say('page.report.col.resolved'),
    say('page.report.col.firstResponse'),
    say('page.report.col.resolution'),
    say('page.report.col.responseSla'),
    say('page.report.col.resolutionSla'),
    say('page.report.col.rating'),
  ];
}

function groupSection(
  t: PageTexts,
  f: Figures,
  id: string,
  title: string,
  note: string,
  first: string,
  rows: GroupRow[],
  questions = false,
  people = false,
) {
  const { say } = t;
  const items = rows.map((g) => ({
    label: g.label,
    now: g.tickets,
    before: g.previousTickets,
    text: people
      ? say('page.report.person', {
          claimed: f.count(g.tickets),
          resolved: f.count(g.resolved),
          before: f.count(g.previousTickets),
        })
      : say('page.report.group', { tickets: f.count(g.tickets), before: f.count(g.previousTickets) }) +
        (questions && g.questions
          ? say('page.report.groupQuestions', {
              questions: f.count(g.questions),
              rate: f.percent(g.deflectionRate ?? null),
            })
          : ''),
  }));
  const headers = people
    ? [say('page.report.col.claimed'), say('page.report.col.claimedBefore'), ...groupHeaders(t).slice(2)]
    : groupHeaders(t);
  return (
    `<section class="chart-card" id="${id}"><h3>${h(title)}</h3><p class="muted">${h(note)}</p>` +
    `<div class="legend"><span><i class="swatch now"></i>${h(say('page.report.thisPeriodLegend'))}</span><span><i class="swatch before"></i>${h(say('page.report.periodBeforeLegend'))}</span></div>` +
    hbars(t, `${id}-bars`, items) +
    `<details><summary>${h(say('page.report.showNumbers'))}</summary>${table(
      t,
      [first, ...headers, ...(questions ? [say('page.report.col.questions'), say('page.report.col.deflected')] : [])],
      groupRows(f, rows, questions),
    )}</details>` +
    '</section>'
  );
}

/** The backlog's ages in the reader's words, by their place in BACKLOG_AGES. */
const AGE_KEYS: readonly MessageKey[] = [
  'page.report.age.underDay',
  'page.report.age.days1to3',
  'page.report.age.days3to7',
  'page.report.age.weeks1to2',
  'page.report.age.weeks2to4',
  'page.report.age.over4weeks',
];

/** The lead report's definitions in the reader's words, by their name; one the page does not know is shown as the core wrote it. */
const DEFINITION_KEYS: Record<string, { term: MessageKey; text: MessageKey }> = {
  weeks: { term: 'page.report.defTerm.weeks', text: 'page.report.def.weeks' },
  trend: { term: 'page.report.defTerm.trend', text: 'page.report.def.trend' },
  engineers: { term: 'page.report.defTerm.engineers', text: 'page.report.def.engineers' },
  channels: { term: 'page.report.defTerm.channels', text: 'page.report.def.channels' },
  tiersAndCategories: { term: 'page.report.defTerm.tiersAndCategories', text: 'page.report.def.tiersAndCategories' },
  backlog: { term: 'page.report.defTerm.backlog', text: 'page.report.def.backlog' },
  breaching: { term: 'page.report.defTerm.breaching', text: 'page.report.def.breaching' },
};

/** The whole page. */
export function reportPage(input: ReportPageInput): string {
  const { report } = input;
  const t = textsOf(input);
  const { say } = t;
  const f = new Figures(t);
  const dates = new ReaderDates(report.timeZone, t.locale);
  const zones = timeZoneChoices();
  const zoneOptions = zones
    .map(
      (z) => `<option value="${h(z)}"${z === report.timeZone ? ' selected' : ''}>${h(z.replaceAll('_', ' '))}</option>`,
    )
    .join('');
  const weekOptions = LEAD_REPORT_WEEKS.map(
    (w) =>
      `<option value="${w}"${w === report.weeks ? ' selected' : ''}>${h(say('page.report.weeksOption', { count: w }))}</option>`,
  ).join('');
  const why =
    input.zone.from === 'default'
      ? say('page.report.zone.default')
      : input.zone.from === 'cookie'
        ? say('page.report.zone.cookie')
        : input.zone.from === 'chat'
          ? say('page.report.zone.chat')
          : say('page.report.zone.query');
  const reader =
    `<form class="reader" method="get" action="/web/reports"><label>${h(say('page.zonePage.label'))}<select name="tz" id="tz">${zoneOptions}</select></label>` +
    `<label>${h(say('page.report.weeks'))}<select name="weeks">${weekOptions}</select></label><button type="submit">${h(say('page.report.show'))}</button></form><p class="muted" id="zone-why">${h(why)}</p>`;
  const b = (text: string) => ({ html: `<b>${h(text)}</b>` });
  const plain = (text: string) => ({ html: h(text) });
  const lede = `<p class="lede" id="period">${sayHtml(t, 'page.report.lede', {
    weeks: plain(String(report.weeks)),
    from: b(dates.shortDay(report.period.from)),
    to: b(dates.lastDay(report.period.to)),
    zone: plain(report.timeZone),
    previousFrom: plain(dates.shortDay(report.previousPeriod.from)),
    previousTo: plain(dates.lastDay(report.previousPeriod.to)),
    generated: plain(dates.dateTime(report.generatedAt)),
  })}</p>`;

  const { breaching, backlog } = report;
  const [ticketCol, subjectCol, stateCol, dueCol, priorityCol, tierCol, statusCol, assigneeCol] = [
    say('page.report.col.ticket'),
    say('page.field.subject'),
    say('page.clock.state'),
    say('page.report.col.due'),
    say('page.field.priority'),
    say('page.field.tier'),
    say('page.field.status'),
    say('page.field.assignee'),
  ].map(h);
  const lateText = (x: (typeof breaching.tickets)[number]) =>
    x.state === 'breached'
      ? say(x.kind === 'response' ? 'page.report.responseLate' : 'page.report.resolutionLate', {
          duration: f.minutes(x.lateMinutes),
        })
      : say(x.kind === 'response' ? 'page.report.responseDueIn' : 'page.report.resolutionDueIn', {
          duration: f.minutes(-x.lateMinutes),
        });
  const breachRows = breaching.tickets
    .slice(0, BREACHING_LISTED)
    .map(
      (x) =>
        `<tr><th scope="row"><a href="/web/tickets/${encodeURIComponent(x.key)}">${h(x.key)}</a></th><td data-label="${subjectCol}">${h(x.subject)}</td>` +
        `<td data-label="${stateCol}" class="${x.state === 'breached' ? 'breached' : 'soon'}">${h(lateText(x))}</td>` +
        `<td data-label="${dueCol}">${h(dates.dateTime(x.dueAt))}</td><td data-label="${priorityCol}">${h(x.priority)}</td><td data-label="${tierCol}">${h(x.tier)}</td>` +
        `<td data-label="${statusCol}">${h(statusText(t.language, x.status))}</td><td data-label="${assigneeCol}">${h(x.assignee ?? say('page.report.nobody'))}</td></tr>`,
    );
  // The list holds the most late (at most BREACHING_LISTED); the counts are of every one.
  const rest = breaching.breached + breaching.soon - breachRows.length;
  const breachTable = (rows: string[]) =>
    `<table class="data table-cards"><thead><tr><th scope="col">${ticketCol}</th><th scope="col">${subjectCol}</th><th scope="col">${stateCol}</th><th scope="col">${dueCol}</th><th scope="col">${priorityCol}</th><th scope="col">${tierCol}</th><th scope="col">${statusCol}</th><th scope="col">${assigneeCol}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  // The most late first; past the first few the list would push the trends off a phone's screen.
  const breachingHtml =
    `<section class="card" id="breaching"><h2>${h(say('page.report.breachingNow'))}</h2><p class="headline">${sayHtml(
      t,
      'page.report.breachingCounts',
      {
        breached: { html: `<b class="breached">${h(f.count(breaching.breached))}</b>` },
        soon: { html: `<b class="soon">${h(f.count(breaching.soon))}</b>` },
      },
    )}</p>` +
    (breachRows.length
      ? breachTable(breachRows.slice(0, BREACHING_SHOWN)) +
        (breachRows.length > BREACHING_SHOWN
          ? `<details id="breaching-more"><summary>${h(say('page.report.showOthers', { count: f.count(breachRows.length - BREACHING_SHOWN) }))}</summary>${breachTable(breachRows.slice(BREACHING_SHOWN))}</details>`
          : '') +
        (rest > 0
          ? `<p class="muted" id="breaching-rest">${sayHtml(t, 'page.report.breachingRest', {
              count: plain(f.count(rest)),
              link: { html: `<a href="/web?breaching=1">${h(say('page.report.breachingQueue'))}</a>` },
            })}</p>`
          : '')
      : `<p class="empty">${h(say('page.report.nothingBreaching'))}</p>`) +
    '</section>';

  const say_ = say as (key: MessageKey) => string;
  const ageLabel = (label: string) => {
    const index = BACKLOG_AGES.findIndex((age) => age.label === label);
    return index >= 0 && AGE_KEYS[index] ? say_(AGE_KEYS[index]) : label;
  };
  const backlogHtml =
    `<section class="chart-card" id="backlog"><h3>${h(say('page.report.backlog'))}</h3><p class="headline">${sayHtml(
      t,
      'page.report.open',
      { count: { html: `<b>${h(f.count(backlog.open))}</b>` } },
    )}${backlog.oldestCreatedAt ? ` <span class="muted">${h(say('page.report.oldest', { date: dates.dateTime(backlog.oldestCreatedAt) }))}</span>` : ''}</p>` +
    hbars(
      t,
      'backlog-bars',
      backlog.buckets.map((bucket) => ({
        label: ageLabel(bucket.label),
        now: bucket.count,
        text:
          bucket.byPriority.P1 || bucket.byPriority.P2
            ? say('page.report.openWithUrgent', {
                count: f.count(bucket.count),
                p1: f.count(bucket.byPriority.P1 ?? 0),
                p2: f.count(bucket.byPriority.P2 ?? 0),
              })
            : say('page.report.openCount', { count: f.count(bucket.count) }),
      })),
    ) +
    numbers(
      t,
      [say('page.report.col.age'), say('page.report.col.open'), 'P1', 'P2', 'P3', 'P4'],
      backlog.buckets.map((bucket) => [
        ageLabel(bucket.label),
        f.count(bucket.count),
        ...['P1', 'P2', 'P3', 'P4'].map((p) => f.count(bucket.byPriority[p] ?? 0)),
      ]),
    ) +
    '</section>';

  const engineers = groupSection(
    t,
    f,
    'engineers',
    say('page.report.perEngineer'),
    say('page.report.perEngineerNote', { unassigned: f.count(report.unassigned) }),
    say('page.report.col.engineer'),
    report.engineers,
    false,
    true,
  );
  const channels = groupSection(
    t,
    f,
    'channels',
    say('page.report.perChannel'),
    say('page.report.perChannelNote'),
    say('page.field.channel'),
    report.channels,
    true,
  );
  const tiers = groupSection(
    t,
    f,
    'tiers',
    say('page.report.perTier'),
    say('page.report.perTierNote'),
    say('page.field.tier'),
    report.tiers,
  );
  const categories = groupSection(
    t,
    f,
    'categories',
    say('page.report.perCategory'),
    say('page.report.perCategoryNote'),
    say('page.field.category'),
    report.categories,
  );
  const definition = (name: string, text: string) => {
    const keys = Object.hasOwn(DEFINITION_KEYS, name) ? DEFINITION_KEYS[name] : undefined;
    if (!keys) return `<dt>${h(name)}</dt><dd>${h(text)}</dd>`;
    const params = { timeZone: report.timeZone, weeks: report.weeks };
    const sayWith = say as (key: MessageKey, params: Record<string, string | number>) => string;
    return `<dt>${h(say_(keys.term))}</dt><dd>${h(sayWith(keys.text, params))}</dd>`;
  };
  const definitions = `<section class="card" id="definitions"><h2>${h(say('page.report.definitions'))}</h2><dl>${Object.entries(
    report.definitions,
  )
    .map(([k, v]) => definition(k, v))
    .join(
      '',
    )}</dl><p class="muted">${h(say('page.report.definitionsNote', { days: f.count(report.windowDays) }))}</p></section>`;

  const title = say('page.reports');
  const body =
    `<div class="lead"><h1>${h(title)}</h1>${reader}${lede}${breachingHtml}` +
    `<h2 id="trends">${h(say('page.report.trends'))}</h2><div class="charts">${TRENDS.map((spec) => trendChart(t, f, spec, report, dates)).join('')}</div>` +
    `<h2>${h(say('page.report.now'))}</h2><div class="charts">${backlogHtml}</div>` +
    `<h2>${h(say('page.report.whoAndWhere'))}</h2><div class="charts">${engineers}${channels}${tiers}${categories}</div>${definitions}</div>`;
  return layout(t, title, body, input, REPORT_STYLE);
}
