import type { types } from '@slack/bolt';
import type { Choice, Reply } from '../../core/conversation/turn.js';
import type { LanguageCode } from '../../core/language/languages.js';
import { messagesFor, statusText, type Say } from '../../core/messages/catalogue.js';
import { priorityChoices } from '../../core/tickets/ticket-form.js';
import type { QueueView } from '../../core/tickets/queue-view.js';
import type { Ticket } from '../../core/tickets/ticket.js';
import { vendorLine, type ActionInput, type TicketChoice, type TriageCard } from '../../core/tickets/triage-card.js';
import { clip, escapeInline, escapeMrkdwn, markdownToMrkdwn, mention } from './mrkdwn.js';

type Block = types.KnownBlock;
type Button = types.Button;

/** A chat message: blocks plus the plain-text fallback Slack uses for notifications. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

// Slack's limits: section text 3,000, button label 75, button value 2,000, 25 elements per actions block.
const SECTION_MAX = 2_900;

/** Separates our suffix from the core's action id; action ids must be unique within a block. */
export const ACTION_SUFFIX = '#';

/** The core's action id from a Block Kit action id such as "article.show#2". */
export function coreActionId(actionId: string): string {
  const at = actionId.indexOf(ACTION_SUFFIX);
  return at === -1 ? actionId : actionId.slice(0, at);
}

function button(choice: Choice | TicketChoice, index: number): Button {
  return {
    type: 'button',
    text: { type: 'plain_text', text: clip(choice.label, 75), emoji: true },
    action_id: `${choice.action.id}${ACTION_SUFFIX}${index}`,
    ...(choice.action.value !== undefined ? { value: choice.action.value.slice(0, 2000) } : {}),
    ...(choice.style ? { style: choice.style } : {}),
  };
}

function actionsBlock(choices: readonly (Choice | TicketChoice)[], blockId?: string): Block[] {
  if (choices.length === 0) return [];
  return [{ type: 'actions', ...(blockId ? { block_id: blockId } : {}), elements: choices.slice(0, 25).map(button) }];
}

function section(mrkdwn: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn, SECTION_MAX) } };
}

function context(mrkdwn: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(mrkdwn, SECTION_MAX) }] };
}

/**
 * The fallback text Slack shows in notifications and where blocks cannot be shown. It is parsed
 * as mrkdwn like the blocks, so it is escaped like them: a broadcast or a disguised link there
 * notifies or leads people just the same.
 */
function fallback(mrkdwn: string): string {
  return clip(mrkdwn, 300);
}

/** One core reply as a Slack message. */
export function renderReply(reply: Reply): SlackMessage {
  const text = clip(markdownToMrkdwn(reply.markdown), SECTION_MAX);
  switch (reply.kind) {
    case 'answer':
      return {
        text: fallback(text),
        blocks: [
          section(text),
          context(
            messagesFor(reply.language)('answer.source', {
              link: `<${reply.article.url}|${escapeMrkdwn(reply.article.title).replace(/\|/g, '/')}>`,
            }),
          ),
          ...actionsBlock(reply.choices),
        ],
      };
    case 'suggestions':
      return { text: fallback(text), blocks: [section(text), ...actionsBlock(reply.choices)] };
    case 'ticket': {
      const t = reply.ticket;
      const say = messagesFor(reply.language);
      const status = say('ticket.summary.status', { status: `*${statusText(reply.language, t.status)}*` });
      return {
        text: fallback(text),
        blocks: [
          section(text),
          context(
            `*${t.key}* · ${escapeInline(t.subject)} · ${status} · ${t.priority} · ${t.tier} · ${escapeMrkdwn(t.category)}${
              t.assignee ? ` · ${say('ticket.summary.with', { name: escapeInline(t.assignee) })}` : ''
            }`,
          ),
          ...actionsBlock(reply.choices ?? []),
        ],
      };
    }
    default:
      return { text: fallback(text), blocks: [section(text), ...actionsBlock(reply.choices ?? [])] };
  }
}

const STATUS_EMOJI: Record<Ticket['status'], string> = {
  new: ':new:',
  claimed: ':raising_hand:',
  escalated: ':arrow_double_up:',
  waiting: ':hourglass_flowing_sand:',
  resolved: ':white_check_mark:',
  closed: ':lock:',
  reopened: ':leftwards_arrow_with_hook:',
};

/** An SLA state's mark before its words; the words are the engineers' language's. */
const SLA_MARK: Record<TriageCard['sla'], string> = {
  ok: '',
  soon: ':warning: ',
  breached: ':rotating_light: ',
  met: '',
  none: '',
};

/** "on track", ":warning: breaching soon"... in `say`'s language; '' without an SLA. */
function slaLabel(sla: TriageCard['sla'], say: Say): string {
  return sla === 'none' ? '' : `${SLA_MARK[sla]}${say(`eng.sla.${sla}`)}`;
}

/** Slack's own date formatting shows each reader the time in their time zone. */
export function slackDate(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${at.toISOString()}>`;
}

/** The triage card for engineers, with the buttons its status allows, in the card's language (the engineers'). */
export function triageCardMessage(card: TriageCard): SlackMessage {
  const say = messagesFor(card.language);
  const slackRequester = mention(card.requester.id).startsWith('<@');
  const requester = `${mention(card.requester.id, card.requester.name)}${slackRequester && card.requester.name ? ` (${escapeInline(card.requester.name)})` : ''}`;
  const assignee = card.assignee ? mention(card.assignee.id, card.assignee.name) : `_${say('eng.card.unclaimed')}_`;
  const sla = slaLabel(card.sla, say);
  const due = card.due
    ? `${say(card.due.kind === 'response' ? 'eng.card.responseDue' : 'eng.card.resolutionDue', { date: slackDate(card.due.at) })} ${sla}`
    : sla
      ? `SLA ${sla}`
      : '';
  const fields: types.MrkdwnElement[] = [
    {
      type: 'mrkdwn',
      text: `*${say('eng.card.status')}*\n${STATUS_EMOJI[card.status]} ${statusText(card.language, card.status)}`,
    },
    { type: 'mrkdwn', text: `*${say('eng.card.priority')}*\n${card.priority}` },
    { type: 'mrkdwn', text: `*${say('eng.card.requester')}*\n${requester}` },
    { type: 'mrkdwn', text: `*${say('eng.card.assignee')}*\n${assignee}` },
    { type: 'mrkdwn', text: `*${say('eng.card.tierCategory')}*\n${card.tier} · ${escapeMrkdwn(card.category)}` },
    { type: 'mrkdwn', text: `*${say('eng.card.sla')}*\n${due || say('eng.card.slaNone')}` },
  ];
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${card.key} · ${card.subject}`, 150), emoji: false } },
    { type: 'section', fields },
    section(`*${say('eng.card.whatWeKnow')}*\n${escapeMrkdwn(card.summary)}`),
  ];
  if (card.vendor)
    blocks.push(section(`*${say('eng.card.vendor')}*\n${escapeMrkdwn(vendorLine(card.vendor, card.language))}`));
  if (card.prediction)
    blocks.push(
      context(escapeMrkdwn([card.prediction.summary, ...card.prediction.why.map((why) => `· ${why}`)].join('\n'))),
    );
  if (card.satisfaction)
    blocks.push(
      context(
        `${say('eng.card.rating')}: ${'★'.repeat(card.satisfaction)}${'☆'.repeat(5 - card.satisfaction)} (${card.satisfaction}/5)`,
      ),
    );
  blocks.push(...actionsBlock(card.choices, `ticket:${card.key}`));
  blocks.push(context(say('eng.card.replyHint.slack')));
  return {
    text: fallback(
      `${card.key} (${card.priority}, ${statusText(card.language, card.status)}): ${escapeMrkdwn(clip(card.subject, 150))}`,
    ),
    blocks,
  };
}

/** A status line in the requester's thread, with rating buttons on resolve. */
export function requesterUpdateMessage(text: string, choices: TicketChoice[]): SlackMessage {
  return { text: fallback(text), blocks: [section(text), ...actionsBlock(choices)] };
}

/** A ticket on one line, its status in `language`'s words. */
export function ticketLine(ticket: Ticket, language: LanguageCode): string {
  return `*${ticket.key}* ${STATUS_EMOJI[ticket.status]} ${statusText(language, ticket.status)} · ${ticket.priority} · ${ticket.tier} · ${escapeInline(clip(ticket.subject, 80))}`;
}

function ticketRows(
  tickets: Ticket[],
  empty: string,
  language: LanguageCode,
  buttons: (ticket: Ticket) => Choice[],
): Block[] {
  if (tickets.length === 0) return [context(empty)];
  return tickets.slice(0, 15).flatMap((ticket) => {
    const choices = buttons(ticket);
    const first = choices[0];
    const line = ticketLine(ticket, language);
    const row: Block = first
      ? { type: 'section', text: { type: 'mrkdwn', text: line }, accessory: button(first, 0) }
      : section(line);
    return [row, ...actionsBlock(choices.slice(1))];
  });
}

/**
 * App Home: "My tickets" for everyone, in the person's language (`language`), and the queue for
 * engineers, in the engineers' (`engineersLanguage`, the deployment's).
 */
export function homeView(input: {
  mine: Ticket[];
  queue: QueueView | null;
  newTicketAction: string;
  language: LanguageCode;
  /** The engineers' language (the deployment's): the queue's. */
  engineersLanguage: LanguageCode;
}): types.HomeView {
  const say = messagesFor(input.language);
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: say('home.title') } },
    section(say('home.intro')),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: say('form.title') },
          action_id: input.newTicketAction,
          style: 'primary',
        },
      ],
    },
    { type: 'header', text: { type: 'plain_text', text: say('ticket.mine') } },
    ...ticketRows(input.mine, say('ticket.noneYet'), input.language, (ticket) => {
      const open = !['resolved', 'closed'].includes(ticket.status);
      return [
        ...(open ? [{ label: say('form.comment'), action: { id: 'ticket.comment', value: ticket.key } }] : []),
        ...(ticket.status === 'resolved'
          ? [{ label: say('form.reopen'), action: { id: 'ticket.reopen', value: ticket.key } }]
          : []),
      ];
    }),
  ];
  if (input.queue) {
    const q = input.queue;
    const words = input.engineersLanguage;
    const toEngineers = messagesFor(words);
    const claimButton = (ticket: Ticket): Choice[] =>
      ticket.assigneeId
        ? []
        : [
            {
              label: toEngineers('eng.button.claim'),
              action: { id: 'ticket.claim', value: ticket.key },
              style: 'primary',
            },
          ];
    const header = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text } });
    blocks.push(
      { type: 'divider' },
      header(toEngineers('eng.queue.breachingSoon', { count: q.breachingSoon.length })),
      ...ticketRows(q.breachingSoon, toEngineers('eng.queue.nothingSoon'), words, claimButton),
      header(toEngineers('eng.queue.unclaimed', { count: q.unclaimed.length })),
      ...ticketRows(q.unclaimed, toEngineers('eng.queue.allOwned'), words, claimButton),
      header(toEngineers('eng.queue.mine', { count: q.mine.length })),
      ...ticketRows(q.mine, toEngineers('eng.queue.noneClaimed'), words, () => []),
    );
  }
  // A home view holds at most 100 blocks.
  return { type: 'home', blocks: blocks.slice(0, 100) };
}

/** What a modal carries through Slack and back; set by us, returned in the signed submission. */
export interface ModalMetadata {
  /** ticket.form, or a ticket action id. */
  kind: string;
  ticketKey?: string;
  /** The thread a ticket form's ticket belongs to (message shortcut), if any. */
  thread?: { channel: string; threadTs: string };
  /** The requester when not the submitter (a ticket from someone else's message). */
  requester?: string;
  /** Where to answer the person afterwards. */
  reply?: { channel: string; threadTs?: string };
  context?: Record<string, string>;
  /** The language the form was shown in: its errors, and the conversation its ticket starts, speak it. */
  language?: string;
}

function plainInput(
  blockId: string,
  label: string,
  options: { multiline?: boolean; initial?: string; max?: number; placeholder?: string; optional?: boolean },
): Block {
  return {
    type: 'input',
    block_id: blockId,
    label: { type: 'plain_text', text: label },
    ...(options.optional ? { optional: true } : {}),
    element: {
      type: 'plain_text_input',
      action_id: 'value',
      ...(options.multiline ? { multiline: true } : {}),
      ...(options.initial ? { initial_value: clip(options.initial, options.max ?? 3000) } : {}),
      ...(options.max ? { max_length: options.max } : {}),
      ...(options.placeholder ? { placeholder: { type: 'plain_text', text: options.placeholder } } : {}),
    },
  };
}

function selectInput(
  blockId: string,
  label: string,
  options: Array<{ value: string; text: string }>,
  initial?: string,
): Block {
  const opts = options
    .slice(0, 100)
    .map((o) => ({ text: { type: 'plain_text' as const, text: clip(o.text, 75) }, value: o.value }));
  const initialOption = opts.find((o) => o.value === initial);
  return {
    type: 'input',
    block_id: blockId,
    label: { type: 'plain_text', text: label },
    element: {
      type: 'static_select',
      action_id: 'value',
      options: opts,
      ...(initialOption ? { initial_option: initialOption } : {}),
    },
  };
}

export const TICKET_FORM_CALLBACK = 'ticket_form';
export const TICKET_ACTION_CALLBACK = 'ticket_action';

/**
 * The "open a ticket" modal, in the person's language (`metadata.language`, which comes back with
 * the submission); field block ids are the core's field names, so errors land in place.
 */
export function ticketFormModal(input: {
  categories: string[];
  subject?: string;
  description?: string;
  category?: string;
  metadata: ModalMetadata & { language: LanguageCode };
}): types.ModalView {
  const say = messagesFor(input.metadata.language);
  return {
    type: 'modal',
    callback_id: TICKET_FORM_CALLBACK,
    private_metadata: JSON.stringify(input.metadata),
    title: { type: 'plain_text', text: clip(say('form.title'), 24) },
    submit: { type: 'plain_text', text: clip(say('form.submit'), 24) },
    close: { type: 'plain_text', text: clip(say('form.cancel'), 24) },
    blocks: [
      plainInput('subject', say('form.subject'), {
        initial: input.subject ?? '',
        max: 120,
        placeholder: say('form.subjectExample'),
      }),
      plainInput('description', say('form.description'), {
        multiline: true,
        initial: input.description ?? '',
        max: 3000,
        placeholder: say('form.descriptionExample'),
      }),
      selectInput('priority', say('form.priority'), priorityOptions(say), 'P3'),
      selectInput(
        'category',
        say('form.category'),
        input.categories.map((c) => ({ value: c, text: c })),
        input.category ?? 'general',
      ),
    ],
  };
}

function priorityOptions(say: Say): Array<{ value: string; text: string }> {
  return priorityChoices(say).map(({ value, label }) => ({ value, text: label }));
}

/** Block ids the view submission reads back (see slack-channel.ts). */
export const VENDOR_BLOCKS = { name: 'vendor_name', caseRef: 'vendor_case', contact: 'vendor_contact' } as const;

function vendorInputs(t: Ticket, say: Say, options: { nameRequired?: boolean } = {}): Block[] {
  return [
    plainInput(VENDOR_BLOCKS.name, say('eng.form.vendor'), {
      initial: t.vendorName ?? '',
      max: 200,
      placeholder: say('eng.form.vendorExample'),
      optional: !options.nameRequired,
    }),
    plainInput(VENDOR_BLOCKS.caseRef, say('eng.form.caseRef'), {
      initial: t.vendorCaseRef ?? '',
      max: 200,
      optional: true,
    }),
    plainInput(VENDOR_BLOCKS.contact, say('eng.form.contact'), {
      initial: t.vendorContact ?? '',
      max: 200,
      placeholder: say('eng.form.contactExample'),
      optional: true,
    }),
  ];
}

/**
 * The modal an engineer or requester fills in before a ticket action runs, in `language`: the
 * requester's (their ticket's) for the forms a requester can open (a comment, reopening), the
 * engineers' for the rest.
 */
export function ticketActionModal(input: {
  kind: ActionInput;
  ticket: Ticket;
  metadata: ModalMetadata;
  categories?: readonly string[];
  language: LanguageCode;
}): types.ModalView {
  const t = input.ticket;
  const say = messagesFor(input.language);
  const base = {
    type: 'modal' as const,
    callback_id: TICKET_ACTION_CALLBACK,
    private_metadata: JSON.stringify(input.metadata),
    close: { type: 'plain_text' as const, text: clip(say('form.cancel'), 24) },
  };
  const status = say('ticket.summary.status', { status: `*${statusText(input.language, t.status)}*` });
  const heading = section(
    `*${t.key}* · ${escapeInline(clip(t.subject, 200))}\n${status.charAt(0).toUpperCase()}${status.slice(1)} · ${t.priority} · ${t.tier}`,
  );
  switch (input.kind) {
    case 'escalation': {
      const higher = (['L2', 'L3', 'L4'] as const).filter((tier) => tier > t.tier);
      return {
        ...base,
        title: { type: 'plain_text', text: clip(say('eng.form.escalateTitle', { key: t.key }), 24) },
        submit: { type: 'plain_text', text: clip(say('eng.button.escalate'), 24) },
        blocks: [
          heading,
          selectInput(
            'tier',
            say('eng.form.toTier'),
            higher.map((tier) => ({ value: tier, text: tier === 'L4' ? say('eng.form.vendorTier') : tier })),
            higher[0],
          ),
          plainInput('reason', say('eng.form.escalateWhy'), { multiline: true, max: 2000 }),
          context(escapeMrkdwn(say('eng.form.l4Later', { button: `*${say('eng.button.vendor')}*` }))),
          ...vendorInputs(t, say),
        ],
      };
    }
    case 'vendor':
      return {
        ...base,
        title: { type: 'plain_text', text: clip(say('eng.form.vendorTitle', { key: t.key }), 24) },
        submit: { type: 'plain_text', text: clip(say('eng.form.save'), 24) },
        blocks: [heading, ...vendorInputs(t, say, { nameRequired: true })],
      };
    case 'resolution':
      return {
        ...base,
        title: { type: 'plain_text', text: clip(say('eng.form.resolveTitle', { key: t.key }), 24) },
        submit: { type: 'plain_text', text: clip(say('eng.button.resolve'), 24) },
        blocks: [
          heading,
          section(say('eng.form.resolveNote')),
          plainInput('resolution', say('eng.form.howResolved'), { multiline: true, max: 2000 }),
        ],
      };
    case 'assignee':
      return {
        ...base,
        title: { type: 'plain_text', text: clip(say('eng.form.reassignTitle', { key: t.key }), 24) },
        submit: { type: 'plain_text', text: clip(say('eng.button.reassign'), 24) },
        blocks: [
          heading,
          {
            type: 'input',
            block_id: 'assignee',
            label: { type: 'plain_text', text: say('eng.form.handTo') },
            element: { type: 'users_select', action_id: 'value' },
          },
        ],
      };
    case 'assign':
      return {
        ...base,
        title: { type: 'plain_text', text: clip(say('eng.form.assignTitle', { key: t.key }), 24) },
        submit: { type: 'plain_text', text: clip(say('eng.button.assign'), 24) },
        blocks: [
          heading,
          section(say('eng.form.assignNote')),
          {
            type: 'input',
            block_id: 'assignee',
            label: { type: 'plain_text', text: say('eng.form.giveTo') },
            element: { type: 'users_select', action_id: 'value' },
          },
        ],
      };
    case 'priority':
      return {
        ...base,
        title: { type: 'plain_text', text: clip(say('eng.form.priorityTitle', { key: t.key }), 24) },
        submit: { type: 'plain_text', text: clip(say('eng.form.change'), 24) },
        blocks: [
          heading,
          selectInput('priority', say('eng.card.priority'), priorityOptions(say), t.priority),
          context(escapeMrkdwn(say('eng.form.priorityNote'))),
          plainInput('reason', say('eng.form.why'), { multiline: true, max: 1000, optional: true }),
        ],
      };
    case 'category':
      return {
        ...base,
        title: { type: 'plain_text', text: clip(say('eng.form.categoryTitle', { key: t.key }), 24) },
        submit: { type: 'plain_text', text: clip(say('eng.form.change'), 24) },
        blocks: [
          heading,
          selectInput(
            'category',
            say('eng.button.category'),
            (input.categories ?? [t.category]).map((c) => ({ value: c, text: c })),
            t.category,
          ),
          context(escapeMrkdwn(say('eng.form.categoryNote'))),
          plainInput('reason', say('eng.form.why'), { multiline: true, max: 1000, optional: true }),
        ],
      };
    case 'comment':
      return {
        ...base,
        title: { type: 'plain_text', text: clip(say('form.commentTitle', { key: t.key }), 24) },
        submit: { type: 'plain_text', text: clip(say('form.send'), 24) },
        blocks: [heading, plainInput('text', say('form.commentLabel'), { multiline: true, max: 3000 })],
      };
    case 'reason':
      return {
        ...base,
        title: { type: 'plain_text', text: clip(say('form.reopenTitle', { key: t.key }), 24) },
        submit: { type: 'plain_text', text: clip(say('form.reopen'), 24) },
        blocks: [heading, plainInput('reason', say('form.reopenLabel'), { multiline: true, max: 2000 })],
      };
  }
}
