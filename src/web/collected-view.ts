import type { MessageKey } from '../core/messages/catalogue.js';
import { escapeHtml as h } from '../reports/render-html.js';
import { pageTexts, type PageTexts } from './reader-language.js';
import type { ReaderDates } from './reader-zone.js';

/**
 * What the bot collected on a ticket (a walkthrough's answers, steps and checks, an alert's labels,
 * triage's guess, a form's fields), for people: a definition list of field and value, nested
 * values as nested lists, check results as passed/failed lines, dates in the reader's zone, web
 * addresses as links. `collected` is JSON from the database written by many openers (and alert
 * labels are the sender's words): every value is escaped, nothing about its shape is trusted, and
 * what is too deep or too long to lay out is shown as raw JSON, never dropped.
 */

/**
 * Names people read for the fields the openers write, in the reader's language (other keys, e.g.
 * a script author's save_as or an alert's labels, are the writers' words and stay as written).
 */
const LABELS: Record<string, MessageKey> = {
  source: 'page.collected.source',
  questionId: 'page.collected.questionId',
  articleTried: 'page.collected.articleTried',
  script: 'page.collected.script',
  answers: 'page.collected.answers',
  checks: 'page.collected.checks',
  path: 'page.collected.path',
  alert: 'page.collected.alert',
  triage: 'page.collected.triage',
  groupKey: 'page.collected.groupKey',
  severity: 'page.collected.severity',
  labels: 'page.collected.labels',
  url: 'page.collected.url',
  firing: 'page.collected.firing',
  predicted: 'page.collected.predicted',
  confidence: 'page.collected.confidence',
  applied: 'page.collected.applied',
  why: 'page.collected.why',
  // Triage's predicted and confidence name the ticket's fields.
  category: 'page.field.category',
  priority: 'page.field.priority',
  tier: 'page.field.tier',
};

/** What a rendering needs: the reader's dates and words. */
interface View {
  dates: ReaderDates;
  t: PageTexts;
}

/** Deeper than this, a value is shown as JSON (the lists would only indent further). */
const MAX_DEPTH = 4;
/** Items of a list or fields of an object laid out; past it, the whole value as JSON too. */
const MAX_ITEMS = 50;
/** Characters of a string shown before the rest folds away behind "show all". */
const MAX_INLINE = 400;

/**
 * The "What the bot collected" list, or null when nothing was collected. `t`: the reader's words
 * and number formats (English when not given).
 */
export function collectedHtml(collected: unknown, dates: ReaderDates, t: PageTexts = pageTexts('en')): string | null {
  const view: View = { dates, t };
  if (typeof collected !== 'object' || collected === null || Array.isArray(collected)) {
    return collected === null || collected === undefined
      ? null
      : `<dl id="collected">${entry(t.say('page.collected.value'), collected, view, 1)}</dl>`;
  }
  const entries = Object.entries(collected);
  if (entries.length === 0) return null;
  return `<dl id="collected">${fields(entries, view, 1)}</dl>`;
}

function fields(entries: Array<[string, unknown]>, view: View, depth: number): string {
  const say = view.t.say as (key: MessageKey) => string;
  // Own keys only: a collected field named "constructor" is not Object's.
  return entries
    .map(([key, value]) => entry(Object.hasOwn(LABELS, key) ? say(LABELS[key]!) : key, value, view, depth))
    .join('');
}

function entry(label: string, value: unknown, view: View, depth: number): string {
  return `<dt>${h(label)}</dt><dd>${valueHtml(value, view, depth)}</dd>`;
}

function valueHtml(value: unknown, view: View, depth: number): string {
  const { say, locale } = view.t;
  const none = `<span class="muted">${h(say('page.collected.none'))}</span>`;
  if (value === null || value === undefined) return none;
  if (typeof value === 'boolean') return h(value ? say('page.collected.yes') : say('page.collected.no'));
  if (typeof value === 'number') return Number.isFinite(value) ? h(value.toLocaleString(locale)) : h(String(value));
  if (typeof value === 'string') return stringHtml(value, view);
  if (typeof value !== 'object') return h(String(value));
  if (Array.isArray(value)) {
    if (value.length === 0) return none;
    if (depth > MAX_DEPTH || value.length > MAX_ITEMS) return rawJson(value, value.length, view);
    if (value.every((item) => item === null || typeof item !== 'object'))
      return `<ul class="values">${value.map((item) => `<li>${valueHtml(item, view, depth + 1)}</li>`).join('')}</ul>`;
    return `<ol class="values">${value.map((item) => `<li>${valueHtml(item, view, depth + 1)}</li>`).join('')}</ol>`;
  }
  const object = value as Record<string, unknown>;
  const check = checkHtml(object, view);
  if (check) return check;
  const entries = Object.entries(object);
  if (entries.length === 0) return none;
  if (depth > MAX_DEPTH || entries.length > MAX_ITEMS) return rawJson(value, entries.length, view);
  return `<dl class="nested">${fields(entries, view, depth + 1)}</dl>`;
}

/** A check's result ({ ok, detail, ms?, target?, step? }) as one line: passed or failed, what happened, where. */
function checkHtml(value: Record<string, unknown>, view: View): string | null {
  if (typeof value.ok !== 'boolean' || typeof value.detail !== 'string') return null;
  const { say, locale } = view.t;
  const known = new Set(['ok', 'detail', 'ms', 'target', 'step']);
  const rest = Object.entries(value).filter(([key]) => !known.has(key));
  const where = [
    typeof value.target === 'string' ? stringHtml(value.target, view) : '',
    typeof value.step === 'string' ? `${h(say('page.collected.step'))} ${stringHtml(value.step, view)}` : '',
    typeof value.ms === 'number' && Number.isFinite(value.ms)
      ? h(
          new Intl.NumberFormat(locale, { style: 'unit', unit: 'millisecond', unitDisplay: 'short' }).format(
            Math.round(value.ms),
          ),
        )
      : '',
  ].filter(Boolean);
  const extra = rest.length ? `<dl class="nested">${fields(rest, view, MAX_DEPTH)}</dl>` : '';
  return `<span class="${value.ok ? 'passed' : 'breached'}">${h(value.ok ? say('page.collected.passed') : say('page.collected.failed'))}</span>: ${stringHtml(value.detail, view)}${
    where.length ? ` <span class="muted">(${where.join(' · ')})</span>` : ''
  }${extra}`;
}

const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)$/;

function stringHtml(text: string, view: View): string {
  const { dates } = view;
  const { say, locale } = view.t;
  if (ISO_INSTANT.test(text)) {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime()))
      return `<time datetime="${h(date.toISOString())}">${h(dates.dateTime(date.toISOString()))}</time>`;
  }
  if (/^https?:\/\/\S+$/i.test(text) && text.length <= 2000) {
    const url = safeUrl(text);
    if (url) return `<a href="${h(url)}" rel="noopener noreferrer nofollow">${h(text)}</a>`;
  }
  if (text === '') return `<span class="muted">${h(say('page.collected.empty'))}</span>`;
  const block = text.includes('\n') ? 'pre' : 'span';
  if (text.length <= MAX_INLINE) return `<${block}>${h(text)}</${block}>`;
  // The first part inline, all of it one click away: no script runs on these pages, <details> needs none.
  return `<${block}>${h(text.slice(0, MAX_INLINE))}…</${block}><details><summary>${h(
    say('page.collected.showAll', { count: text.length.toLocaleString(locale) }),
  )}</summary><pre>${h(text)}</pre></details>`;
}

function safeUrl(text: string): string | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** Too deep to indent further: open, as JSON. Too many items: folded, as JSON, its size said. */
function rawJson(value: unknown, items: number, view: View): string {
  const { say, locale } = view.t;
  const many = items > MAX_ITEMS;
  const count = items.toLocaleString(locale);
  return `<details class="raw"${many ? '' : ' open'}><summary>${h(
    many
      ? Array.isArray(value)
        ? say('page.collected.itemsAsJson', { count })
        : say('page.collected.fieldsAsJson', { count })
      : say('page.collected.asJson'),
  )}</summary><pre>${h(JSON.stringify(value, null, 2))}</pre></details>`;
}
