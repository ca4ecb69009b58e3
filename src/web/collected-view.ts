import { escapeHtml as h } from '../reports/render-html.js';
import type { ReaderDates } from './reader-zone.js';

/**
 * What the bot collected on a ticket (a walkthrough's answers, steps and checks, an alert's labels,
 * triage's guess, a form's fields), for people: a definition list of field and value, nested
 * values as nested lists, check results as passed/failed lines, dates in the reader's zone, web
 * addresses as links. `collected` is JSON from the database written by many openers (and alert
 * labels are the sender's words): every value is escaped, nothing about its shape is trusted, and
 * what is too deep or too long to lay out is shown as raw JSON, never dropped.
 */

/** Names people read for the fields the openers write (other keys, e.g. a script author's save_as, stay as written). */
const LABELS: Record<string, string> = {
  source: 'Source',
  questionId: 'Question',
  articleTried: 'Article tried',
  script: 'Walkthrough',
  answers: 'Answers',
  checks: 'Checks',
  path: 'Steps taken',
  alert: 'Alert',
  triage: 'Triage',
  groupKey: 'Group key',
  severity: 'Severity',
  labels: 'Labels',
  url: 'Link',
  firing: 'Firing',
  predicted: 'Predicted',
  confidence: 'Confidence',
  applied: 'Taken from the prediction',
  why: 'Why',
};

/** Deeper than this, a value is shown as JSON (the lists would only indent further). */
const MAX_DEPTH = 4;
/** Items of a list or fields of an object laid out; past it, the whole value as JSON too. */
const MAX_ITEMS = 50;
/** Characters of a string shown before the rest folds away behind "show all". */
const MAX_INLINE = 400;

/** The "What the bot collected" list, or null when nothing was collected. */
export function collectedHtml(collected: unknown, dates: ReaderDates): string | null {
  if (typeof collected !== 'object' || collected === null || Array.isArray(collected)) {
    return collected === null || collected === undefined
      ? null
      : `<dl id="collected">${entry('Value', collected, dates, 1)}</dl>`;
  }
  const entries = Object.entries(collected);
  if (entries.length === 0) return null;
  return `<dl id="collected">${fields(entries, dates, 1)}</dl>`;
}

function fields(entries: Array<[string, unknown]>, dates: ReaderDates, depth: number): string {
  // Own keys only: a collected field named "constructor" is not Object's.
  return entries
    .map(([key, value]) => entry(Object.hasOwn(LABELS, key) ? LABELS[key]! : key, value, dates, depth))
    .join('');
}

function entry(label: string, value: unknown, dates: ReaderDates, depth: number): string {
  return `<dt>${h(label)}</dt><dd>${valueHtml(value, dates, depth)}</dd>`;
}

function valueHtml(value: unknown, dates: ReaderDates, depth: number): string {
  if (value === null || value === undefined) return '<span class="muted">none</span>';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return Number.isFinite(value) ? h(value.toLocaleString('en')) : h(String(value));
  if (typeof value === 'string') return stringHtml(value, dates);
  if (typeof value !== 'object') return h(String(value));
  if (Array.isArray(value)) {
    if (value.length === 0) return '<span class="muted">none</span>';
    if (depth > MAX_DEPTH || value.length > MAX_ITEMS) return rawJson(value, value.length);
    if (value.every((item) => item === null || typeof item !== 'object'))
      return `<ul class="values">${value.map((item) => `<li>${valueHtml(item, dates, depth + 1)}</li>`).join('')}</ul>`;
    return `<ol class="values">${value.map((item) => `<li>${valueHtml(item, dates, depth + 1)}</li>`).join('')}</ol>`;
  }
  const object = value as Record<string, unknown>;
  const check = checkHtml(object, dates);
  if (check) return check;
  const entries = Object.entries(object);
  if (entries.length === 0) return '<span class="muted">none</span>';
  if (depth > MAX_DEPTH || entries.length > MAX_ITEMS) return rawJson(value, entries.length);
  return `<dl class="nested">${fields(entries, dates, depth + 1)}</dl>`;
}

/** A check's result ({ ok, detail, ms?, target?, step? }) as one line: passed or failed, what happened, where. */
function checkHtml(value: Record<string, unknown>, dates: ReaderDates): string | null {
  if (typeof value.ok !== 'boolean' || typeof value.detail !== 'string') return null;
  const known = new Set(['ok', 'detail', 'ms', 'target', 'step']);
  const rest = Object.entries(value).filter(([key]) => !known.has(key));
  const where = [
    typeof value.target === 'string' ? stringHtml(value.target, dates) : '',
    typeof value.step === 'string' ? `step ${stringHtml(value.step, dates)}` : '',
    typeof value.ms === 'number' && Number.isFinite(value.ms)
      ? `${h(Math.round(value.ms).toLocaleString('en'))} ms`
      : '',
  ].filter(Boolean);
  const extra = rest.length ? `<dl class="nested">${fields(rest, dates, MAX_DEPTH)}</dl>` : '';
  return `<span class="${value.ok ? 'passed' : 'breached'}">${value.ok ? 'passed' : 'failed'}</span>: ${stringHtml(value.detail, dates)}${
    where.length ? ` <span class="muted">(${where.join(' · ')})</span>` : ''
  }${extra}`;
}

const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)$/;

function stringHtml(text: string, dates: ReaderDates): string {
  if (ISO_INSTANT.test(text)) {
    const date = new Date(text);
    if (!Number.isNaN(date.getTime()))
      return `<time datetime="${h(date.toISOString())}">${h(dates.dateTime(date.toISOString()))}</time>`;
  }
  if (/^https?:\/\/\S+$/i.test(text) && text.length <= 2000) {
    const url = safeUrl(text);
    if (url) return `<a href="${h(url)}" rel="noopener noreferrer nofollow">${h(text)}</a>`;
  }
  if (text === '') return '<span class="muted">(empty)</span>';
  const block = text.includes('\n') ? 'pre' : 'span';
  if (text.length <= MAX_INLINE) return `<${block}>${h(text)}</${block}>`;
  // The first part inline, all of it one click away: no script runs on these pages, <details> needs none.
  return `<${block}>${h(text.slice(0, MAX_INLINE))}…</${block}><details><summary>show all ${h(
    text.length.toLocaleString('en'),
  )} characters</summary><pre>${h(text)}</pre></details>`;
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
function rawJson(value: unknown, items: number): string {
  const many = items > MAX_ITEMS;
  return `<details class="raw"${many ? '' : ' open'}><summary>${
    many ? `${h(items.toLocaleString('en'))} ${Array.isArray(value) ? 'items' : 'fields'}, as JSON` : 'as JSON'
  }</summary><pre>${h(JSON.stringify(value, null, 2))}</pre></details>`;
}
