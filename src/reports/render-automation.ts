import type { AutomationGroup, AutomationReport, ShippedItem } from '../core/analytics/automation.js';
import { minutes, percent, share } from './format.js';
import { escapeHtml } from './render-html.js';
import { table } from './render-text.js';

const LABEL_CHARS = 48;

/** Ticket text made safe for a terminal: control characters (escape sequences) become spaces, one line, clipped. */
export function terminalSafe(text: string, max = LABEL_CHARS): string {
  const clean = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

function hours(value: number | null): string {
  return value === null ? 'n/a' : value.toFixed(2);
}

function coveredBy(group: AutomationGroup): string {
  const c = group.coverage;
  if (c.scriptId) return `script ${c.scriptId}`;
  if (c.articleId) return `article ${c.articleId}`;
  return 'nothing';
}

const NEXT: Record<AutomationGroup['suggestion'], string> = {
  article: 'write an article',
  script: 'write a script',
  covered: 'covered',
};

/** What the saving column says: hours, or why there are none. */
function saves(group: AutomationGroup): string {
  if (group.savings.hoursPerMonth !== null) return hours(group.savings.hoursPerMonth);
  return group.suggestion === 'covered' ? 'covered' : 'not enough data';
}

function rateText(item: ShippedItem): string {
  return item.rate.value === null ? 'n/a' : `${percent(item.rate.value)} (${share(item.rate.count, item.rate.of)})`;
}

function topicText(window: ShippedItem['before']): string {
  return window.tickets === null ? (window.note ?? 'n/a') : String(window.tickets);
}

function changeText(item: ShippedItem): string {
  return item.change === null ? 'n/a' : `${item.change > 0 ? '+' : ''}${percent(item.change)}`;
}

/** Items worth a row: used in the period, or with tickets on their topic. */
function shownItems(report: AutomationReport): ShippedItem[] {
  return report.shipped.filter((s) => s.uses > 0 || (s.before.tickets ?? 0) > 0 || (s.after.tickets ?? 0) > 0);
}

function assumptionLines(report: AutomationReport): string[] {
  const a = report.assumptions;
  const rate = (value: number | null, count: number, of: number, what: string) =>
    value === null
      ? `not enough data (${of} ${what}; ${a.minRateUses} needed)`
      : `${percent(value)} (${count} of ${of} ${what} deflected)`;
  return [
    `Deflection rate assumed for a new article: ${rate(a.articleDeflectionRate, a.articleDeflected, a.articleUses, 'answers with shipped articles')};`,
    `for a new script: ${rate(a.scriptDeflectionRate, a.scriptDeflected, a.scriptRuns, 'script runs')}.`,
    `Saves = tickets per month x median handling time x that rate; a month is ${a.daysPerMonth} days; no estimate under ${a.minGroupTickets} tickets or measured handling times.`,
  ];
}

/** The automation report as plain text for a terminal. Every ticket text is stripped of control characters. */
export function renderAutomationText(report: AutomationReport): string {
  const out: string[] = [];
  out.push(
    `What to automate next, ${report.period.from} to ${report.period.to} (to excluded): ${report.tickets} ticket(s) in ${report.groups.length} group(s)`,
  );
  out.push(
    `Window N = ${report.windowDays} days; before/after spans of ${report.compareDays} days. Generated ${report.generatedAt}`,
  );
  out.push('', ...assumptionLines(report).map((line) => `  ${line}`));
  out.push('', 'Ticket groups, most hours saved first');
  out.push(
    report.groups.length === 0
      ? '  no tickets in the period'
      : table(
          [
            'Problem',
            'Tickets',
            '/month',
            'Category',
            '1st response',
            'Handling',
            'Eng h/month',
            'Reopened',
            'Covered by',
            'Next',
            'Saves h/month',
          ],
          report.groups.map((g) => [
            `${g.rank}. ${terminalSafe(g.label)}`,
            String(g.tickets),
            g.perMonth.toFixed(2),
            terminalSafe(g.category, 20),
            minutes(g.firstResponse.medianMinutes),
            minutes(g.handling.medianMinutes),
            hours(g.handling.hoursPerMonth),
            g.reopenRate === null ? 'n/a' : `${percent(g.reopenRate)} (${share(g.reopened, g.resolved)})`,
            terminalSafe(coveredBy(g), 32),
            NEXT[g.suggestion],
            saves(g),
          ]),
        ),
  );
  const notes = report.groups.filter((g) => g.savings.note && g.suggestion !== 'covered');
  if (notes.length > 0) out.push('', ...notes.map((g) => `  #${g.rank}: ${terminalSafe(g.savings.note!, 120)}`));

  const shown = shownItems(report);
  out.push(
    '',
    `Shipped articles and scripts (${report.shipped.length}; ${shown.length} used or with tickets on their topic)`,
  );
  out.push(
    shown.length === 0
      ? '  none used in the period'
      : table(
          [
            'Item',
            'First used',
            'Uses',
            'Helpful / completed',
            'Deflected',
            `Tickets ${report.compareDays}d before`,
            'after',
            'Change',
          ],
          shown.map((s) => [
            `${s.kind} ${terminalSafe(s.id, 40)}`,
            s.firstUsedAt?.slice(0, 10) ?? 'never',
            String(s.uses),
            rateText(s),
            String(s.deflected),
            topicText(s.before),
            topicText(s.after),
            changeText(s),
          ]),
        ),
  );
  out.push('', 'Definitions');
  for (const [name, text] of Object.entries(report.definitions)) out.push(`  ${name}: ${text}`);
  return `${out.join('\n')}\n`;
}

function htmlTable(id: string, caption: string, headers: string[], rows: string[][]): string {
  return (
    `<div class="scroll"><table class="data" id="${escapeHtml(id)}"><caption>${escapeHtml(caption)}</caption>` +
    `<thead><tr>${headers.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
    rows
      .map(
        (r) =>
          `<tr>${r.map((cell, i) => (i === 1 ? `<th scope="row">${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell)}</td>`)).join('')}</tr>`,
      )
      .join('') +
    `</tbody></table></div>`
  );
}

/**
 * The report page's "What to automate next" section: two tables (a ranked table already reads
 * like a bar chart, and every column matters), scrolling sideways on a narrow screen.
 */
export function automationSection(report: AutomationReport, jsonHref: string): string {
  const shown = shownItems(report);
  const groups =
    report.groups.length === 0
      ? '<p class="empty">No tickets in this period.</p>'
      : htmlTable(
          'automation-groups',
          'Ticket groups, most hours saved first',
          [
            '#',
            'Problem',
            'Tickets',
            'Per month',
            'Category',
            'Median first response',
            'Median handling',
            'Engineer hours per month',
            'Reopen rate',
            'Covered by',
            'Next',
            'Saves hours per month',
          ],
          report.groups.map((g) => [
            String(g.rank),
            g.label,
            String(g.tickets),
            g.perMonth.toFixed(2),
            g.category,
            minutes(g.firstResponse.medianMinutes),
            minutes(g.handling.medianMinutes),
            hours(g.handling.hoursPerMonth),
            g.reopenRate === null ? 'n/a' : `${percent(g.reopenRate)} (${share(g.reopened, g.resolved)})`,
            coveredBy(g),
            NEXT[g.suggestion],
            g.savings.note && g.suggestion !== 'covered'
              ? `${saves(g)}: ${g.savings.note.replace(/^not enough data: /, '')}`
              : saves(g),
          ]),
        );
  const items =
    shown.length === 0
      ? '<p class="empty">No shipped article or script was used in this period.</p>'
      : htmlTable(
          'automation-shipped',
          'Shipped articles and scripts',
          [
            'Kind',
            'Item',
            'First used',
            'Uses',
            'Helpful / completed',
            'Deflected',
            `Topic tickets ${report.compareDays} days before`,
            'After',
            'Change',
          ],
          shown.map((s) => [
            s.kind,
            s.id,
            s.firstUsedAt?.slice(0, 10) ?? 'never',
            String(s.uses),
            rateText(s),
            String(s.deflected),
            topicText(s.before),
            topicText(s.after),
            changeText(s),
          ]),
        );
  return (
    `<section id="automation"><h2>What to automate next</h2>` +
    `<p class="note">${escapeHtml(report.tickets)} ticket(s) in ${escapeHtml(report.groups.length)} group(s). ${assumptionLines(report).map(escapeHtml).join(' ')} <a href="${escapeHtml(jsonHref)}">JSON</a></p>` +
    groups +
    `<h3>Shipped articles and scripts</h3>` +
    (report.shipped.length > shown.length
      ? `<p class="note">${escapeHtml(report.shipped.length - shown.length)} more had no use and no tickets on their topic (listed in the JSON).</p>`
      : '') +
    items +
    `<details><summary>How these figures are worked out</summary><dl class="definitions">${Object.entries(
      report.definitions,
    )
      .map(([name, text]) => `<dt>${escapeHtml(name)}</dt><dd>${escapeHtml(text)}</dd>`)
      .join('')}</dl></details>` +
    `</section>`
  );
}
