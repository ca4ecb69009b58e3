import type { SlaPolicy } from '../core/tickets/sla-policy.js';
import { priorities, ticketStatuses, tiers, type Ticket, type TicketEvent } from '../core/tickets/ticket.js';
import type { TicketQuery } from '../core/web/ticket-filter.js';
import { canSeeReports, type WebPerson } from '../core/web/web-access.js';
import { escapeHtml as h } from '../reports/render-html.js';
import { collectedHtml } from './collected-view.js';
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
header a{color:#fff}header .zone{font-size:.85rem}header .who{margin-left:auto}header form{display:inline}
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

/** Who is signed in, and the zone the page's dates are in with the page's own address (for the zone link). */
export interface PageFrame {
  person: WebPerson;
  csrf: string;
  zone?: ReaderZone;
  /** This page's path and query, where the time zone page sends the reader back to. */
  here?: string;
}

/** A page's frame: header with who is signed in, the reports for leads, the time zone, a sign-out form; `style` adds a page's own rules. */
export function layout(title: string, body: string, who?: PageFrame, style = ''): string {
  const zone = who?.zone
    ? `<a class="zone" id="zone-link" href="/web/time-zone?back=${encodeURIComponent(who.here ?? '/web')}">${
        who.zone.from === 'default'
          ? 'Times in UTC · set your zone'
          : `Times in ${h(who.zone.timeZone.replaceAll('_', ' '))}${who.zone.from === 'chat' ? ', from chat' : ''}`
      }</a>`
    : '';
  const header = who
    ? `<header><a href="/web">Helpdesk</a>${canSeeReports(who.person) ? '<a href="/web/reports">Reports</a>' : ''}${zone}<span class="who">${h(who.person.name ?? who.person.id)} · ${h(who.person.role)} · ${h(who.person.channel)}</span>` +
      `<form method="post" action="/web/sign-out"><input type="hidden" name="csrf" value="${h(who.csrf)}"><button type="submit">Sign out</button></form></header>`
    : '<header><span>Helpdesk</span></header>';
  const notice = who?.zone?.notice
    ? `<p class="notice error" role="alert" id="zone-notice">${h(who.zone.notice)}</p>`
    : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="referrer" content="no-referrer"><title>${h(title)}</title><style>${STYLE}${style}</style></head><body>${header}<main>${notice}${body}</main></body></html>`;
}

/** The page for a refused link or a missing session. */
export function messagePage(title: string, text: string): string {
  return layout(title, `<h1>${h(title)}</h1><p>${h(text)}</p>`);
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

function relative(date: Date, now: Date): string {
  const minutes = Math.round((date.getTime() - now.getTime()) / 60_000);
  const size = Math.abs(minutes);
  const text =
    size < 90 ? `${size} min` : size < 48 * 60 ? `${Math.round(size / 60)} h` : `${Math.round(size / 1440)} days`;
  return minutes >= 0 ? `in ${text}` : `${text} ago`;
}

function slaCell(ticket: Ticket, sla: SlaPolicy, now: Date): string {
  const state = sla.state(ticket, now);
  const due = sla.nextDue(ticket);
  const label = due ? `${due.kind} ${relative(due.at, now)}` : state;
  return `<span class="${state === 'breached' ? 'breached' : state === 'soon' ? 'soon' : ''}">${h(state === 'breached' ? `breached (${label})` : label)}</span>`;
}

function options(values: readonly string[], selected: string | undefined, any = 'any'): string {
  return [
    `<option value="">${h(any)}</option>`,
    ...values.map((v) => `<option value="${h(v)}"${v === selected ? ' selected' : ''}>${h(v)}</option>`),
  ].join('');
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
  const dates = new ReaderDates(input.zone?.timeZone ?? 'UTC');
  const filters = `<form class="filters" method="get" action="/web">
<label>Search<input type="search" name="q" value="${h(query.search ?? '')}" maxlength="200" placeholder="subject or description"></label>
<label>Status<select name="status">${options(ticketStatuses, query.status, 'open')}</select></label>
<label>Tier<select name="tier">${options(tiers, query.tier)}</select></label>
<label>Priority<select name="priority">${options(priorities, query.priority)}</select></label>
<label>Category<select name="category">${options(input.categories, query.category)}</select></label>
<label>Channel<select name="channel">${options(input.channels, query.channel)}</select></label>
<label>Assignee<input name="assignee" value="${h(query.assignee ?? '')}" maxlength="100" placeholder="id, name or - for nobody"></label>
<label><span>Breaching</span><select name="breaching"><option value="">any</option><option value="1"${query.breaching ? ' selected' : ''}>breached or soon</option></select></label>
<button type="submit">Filter</button></form>`;
  const rows = input.tickets
    .map(
      (t) =>
        `<tr><td data-label="Key"><a href="/web/tickets/${encodeURIComponent(t.key)}">${h(t.key)}</a></td><td data-label="Subject">${h(t.subject)}</td>` +
        `<td data-label="Status">${h(t.status)}</td><td data-label="Priority">${h(t.priority)}</td><td data-label="Tier">${h(t.tier)}</td><td data-label="Category">${h(t.category)}</td>` +
        `<td data-label="Channel">${h(t.channel)}</td><td data-label="Assignee">${h(t.assigneeName ?? t.assigneeId ?? '—')}</td><td data-label="SLA">${slaCell(t, sla, now)}</td><td data-label="Opened">${when(t.createdAt, dates)}</td></tr>`,
    )
    .join('');
  const table = input.tickets.length
    ? `<table class="queue"><thead><tr><th>Key</th><th>Subject</th><th>Status</th><th>Priority</th><th>Tier</th><th>Category</th><th>Channel</th><th>Assignee</th><th>SLA</th><th>Opened</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="empty">No tickets match.</p>';
  const plural = (n: number) => `${n.toLocaleString('en')} ticket${n === 1 ? '' : 's'}`;
  const count =
    input.total > input.tickets.length || input.firstHref
      ? `${plural(input.total)} · ${input.tickets.length} on this page`
      : plural(input.total);
  const pages =
    input.firstHref || input.nextHref
      ? `<nav class="pages">${input.firstHref ? `<a id="first-page" href="${h(input.firstHref)}">← First page</a>` : ''}${
          input.nextHref ? `<a id="next-page" href="${h(input.nextHref)}">Next page →</a>` : ''
        }</nav>`
      : '';
  const exports = `<p class="export">Export this filter: <a id="export-csv" href="/web/export.csv?${input.queryString}">CSV</a> · <a id="export-json" href="/web/export.json?${input.queryString}">JSON</a></p>`;
  const error = input.error ? `<p class="notice error" role="alert">${h(input.error)}</p>` : '';
  return layout(
    'Queue',
    `<h1>Queue</h1>${error}${filters}<p class="muted" id="count">${h(count)}</p>${table}${pages}${exports}`,
    input,
  );
}

/** An employee's own tickets. */
export function minePage(frame: PageFrame, tickets: Ticket[]): string {
  const dates = new ReaderDates(frame.zone?.timeZone ?? 'UTC');
  const rows = tickets
    .map(
      (t) =>
        `<tr><td data-label="Key"><a href="/web/tickets/${encodeURIComponent(t.key)}">${h(t.key)}</a></td><td data-label="Subject">${h(t.subject)}</td><td data-label="Status">${h(t.status)}</td><td data-label="Opened">${when(t.createdAt, dates)}</td></tr>`,
    )
    .join('');
  const body = tickets.length
    ? `<table class="queue"><thead><tr><th>Key</th><th>Subject</th><th>Status</th><th>Opened</th></tr></thead><tbody>${rows}</tbody></table>`
    : '<p class="empty">You have no tickets.</p>';
  return layout('Your tickets', `<h1>Your tickets</h1>${body}`, frame);
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

function eventWhat(event: TicketEvent): string {
  const parts: string[] = [event.type];
  if (event.fromStatus !== event.toStatus && event.toStatus)
    parts.push(`${event.fromStatus ?? '—'} → ${event.toStatus}`);
  const d = event.detail;
  if (event.type === 'priority' || event.type === 'category')
    parts.push(`${String(d.from ?? '')} → ${String(d.to ?? '')}`);
  for (const name of ['tier', 'reason', 'resolution', 'assignee', 'assigneeName', 'score']) {
    if (d[name] !== undefined && d[name] !== null && typeof d[name] !== 'object')
      parts.push(`${name}: ${String(d[name])}`);
  }
  return parts.join(' · ');
}

/** A ticket's whole story: fields, SLA clocks, what the bot collected, every event, the conversation and (engineers) the actions. */
export function ticketPage(input: TicketPageInput): string {
  const { ticket: t, sla, now } = input;
  const dates = new ReaderDates(input.zone?.timeZone ?? 'UTC');
  const notice = input.notice
    ? `<p class="notice${input.notice.error ? ' error' : ''}" role="${input.notice.error ? 'alert' : 'status'}" id="notice">${h(input.notice.text)}</p>`
    : '';
  const fields = `<section class="card"><h2>Fields</h2><dl id="fields">
<dt>Subject</dt><dd id="subject">${h(t.subject)}</dd><dt>Status</dt><dd id="status">${h(t.status)}</dd><dt>Priority</dt><dd id="priority">${h(t.priority)}</dd>
<dt>Tier</dt><dd>${h(t.tier)}</dd><dt>Category</dt><dd id="category">${h(t.category)}</dd><dt>Channel</dt><dd>${h(t.channel)}</dd>
<dt>Requester</dt><dd>${h(t.requesterName ?? t.requesterId)}</dd><dt>Assignee</dt><dd id="assignee">${h(t.assigneeName ?? t.assigneeId ?? '—')}</dd>
<dt>Opened</dt><dd>${when(t.createdAt, dates)}</dd><dt>Updated</dt><dd>${when(t.updatedAt, dates)}</dd>
${t.vendorName || t.vendorCaseRef ? `<dt>Vendor</dt><dd>${h([t.vendorName, t.vendorCaseRef, t.vendorContact].filter(Boolean).join(' · '))}</dd>` : ''}
${t.satisfaction !== null ? `<dt>Rating</dt><dd>${h(t.satisfaction)}/5</dd>` : ''}
<dt>Description</dt><dd><pre>${h(t.description)}</pre></dd></dl></section>`;
  const clock = (label: string, due: Date | null, done: Date | null) =>
    `<dt>${h(label)}</dt><dd>${due ? `due ${when(due, dates)}${done ? `; done ${when(done, dates)} (${done <= due ? 'met' : 'late'})` : ` (${h(relative(due, now))})`}` : '—'}</dd>`;
  const state = sla.state(t, now);
  const clocks = `<section class="card"><h2>SLA</h2><dl id="sla"><dt>State</dt><dd class="${state === 'breached' ? 'breached' : state === 'soon' ? 'soon' : ''}">${h(state)}</dd>
${clock('First response', t.responseDueAt, t.firstResponseAt)}${clock('Resolution', t.resolveDueAt, t.resolvedAt ?? t.closedAt)}</dl></section>`;
  const collected = `<section class="card"><h2>What the bot collected</h2>${
    collectedHtml(t.collected, dates) ?? '<p class="empty">Nothing.</p>'
  }</section>`;
  const transcript = `<section class="card"><h2>Transcript before the ticket</h2>${
    t.transcript.length
      ? t.transcript
          .map(
            (l) =>
              `<p class="line"><b>${h(l.author)}</b><span class="muted">${whenText(l.at, dates)}</span><br>${h(l.text)}</p>`,
          )
          .join('')
      : '<p class="empty">No transcript.</p>'
  }</section>`;
  const comments = input.events.filter((e) => e.type === 'comment');
  const conversation = `<section class="card"><h2>Conversation with the requester</h2>${
    comments.length
      ? comments
          .map(
            (e) =>
              `<p class="line"><b>${h(e.actorName ?? e.actorId)}</b><span class="muted">${when(e.createdAt, dates)}${e.detail.internal === true ? ' · internal note' : ''}</span><br>${h(String(e.detail.text ?? ''))}</p>`,
          )
          .join('')
      : '<p class="empty">No messages since the ticket was opened.</p>'
  }</section>`;
  const events = `<section class="card"><h2>History</h2><table id="events"><thead><tr><th>When</th><th>Who</th><th>What</th><th>From</th></tr></thead><tbody>${input.events
    .map(
      (e) =>
        `<tr><td>${when(e.createdAt, dates)}</td><td>${h(e.actorName ?? e.actorId)}</td><td>${h(eventWhat(e))}</td><td>${h(channelOfEvent(e, t))}</td></tr>`,
    )
    .join('')}</tbody></table></section>`;
  // Settled tickets are reopened from chat by their requester; the forms would only be refused.
  const actions = input.canAct && t.status !== 'resolved' && t.status !== 'closed' ? actionForms(input) : '';
  return layout(
    `${t.key}: ${t.subject}`,
    `<p><a href="/web">← Queue</a></p><h1>${h(t.key)}: ${h(t.subject)}</h1>${notice}${actions}${fields}${clocks}${conversation}${transcript}${collected}${events}`,
    input,
  );
}

function actionForms(input: TicketPageInput): string {
  const { ticket: t, csrf } = input;
  const form = (action: string, label: string, inner = '') =>
    `<form method="post" action="/web/tickets/${encodeURIComponent(t.key)}/actions" id="action-${h(action)}"><input type="hidden" name="csrf" value="${h(csrf)}"><input type="hidden" name="action" value="${h(action)}">${inner}<button type="submit">${h(label)}</button></form>`;
  const select = (name: string, values: ReadonlyArray<string | { id: string; name: string }>, selected?: string) =>
    `<select name="${name}" required>${values
      .map((v) => (typeof v === 'string' ? { id: v, name: v } : v))
      .map((v) => `<option value="${h(v.id)}"${v.id === selected ? ' selected' : ''}>${h(v.name)}</option>`)
      .join('')}</select>`;
  const reason = (required: boolean) =>
    `<input name="reason" maxlength="500" placeholder="reason${required ? '' : ' (optional)'}"${required ? ' required' : ''}>`;
  const forms = [
    t.assigneeId ? '' : form('claim', 'Claim'),
    input.engineers.length ? form('assign', 'Assign', select('assignee', input.engineers)) : '',
    t.tier === 'L4'
      ? ''
      : form(
          'escalate',
          'Escalate',
          `${select(
            'tier',
            tiers.filter((x) => x > t.tier),
          )}${reason(true)}`,
        ),
    form(
      'resolve',
      'Resolve',
      '<textarea name="resolution" maxlength="2000" rows="2" placeholder="how it was fixed" required></textarea>',
    ),
    form('priority', 'Change priority', `${select('priority', priorities, t.priority)}${reason(false)}`),
    form('category', 'Change category', `${select('category', input.categories, t.category)}${reason(false)}`),
  ];
  return `<section class="card"><h2>Actions</h2><div class="actions">${forms.join('')}</div></section>`;
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
  const current = frame.zone?.timeZone ?? 'UTC';
  const options = zones
    .map((z) => `<option value="${h(z)}"${z === current ? ' selected' : ''}>${h(z.replaceAll('_', ' '))}</option>`)
    .join('');
  const hidden = back.params
    .map(([name, value]) => `<input type="hidden" name="${h(name)}" value="${h(value)}">`)
    .join('');
  const why =
    frame.zone?.from === 'default'
      ? 'Dates are shown in UTC until you choose: these pages run no script, so they cannot read your browser’s time zone, and your chat gave none.'
      : frame.zone?.from === 'chat'
        ? `Dates are shown in ${frame.zone.timeZone}, the time zone your chat gave when you asked for the sign-in link.`
        : `Dates are shown in ${frame.zone?.timeZone ?? 'UTC'}, as you chose in this browser.`;
  return layout(
    'Time zone',
    `<h1>Time zone</h1><p id="zone-why">${h(why)} Your choice is remembered in this browser (a cookie, for a year) and used on every page: the queue, tickets and reports.</p>` +
      `<form class="filters" method="get" action="${h(back.path)}" id="zone-form">${hidden}<label>Time zone<select name="tz" id="tz">${options}</select></label><button type="submit">Use this zone</button></form>`,
    frame,
  );
}
