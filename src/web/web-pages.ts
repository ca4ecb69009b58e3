import { fillParts, statusText, textsFor, type MessageKey, type Placeholders } from '../core/messages/catalogue.js';
import type { en } from '../core/messages/messages-en.js';
import type { SlaPolicy } from '../core/tickets/sla-policy.js';
import { priorities, ticketStatuses, tiers, type Ticket, type TicketEvent } from '../core/tickets/ticket.js';
import type { TicketQuery } from '../core/web/ticket-filter.js';
import { canSeeReports, type WebPerson } from '../core/web/web-access.js';
import { escapeHtml as h } from '../reports/render-html.js';
import { collectedHtml } from './collected-view.js';
import { languageHref, pageLanguages, pageTexts, type PageTexts, type ReaderLanguage } from './reader-language.js';
import { ReaderDates, type ReaderZone } from './reader-zone.js';

/**
 * No script at all, no outside resource: styles inline, forms only to this origin. Ticket text is
 * hostile input; everything written into a page goes through escapeHtml.
 */
export const WEB_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const STYLE = `
*{box-sizing:border-box}body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1b1f24;background:#f6f7f9}
header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;padding:.6rem 1rem;background:#1f3a5f;color:#fff}
header a{color:#fff}header .zone,header .langs{font-size:.85rem}header .langs a,header .langs b{margin-right:.4rem}header .who{margin-left:auto}header form{display:inline}
main{padding:1rem;max-width:1200px;margin:0 auto}h1{font-size:1.35rem;margin:.2rem 0 .8rem}h2{font-size:1.1rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%;background:#fff}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #dde1e6;vertical-align:top}
th{background:#eef1f5;font-weight:600}.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:flex-end;margin-bottom:.8rem}
.filters label{display:flex;flex-direction:column;font-size:.8rem}input,select,textarea,button{font:inherit;padding:.3rem .4rem}
button{cursor:pointer;background:#1f6feb;color:#fff;border:0;border-radius:4px;padding:.4rem .8rem}
.card{background:#fff;border:1px solid #dde1e6;border-radius:6px;padding: .8rem 1rem;margin-bottom:1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
#collected,dl.nested{grid-template-columns:fit-content(40%) minmax(0,1fr)}dt{overflow-wrap:anywhere}dl.nested{gap:0 .8rem}
ul.values,ol.values{margin:0;padding-left:1.2rem}.passed{color:#067647;font-weight:600}details summary{cursor:pointer;color:#1f6feb}
.breached{color:#b42318;font-weight:600}.soon{color:#b54708;font-weight:600}.notice{padding:.5rem .8rem;border-radius:4px;background:#ecfdf3;border:1px solid #abefc6}
.error{background:#fef3f2;border-color:#fecdca}pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
.actions{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:.8rem}.actions form{display:flex;flex-direction:column;gap:.3rem}
.pages{display:flex;gap:1rem;margin:.6rem 0}.line{margin:.3rem 0}.line b{margin-right:.4rem}.muted{color:#57606a;font-size:.85rem}.export{margin:.6rem 0}
@media (max-width:700px){.queue thead{display:none}.queue tr{display:block;border-bottom:2px solid #dde1e6;padding:.3rem 0}
.queue td{display:block;border:0;padding:.1rem .5rem}.queue td::before{content:attr(data-label) ": ";font-weight:600}
#collected,dl.nested{display:block}#collected>dd{margin:0 0 .4rem}dl.nested>dd{margin:0 0 .2rem .8rem}}
`;

/**
 * Who is signed in, the zone the page's dates are in, the language it is written in, and the
 * page's own address (for the zone link and the language links).
 */
export interface PageFrame {
  person: WebPerson;
  csrf: string;
  zone?: ReaderZone;
  /** The reader's language for this request (readerLanguage). */
  lang: ReaderLanguage;
  /** This page's path and query, where the time zone page sends the reader back to. */
  here?: string;
  /** This page's own address when it differs from `here` (the time zone page): where the language links go. */
  self?: string;
}

/** A text whose placeholders take HTML made here: the catalogue's words are escaped, the values kept as they are. */
export function sayHtml<K extends MessageKey>(
  t: PageTexts,
  key: K,
  values: Readonly<Record<Placeholders<(typeof en)[K]>, { html: string }>>,
): string {
  return fillParts(textsFor(t.language), key, values)
    .map((part) => (typeof part === 'string' ? h(part) : part.html))
    .join('');
}

/** The language links: each page language in its own name, the current one not a link. */
function languageLinks(t: PageTexts, self: string | undefined): string {
  const links = pageLanguages()
    .map(({ code, name }) =>
      code === t.language
        ? `<b lang="${h(code)}" aria-current="true">${h(name)}</b>`
        : `<a lang="${h(code)}" hreflang="${h(code)}" href="${h(languageHref(self, code))}">${h(name)}</a>`,
    )
    .join('');
  return `<nav class="langs" id="lang-links" aria-label="${h(t.say('page.language'))}">${links}</nav>`;
}

/** A page's frame: header with who is signed in, the reports for leads, the time zone, the language, a sign-out form; `style` adds a page's own rules. */
export function layout(
  t: PageTexts,
  title: string,
  body: string,
  who?: Omit<PageFrame, 'lang'> & { lang?: ReaderLanguage },
  style = '',
): string {
  const { say } = t;
  const zone = who?.zone
    ? `<a class="zone" id="zone-link" href="/web/time-zone?back=${encodeURIComponent(who.here ?? '/web')}">${h(
        who.zone.from === 'default'
          ? say('page.zone.default')
          : say(who.zone.from === 'chat' ? 'page.zone.fromChat' : 'page.zone.in', {
              zone: who.zone.timeZone.replaceAll('_', ' '),
            }),
      )}</a>`
    : '';
  const header = who
    ? `<header><a href="/web">${h(say('page.home'))}</a>${canSeeReports(who.person) ? `<a href="/web/reports">${h(say('page.reports'))}</a>` : ''}${zone}${languageLinks(t, who.self ?? who.here)}<span class="who">${h(who.person.name ?? who.person.id)} · ${h(roleText(t, who.person.role))} · ${h(who.person.channel)}</span>` +
      `<form method="post" action="/web/sign-out"><input type="hidden" name="csrf" value="${h(who.csrf)}"><button type="submit">${h(say('page.signOut'))}</button></form></header>`
    : `<header><span>${h(say('page.home'))}</span></header>`;
  const notices = [
    who?.zone?.unknown !== undefined
      ? `<p class="notice error" role="alert" id="zone-notice">${h(say('page.zone.unknown', { zone: who.zone.unknown }))}</p>`
      : '',
    who?.lang?.unknown !== undefined
      ? `<p class="notice error" role="alert" id="lang-notice">${h(say('page.languageUnknown', { asked: who.lang.unknown }))}</p>`
      : '',
  ].join('');
  return `<!doctype html><html lang="${h(t.language)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${h(title)}</title><style>${STYLE}${style}</style></head><body>${header}<main>${notices}${body}</main></body></html>`;
}

function roleText(t: PageTexts, role: WebPerson['role']): string {
  return role === 'engineer'
    ? t.say('page.role.engineer')
    : role === 'lead'
      ? t.say('page.role.lead')
      : t.say('page.role.employee');
}

/** The words of a page in the reader's language. */
export function textsOf(frame: { lang: ReaderLanguage }): PageTexts {
  return pageTexts(frame.lang.language);
}

/** The page for a refused link, a missing session or a refusal: in the reader's language, and with their header when signed in. */
export function messagePage(t: PageTexts, title: string, text: string, who?: PageFrame): string {
  return layout(t, title, `<h1>${h(title)}</h1><p>${h(text)}</p>`, who);
}

/** A date for the reader, as HTML: `<time datetime="ISO">2 Mar 2026, 09:30 CET</time>` (escaped), or a dash. */
export function when(date: Date | null, dates: ReaderDates): string {
  if (!date) return '—';
  const iso = date.toISOString();
  return `<time datetime="${h(iso)}">${h(dates.dateTime(iso))}</time>`;
}

/** A transcript line's time: stored as an ISO string; anything else is shown as it is. */
function whenText(at: string, dates: ReaderDates): string {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) || !/^\d{4}-\d\d-\d\dT/.test(at) ? h(at) : when(date, dates);
}

/** "in 25 min", "3 h ago", "vor 3 Tagen": the language's own relative time (Intl). */
function relative(t: PageTexts, date: Date, now: Date): string {
  const minutes = Math.round((date.getTime() - now.getTime()) / 60_000);
  const size = Math.abs(minutes);
  const format = new Intl.RelativeTimeFormat(t.locale, { style: 'short', numeric: 'always' });
  const sign = minutes >= 0 ? 1 : -1;
  if (size < 90) return format.format(sign * size, 'minute');
  if (size < 48 * 60) return format.format(sign * Math.round(size / 60), 'hour');
  return format.format(sign * Math.round(size / 1440), 'day');
}

/** A ticket's SLA state in the reader's words. */
export function slaStateText(t: PageTexts, state: string): string {
  switch (state) {
    case 'ok':
      return t.say('page.sla.ok');
    case 'soon':
      return t.say('page.sla.soon');
    case 'breached':
      return t.say('page.sla.breached');
    case 'met':
      return t.say('page.sla.met');
    default:
      return t.say('page.sla.none');
  }
}

function slaCell(t: PageTexts, ticket: Ticket, sla: SlaPolicy, now: Date): string {
  const state = sla.state(ticket, now);
  const due = sla.nextDue(ticket);
  const when = due ? relative(t, due.at, now) : '';
  const label = due
    ? t.say(due.kind === 'response' ? 'page.sla.responseDue' : 'page.sla.resolutionDue', { when })
    : slaStateText(t, state);
  return `<span class="${state === 'breached' ? 'breached' : state === 'soon' ? 'soon' : ''}">${h(state === 'breached' ? t.say('page.sla.breachedDue', { due: label }) : label)}</span>`;
}

/** A select's options: the value as sent, the text as read (`label`), and a first "any" option. */
function options(
  values: readonly string[],
  selected: string | undefined,
  any: string,
  label: (value: string) => string = (value) => value,
): string {
  return [
    `<option value="">${h(any)}</option>`,
    ...values.map((v) => `<option value="${h(v)}"${v === selected ? ' selected' : ''}>${h(label(v))}</option>`),
  ].join('');
}

/** "1 ticket", "2 tickets", "0 ticket" in French: the language's plural rule (Intl) picks the text. */
function ticketCount(t: PageTexts, count: number): string {
  const number = count.toLocaleString(t.locale);
  return new Intl.PluralRules(t.locale).select(count) === 'one'
    ? t.say('page.queue.ticketOne', { count: number })
    : t.say('page.queue.tickets', { count: number });
}

export interface QueuePageInput extends PageFrame {
  tickets: Ticket[];
  /** How many match in all (counted by the database). */
  total: number;
  /** The next page (after the last row shown), when more match. */
  nextHref?: string;
  /** The first page, when this is a later one. */
  firstHref?: string;
  query: TicketQuery;
  /** The query string of the filter, for the export links (already URL-encoded). */
  queryString: string;
  categories: string[];
  channels: string[];
  sla: SlaPolicy;
  now: Date;
  error?: string;
}

/** The queue (engineers and leads): filters as a GET form, the matching tickets, exports for the same filter. */
export function queuePage(input: QueuePageInput): string {
  const { query, sla, now } = input;
  const t = textsOf(input);
  const { say } = t;
  const dates = new ReaderDates(input.zone?.timeZone ?? 'UTC', t.locale);
  const any = say('page.filter.any');
  const status = (value: string) => statusText(t.language, value);
  const filters = `<form class="filters" method="get" action="/web">
<label>${h(say('page.filter.search'))}<input type="search" name="q" value="${h(query.search ?? '')}" maxlength="200" placeholder="${h(say('page.filter.searchHint'))}"></label>
<label>${h(say('page.field.status'))}<select name="status">${options(ticketStatuses, query.status, say('page.filter.open'), status)}</select></label>
<label>${h(say('page.field.tier'))}<select name="tier">${options(tiers, query.tier, any)}</select></label>
<label>${h(say('page.field.priority'))}<select name="priority">${options(priorities, query.priority, any)}</select></label>
<label>${h(say('page.field.category'))}<select name="category">${options(input.categories, query.category, any)}</select></label>
<label>${h(say('page.field.channel'))}<select name="channel">${options(input.channels, query.channel, any)}</select></label>
<label>${h(say('page.field.assignee'))}<input name="assignee" value="${h(query.assignee ?? '')}" maxlength="100" placeholder="${h(say('page.filter.assigneeHint'))}"></label>
<label><span>${h(say('page.filter.breaching'))}</span><select name="breaching"><option value="">${h(any)}</option><option value="1"${query.breaching ? ' selected' : ''}>${h(say('page.filter.breachingSoon'))}</option></select></label>
<button type="submit">${h(say('page.filter.submit'))}</button></form>`;
  const label = {
    key: h(say('page.field.key')),
    subject: h(say('page.field.subject')),
    status: h(say('page.field.status')),
    priority: h(say('page.field.priority')),
    tier: h(say('page.field.tier')),
    category: h(say('page.field.category')),
    channel: h(say('page.field.channel')),
    assignee: h(say('page.field.assignee')),
    sla: h(say('page.field.sla')),
    opened: h(say('page.field.opened')),
  };
  const rows = input.tickets
    .map(
      (x) =>
        `<tr><td data-label="${label.key}"><a href="/web/tickets/${encodeURIComponent(x.key)}">${h(x.key)}</a></td><td data-label="${label.subject}">${h(x.subject)}</td>` +
        `<td data-label="${label.status}">${h(status(x.status))}</td><td data-label="${label.priority}">${h(x.priority)}</td><td data-label="${label.tier}">${h(x.tier)}</td><td data-label="${label.category}">${h(x.category)}</td>` +
        `<td data-label="${label.channel}">${h(x.channel)}</td><td data-label="${label.assignee}">${h(x.assigneeName ?? x.assigneeId ?? '—')}</td><td data-label="${label.sla}">${slaCell(t, x, sla, now)}</td><td data-label="${label.opened}">${when(x.createdAt, dates)}</td></tr>`,
    )
    .join('');
  const table = input.tickets.length
    ? `<table class="queue"><thead><tr><th>${label.key}</th><th>${label.subject}</th><th>${label.status}</th><th>${label.priority}</th><th>${label.tier}</th><th>${label.category}</th><th>${label.channel}</th><th>${label.assignee}</th><th>${label.sla}</th><th>${label.opened}</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="empty">${h(say('page.queue.none'))}</p>`;
  const count =
    input.total > input.tickets.length || input.firstHref
      ? say('page.queue.countOnPage', {
          total: ticketCount(t, input.total),
          count: input.tickets.length.toLocaleString(t.locale),
        })
      : ticketCount(t, input.total);
  const pages =
    input.firstHref || input.nextHref
      ? `<nav class="pages">${input.firstHref ? `<a id="first-page" href="${h(input.firstHref)}">${h(say('page.queue.firstPage'))}</a>` : ''}${
          input.nextHref ? `<a id="next-page" href="${h(input.nextHref)}">${h(say('page.queue.nextPage'))}</a>` : ''
        }</nav>`
      : '';
  const exports = `<p class="export">${sayHtml(t, 'page.queue.export', {
    csv: { html: `<a id="export-csv" href="/web/export.csv?${input.queryString}">CSV</a>` },
    json: { html: `<a id="export-json" href="/web/export.json?${input.queryString}">JSON</a>` },
  })}</p>`;
  const error = input.error ? `<p class="notice error" role="alert">${h(input.error)}</p>` : '';
  const title = say('page.queue.title');
  return layout(
    t,
    title,
    `<h1>${h(title)}</h1>${error}${filters}<p class="muted" id="count">${h(count)}</p>${table}${pages}${exports}`,
    input,
  );
}

/** An employee's own tickets. */
export function minePage(frame: PageFrame, tickets: Ticket[]): string {
  const t = textsOf(frame);
  const { say } = t;
  const dates = new ReaderDates(frame.zone?.timeZone ?? 'UTC', t.locale);
  const [key, subject, status, opened] = [
    say('page.field.key'),
    say('page.field.subject'),
    say('page.field.status'),
    say('page.field.opened'),
  ].map(h);
  const rows = tickets
    .map(
      (x) =>
        `<tr><td data-label="${key}"><a href="/web/tickets/${encodeURIComponent(x.key)}">${h(x.key)}</a></td><td data-label="${subject}">${h(x.subject)}</td><td data-label="${status}">${h(statusText(t.language, x.status))}</td><td data-label="${opened}">${when(x.createdAt, dates)}</td></tr>`,
    )
    .join('');
  const body = tickets.length
    ? `<table class="queue"><thead><tr><th>${key}</th><th>${subject}</th><th>${status}</th><th>${opened}</th></tr></thead><tbody>${rows}</tbody></table>`
    : `<p class="empty">${h(say('ticket.noneYet'))}</p>`;
  const title = say('page.mine.title');
  return layout(t, title, `<h1>${h(title)}</h1>${body}`, frame);
}

export interface TicketPageInput extends PageFrame {
  ticket: Ticket;
  events: TicketEvent[];
  sla: SlaPolicy;
  now: Date;
  /** Whether the engineer's action forms are shown. */
  canAct: boolean;
  categories: string[];
  engineers: Array<{ id: string; name: string }>;
  notice?: { text: string; error: boolean };
}

/** Which chat an event came from: the delivery it was made for ("slack:…", "web:…"), else what the detail says. */
export function channelOfEvent(event: TicketEvent, ticket: Ticket): string {
  const origin = event.detail.origin;
  if (typeof origin === 'string' && /^[a-z]+:/.test(origin)) return origin.slice(0, origin.indexOf(':'));
  if (typeof event.detail.via === 'string') return event.detail.via;
  return event.type === 'created' ? ticket.channel : '—';
}

const EVENT_KEYS: Record<TicketEvent['type'], MessageKey> = {
  created: 'page.event.created',
  status: 'page.event.status',
  assigned: 'page.event.assigned',
  comment: 'page.event.comment',
  rating: 'page.event.rating',
  vendor: 'page.event.vendor',
  priority: 'page.event.priority',
  category: 'page.event.category',
};

const DETAIL_KEYS: Record<string, MessageKey> = {
  tier: 'page.event.tier',
  reason: 'page.event.reason',
  resolution: 'page.event.resolution',
  assignee: 'page.event.assignee',
  assigneeName: 'page.event.assigneeName',
  score: 'page.event.score',
};

function eventWhat(t: PageTexts, event: TicketEvent): string {
  const say = t.say as (key: MessageKey) => string;
  const status = (value: string | null) => (value ? statusText(t.language, value) : '—');
  const parts: string[] = [Object.hasOwn(EVENT_KEYS, event.type) ? say(EVENT_KEYS[event.type]) : event.type];
  if (event.fromStatus !== event.toStatus && event.toStatus)
    parts.push(`${status(event.fromStatus)} → ${status(event.toStatus)}`);
  const d = event.detail;
  if (event.type === 'priority' || event.type === 'category')
    parts.push(`${String(d.from ?? '')} → ${String(d.to ?? '')}`);
  for (const name of Object.keys(DETAIL_KEYS)) {
    if (d[name] !== undefined && d[name] !== null && typeof d[name] !== 'object')
      parts.push(`${say(DETAIL_KEYS[name]!)}: ${String(d[name])}`);
  }
  return parts.join(' · ');
}

/** A ticket's whole story: fields, SLA clocks, what the bot collected, every event, the conversation and (engineers) the actions. */
export function ticketPage(input: TicketPageInput): string {
  const { ticket: x, sla, now } = input;
  const t = textsOf(input);
  const { say } = t;
  const dates = new ReaderDates(input.zone?.timeZone ?? 'UTC', t.locale);
  const notice = input.notice
    ? `<p class="notice${input.notice.error ? ' error' : ''}" role="${input.notice.error ? 'alert' : 'status'}" id="notice">${h(input.notice.text)}</p>`
    : '';
  const dt = (key: MessageKey) => `<dt>${h((say as (key: MessageKey) => string)(key))}</dt>`;
  const fields = `<section class="card"><h2>${h(say('page.ticket.fields'))}</h2><dl id="fields">
${dt('page.field.subject')}<dd id="subject">${h(x.subject)}</dd>${dt('page.field.status')}<dd id="status">${h(statusText(t.language, x.status))}</dd>${dt('page.field.priority')}<dd id="priority">${h(x.priority)}</dd>
${dt('page.field.tier')}<dd>${h(x.tier)}</dd>${dt('page.field.category')}<dd id="category">${h(x.category)}</dd>${dt('page.field.channel')}<dd>${h(x.channel)}</dd>
${dt('page.field.requester')}<dd>${h(x.requesterName ?? x.requesterId)}</dd>${dt('page.field.assignee')}<dd id="assignee">${h(x.assigneeName ?? x.assigneeId ?? '—')}</dd>
${dt('page.field.opened')}<dd>${when(x.createdAt, dates)}</dd>${dt('page.field.updated')}<dd>${when(x.updatedAt, dates)}</dd>
${x.vendorName || x.vendorCaseRef ? `${dt('page.field.vendor')}<dd>${h([x.vendorName, x.vendorCaseRef, x.vendorContact].filter(Boolean).join(' · '))}</dd>` : ''}
${x.satisfaction !== null ? `${dt('page.field.rating')}<dd>${h(x.satisfaction)}/5</dd>` : ''}
${dt('page.field.description')}<dd><pre>${h(x.description)}</pre></dd></dl></section>`;
  const clock = (label: string, due: Date | null, done: Date | null) =>
    `<dt>${h(label)}</dt><dd>${
      due
        ? done
          ? sayHtml(t, done <= due ? 'page.clock.doneMet' : 'page.clock.doneLate', {
              due: { html: when(due, dates) },
              done: { html: when(done, dates) },
            })
          : sayHtml(t, 'page.clock.due', { due: { html: when(due, dates) }, when: { html: h(relative(t, due, now)) } })
        : '—'
    }</dd>`;
  const state = sla.state(x, now);
  const clocks = `<section class="card"><h2>${h(say('page.field.sla'))}</h2><dl id="sla"><dt>${h(say('page.clock.state'))}</dt><dd class="${state === 'breached' ? 'breached' : state === 'soon' ? 'soon' : ''}">${h(slaStateText(t, state))}</dd>
${clock(say('page.clock.firstResponse'), x.responseDueAt, x.firstResponseAt)}${clock(say('page.clock.resolution'), x.resolveDueAt, x.resolvedAt ?? x.closedAt)}</dl></section>`;
  const collected = `<section class="card"><h2>${h(say('page.ticket.collected'))}</h2>${
    collectedHtml(x.collected, dates, t) ?? `<p class="empty">${h(say('page.ticket.nothing'))}</p>`
  }</section>`;
  const transcript = `<section class="card"><h2>${h(say('page.ticket.transcript'))}</h2>${
    x.transcript.length
      ? x.transcript
          .map(
            (l) =>
              `<p class="line"><b>${h(authorText(t, l.author))}</b><span class="muted">${whenText(l.at, dates)}</span><br>${h(l.text)}</p>`,
          )
          .join('')
      : `<p class="empty">${h(say('page.ticket.noTranscript'))}</p>`
  }</section>`;
  const comments = input.events.filter((e) => e.type === 'comment');
  const conversation = `<section class="card"><h2>${h(say('page.ticket.conversation'))}</h2>${
    comments.length
      ? comments
          .map(
            (e) =>
              `<p class="line"><b>${h(e.actorName ?? e.actorId)}</b><span class="muted">${when(e.createdAt, dates)}${e.detail.internal === true ? ` · ${h(say('page.ticket.internalNote'))}` : ''}</span><br>${h(String(e.detail.text ?? ''))}</p>`,
          )
          .join('')
      : `<p class="empty">${h(say('page.ticket.noMessages'))}</p>`
  }</section>`;
  const events = `<section class="card"><h2>${h(say('page.ticket.history'))}</h2><table id="events"><thead><tr><th>${h(say('page.history.when'))}</th><th>${h(say('page.history.who'))}</th><th>${h(say('page.history.what'))}</th><th>${h(say('page.history.from'))}</th></tr></thead><tbody>${input.events
    .map(
      (e) =>
        `<tr><td>${when(e.createdAt, dates)}</td><td>${h(e.actorName ?? e.actorId)}</td><td>${h(eventWhat(t, e))}</td><td>${h(channelOfEvent(e, x))}</td></tr>`,
    )
    .join('')}</tbody></table></section>`;
  // Settled tickets are reopened from chat by their requester; the forms would only be refused.
  const actions = input.canAct && x.status !== 'resolved' && x.status !== 'closed' ? actionForms(t, input) : '';
  return layout(
    t,
    `${x.key}: ${x.subject}`,
    `<p><a href="/web">${h(say('page.ticket.backToQueue'))}</a></p><h1>${h(x.key)}: ${h(x.subject)}</h1>${notice}${actions}${fields}${clocks}${conversation}${transcript}${collected}${events}`,
    input,
  );
}

/** Who wrote a transcript line, in the reader's words (an unknown author as stored). */
function authorText(t: PageTexts, author: string): string {
  return author === 'user'
    ? t.say('page.author.user')
    : author === 'bot'
      ? t.say('page.author.bot')
      : author === 'agent'
        ? t.say('page.author.agent')
        : author;
}

function actionForms(t: PageTexts, input: TicketPageInput): string {
  const { ticket: x, csrf } = input;
  const { say } = t;
  const form = (action: string, label: string, inner = '') =>
    `<form method="post" action="/web/tickets/${encodeURIComponent(x.key)}/actions" id="action-${h(action)}"><input type="hidden" name="csrf" value="${h(csrf)}"><input type="hidden" name="action" value="${h(action)}">${inner}<button type="submit">${h(label)}</button></form>`;
  const select = (name: string, values: ReadonlyArray<string | { id: string; name: string }>, selected?: string) =>
    `<select name="${name}" required>${values
      .map((v) => (typeof v === 'string' ? { id: v, name: v } : v))
      .map((v) => `<option value="${h(v.id)}"${v.id === selected ? ' selected' : ''}>${h(v.name)}</option>`)
      .join('')}</select>`;
  const reason = (required: boolean) =>
    `<input name="reason" maxlength="500" placeholder="${h(say(required ? 'page.action.reason' : 'page.action.reasonOptional'))}"${required ? ' required' : ''}>`;
  const forms = [
    x.assigneeId ? '' : form('claim', say('eng.button.claim')),
    input.engineers.length ? form('assign', say('eng.button.assign'), select('assignee', input.engineers)) : '',
    x.tier === 'L4'
      ? ''
      : form(
          'escalate',
          say('eng.button.escalate'),
          `${select(
            'tier',
            tiers.filter((y) => y > x.tier),
          )}${reason(true)}`,
        ),
    form(
      'resolve',
      say('eng.button.resolve'),
      `<textarea name="resolution" maxlength="2000" rows="2" placeholder="${h(say('page.action.howFixed'))}" required></textarea>`,
    ),
    form('priority', say('eng.form.changePriority'), `${select('priority', priorities, x.priority)}${reason(false)}`),
    form(
      'category',
      say('eng.form.changeCategory'),
      `${select('category', input.categories, x.category)}${reason(false)}`,
    ),
  ];
  return `<section class="card"><h2>${h(say('page.action.title'))}</h2><div class="actions">${forms.join('')}</div></section>`;
}

/**
 * The time zone page: one select, sent back to the page the reader came from (its filters kept as
 * hidden fields) with ?tz=, which every page reads and the cookie remembers.
 */
export function timeZonePage(
  frame: PageFrame,
  back: { path: string; params: Array<[string, string]> },
  zones: readonly string[],
): string {
  const t = textsOf(frame);
  const { say } = t;
  const current = frame.zone?.timeZone ?? 'UTC';
  const options = zones
    .map((z) => `<option value="${h(z)}"${z === current ? ' selected' : ''}>${h(z.replaceAll('_', ' '))}</option>`)
    .join('');
  const hidden = back.params
    .filter(([name]) => name !== 'lang')
    .map(([name, value]) => `<input type="hidden" name="${h(name)}" value="${h(value)}">`)
    .join('');
  const why =
    frame.zone?.from === 'default'
      ? say('page.zonePage.default')
      : frame.zone?.from === 'chat'
        ? say('page.zonePage.fromChat', { zone: frame.zone.timeZone })
        : say('page.zonePage.chosen', { zone: frame.zone?.timeZone ?? 'UTC' });
  const title = say('page.zonePage.title');
  return layout(
    t,
    title,
    `<h1>${h(title)}</h1><p id="zone-why">${h(why)} ${h(say('page.zonePage.remembered'))}</p>` +
      `<form class="filters" method="get" action="${h(back.path)}" id="zone-form">${hidden}<label>${h(say('page.zonePage.label'))}<select name="tz" id="tz">${options}</select></label><button type="submit">${h(say('page.zonePage.submit'))}</button></form>`,
    frame,
  );
}
