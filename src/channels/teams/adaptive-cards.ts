import type { Choice, Reply } from '../../core/conversation/turn.js';
import type { LanguageCode } from '../../core/language/languages.js';
import { messagesFor, statusText } from '../../core/messages/catalogue.js';
import type { QueueView } from '../../core/tickets/queue-view.js';
import { priorityChoices, type TicketFormField } from '../../core/tickets/ticket-form.js';
import type { Ticket } from '../../core/tickets/ticket.js';
import { vendorLine, type TicketChoice, type TriageCard } from '../../core/tickets/triage-card.js';
import { clipText, escapeCardText } from './card-text.js';

/** An Adaptive Card as JSON (schema 1.4, what Teams renders everywhere, with Action.Execute). */
export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard' };

/** What every button of ours carries back: the core's action id and its reference value. */
export interface ButtonData {
  helpdesk: { action: string; value?: string };
}

const CARD = {
  type: 'AdaptiveCard' as const,
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
  version: '1.4',
};

/** The core writes markdown with **bold**; Adaptive Cards want the same, so only headings are converted. */
function cardMarkdown(markdown: string): string {
  return markdown.replace(/^#{1,6}\s+(.+)$/gm, '**$1**');
}

function text(value: string, options: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'TextBlock', text: value, wrap: true, ...options };
}

function submit(choice: Choice): Record<string, unknown> {
  const data: ButtonData = {
    helpdesk: {
      action: choice.action.id,
      ...(choice.action.value !== undefined ? { value: choice.action.value } : {}),
    },
  };
  return {
    type: 'Action.Submit',
    title: clipText(choice.label, 40),
    data,
    ...(choice.style === 'primary' ? { style: 'positive' } : choice.style === 'danger' ? { style: 'destructive' } : {}),
  };
}

/** One core reply as an Adaptive Card (buttons as Action.Submit: they work in every Teams client). */
export function replyCard(reply: Reply): AdaptiveCard {
  const body: Array<Record<string, unknown>> = [text(cardMarkdown(reply.markdown))];
  if (reply.kind === 'answer')
    body.push(
      text(
        messagesFor(reply.language)('answer.source', {
          link: `[${escapeCardText(reply.article.title)}](${reply.article.url})`,
        }),
        { isSubtle: true, size: 'Small' },
      ),
    );
  if (reply.kind === 'ticket') {
    const t = reply.ticket;
    const say = messagesFor(reply.language);
    body.push({
      type: 'FactSet',
      facts: [
        { title: say('ticket.field.ticket'), value: t.key },
        { title: say('ticket.field.subject'), value: escapeCardText(t.subject) },
        { title: say('ticket.field.status'), value: statusText(reply.language, t.status) },
        { title: say('ticket.field.priority'), value: t.priority },
        ...(t.assignee ? [{ title: say('ticket.field.with'), value: escapeCardText(t.assignee) }] : []),
      ],
    });
  }
  const choices = reply.choices ?? [];
  return { ...CARD, body, ...(choices.length ? { actions: choices.slice(0, 6).map(submit) } : {}) };
}

/** An SLA state's mark before its words; the words are the engineers' language's. */
const SLA_MARK: Record<TriageCard['sla'], string> = {
  ok: '',
  soon: '⚠️ ',
  breached: '🚨 ',
  met: '',
  none: '',
};

function execute(
  choice: TicketChoice,
  extraData: Record<string, unknown> = {},
  title = choice.label,
): Record<string, unknown> {
  const data = { ...extraData, helpdesk: { action: choice.action.id, value: choice.action.value } };
  return {
    type: 'Action.Execute',
    title,
    verb: choice.action.id,
    data,
    ...(choice.style === 'primary' ? { style: 'positive' } : {}),
    // Clients without Universal Actions send the same data as a message.
    fallback: { type: 'Action.Submit', title, data },
  };
}

function vendorInputs(card: TriageCard, nameRequired: boolean): Array<Record<string, unknown>> {
  const v = card.vendor;
  const say = messagesFor(card.language);
  return [
    {
      type: 'Input.Text',
      id: 'vendorName',
      label: say('eng.form.vendor'),
      maxLength: 200,
      value: v?.name ?? '',
      ...(nameRequired ? { isRequired: true, errorMessage: say('eng.form.vendorMissing') } : {}),
    },
    {
      type: 'Input.Text',
      id: 'vendorCaseRef',
      label: say('eng.form.caseRef'),
      maxLength: 200,
      value: v?.caseRef ?? '',
    },
    {
      type: 'Input.Text',
      id: 'vendorContact',
      label: say('eng.form.contact'),
      maxLength: 200,
      value: v?.contact ?? '',
    },
  ];
}

/** The triage card: facts, what the bot tried, and the buttons the status allows; inputs ride in show-cards. */
export function triageCardJson(
  card: TriageCard,
  engineers: Array<{ id: string; name: string }>,
  categories: readonly string[] = [card.category],
): AdaptiveCard {
  const say = messagesFor(card.language);
  const sla = card.sla === 'none' ? '' : `${SLA_MARK[card.sla]}${say(`eng.sla.${card.sla}`)}`;
  const due = card.due
    ? `${say(card.due.kind === 'response' ? 'eng.card.responseDue' : 'eng.card.resolutionDue', { date: `${card.due.at.toISOString().replace('T', ' ').slice(0, 16)} UTC` })} ${sla}`
    : sla || say('eng.card.slaNone');
  // Actions that need input show it in a show-card whose button runs the action with the inputs.
  const showCard = (choice: TicketChoice, body: Array<Record<string, unknown>>, submit: string) => ({
    type: 'Action.ShowCard',
    title: choice.label,
    card: { ...CARD, body, actions: [execute(choice, {}, submit)] },
  });
  const actions = card.choices.map((choice) => {
    switch (choice.input) {
      case 'escalation': {
        const higher = (['L2', 'L3', 'L4'] as const).filter((tier) => tier > card.tier);
        return showCard(
          choice,
          [
            {
              type: 'Input.ChoiceSet',
              id: 'tier',
              label: say('eng.form.toTier'),
              value: higher[0],
              choices: higher.map((tier) => ({
                title: tier === 'L4' ? say('eng.form.vendorTier') : tier,
                value: tier,
              })),
            },
            {
              type: 'Input.Text',
              id: 'reason',
              label: say('eng.form.escalateWhy'),
              isMultiline: true,
              isRequired: true,
              errorMessage: say('eng.form.escalateWhyMissing'),
              maxLength: 2000,
            },
            ...(higher.includes('L4')
              ? [
                  text(say('eng.form.l4Later', { button: say('eng.button.vendor') }), {
                    isSubtle: true,
                    size: 'Small',
                  }),
                  ...vendorInputs(card, false),
                ]
              : []),
          ],
          say('eng.button.escalate'),
        );
      }
      case 'vendor':
        return showCard(choice, vendorInputs(card, true), say('eng.form.save'));
      case 'resolution':
        return showCard(
          choice,
          [
            text(say('eng.form.resolveNote'), { isSubtle: true }),
            {
              type: 'Input.Text',
              id: 'resolution',
              label: say('eng.form.howResolved'),
              isMultiline: true,
              isRequired: true,
              errorMessage: say('eng.form.howResolvedMissing'),
              maxLength: 2000,
            },
          ],
          say('eng.button.resolve'),
        );
      case 'assignee':
        return showCard(
          choice,
          [
            {
              type: 'Input.ChoiceSet',
              id: 'assignee',
              label: say('eng.form.handTo'),
              isRequired: true,
              errorMessage: say('eng.form.chooseEngineer'),
              choices: engineers.map((e) => ({ title: e.name, value: e.id })),
            },
          ],
          say('eng.button.reassign'),
        );
      case 'reason':
        return showCard(
          choice,
          [{ type: 'Input.Text', id: 'reason', label: say('eng.form.whyReopen'), isMultiline: true }],
          say('eng.button.reopen'),
        );
      // The roster, not a people picker: only engineers on it can be given a ticket.
      case 'assign':
        return showCard(
          choice,
          [
            text(say('eng.form.assignNote'), { isSubtle: true }),
            {
              type: 'Input.ChoiceSet',
              id: 'assignee',
              label: say('eng.form.giveTo'),
              isRequired: true,
              errorMessage: say('eng.form.chooseEngineer'),
              choices: engineers.map((e) => ({ title: e.name, value: e.id })),
            },
          ],
          say('eng.button.assign'),
        );
      // Reason ids differ per show-card: inputs of every show-card share the card's id space.
      case 'priority':
        return showCard(
          choice,
          [
            {
              type: 'Input.ChoiceSet',
              id: 'priority',
              label: say('eng.card.priority'),
              value: card.priority,
              isRequired: true,
              choices: priorityChoices(say).map(({ value, label }) => ({
                title: label,
                value,
              })),
            },
            text(say('eng.form.priorityNote'), {
              isSubtle: true,
              size: 'Small',
            }),
            {
              type: 'Input.Text',
              id: 'priorityReason',
              label: say('eng.form.why'),
              isMultiline: true,
              maxLength: 1000,
            },
          ],
          say('eng.form.changePriority'),
        );
      case 'category':
        return showCard(
          choice,
          [
            {
              type: 'Input.ChoiceSet',
              id: 'category',
              label: say('eng.button.category'),
              value: card.category,
              isRequired: true,
              choices: categories.slice(0, 100).map((c) => ({ title: clipText(c, 60), value: c })),
            },
            text(say('eng.form.categoryNote'), {
              isSubtle: true,
              size: 'Small',
            }),
            {
              type: 'Input.Text',
              id: 'categoryReason',
              label: say('eng.form.why'),
              isMultiline: true,
              maxLength: 1000,
            },
          ],
          say('eng.form.changeCategory'),
        );
      default:
        return execute(choice);
    }
  });
  return {
    ...CARD,
    body: [
      text(`${card.key} · ${escapeCardText(clipText(card.subject, 150))}`, { weight: 'Bolder', size: 'Medium' }),
      {
        type: 'FactSet',
        facts: [
          { title: say('eng.card.status'), value: statusText(card.language, card.status) },
          { title: say('eng.card.priority'), value: card.priority },
          { title: say('eng.card.requester'), value: escapeCardText(card.requester.name ?? card.requester.id) },
          {
            title: say('eng.card.assignee'),
            value: card.assignee ? escapeCardText(card.assignee.name ?? card.assignee.id) : say('eng.card.unclaimed'),
          },
          { title: say('eng.card.tierCategory'), value: `${card.tier} · ${escapeCardText(card.category)}` },
          { title: say('eng.card.sla'), value: due },
          ...(card.vendor
            ? [{ title: say('eng.card.vendor'), value: escapeCardText(vendorLine(card.vendor, card.language)) }]
            : []),
          ...(card.satisfaction
            ? [
                {
                  title: say('eng.card.rating'),
                  value: `${'★'.repeat(card.satisfaction)}${'☆'.repeat(5 - card.satisfaction)} (${card.satisfaction}/5)`,
                },
              ]
            : []),
        ],
      },
      text(`**${say('eng.card.whatWeKnow')}**`),
      text(escapeCardText(card.summary)),
      ...(card.prediction
        ? [
            text(
              escapeCardText([card.prediction.summary, ...card.prediction.why.map((why) => `· ${why}`)].join('\n')),
              { isSubtle: true, size: 'Small' },
            ),
          ]
        : []),
      text(say('eng.card.replyHint.teams'), { isSubtle: true, size: 'Small' }),
    ],
    actions,
  };
}

/** A status line for the requester, with buttons (rating, reopen) when there are some, in `language` (the ticket's). */
export function requesterUpdateCard(
  markdown: string,
  choices: TicketChoice[],
  language: LanguageCode | undefined,
): AdaptiveCard {
  const say = messagesFor(language);
  const actions = choices.map((choice) =>
    choice.input === 'reason'
      ? {
          type: 'Action.ShowCard',
          title: choice.label,
          card: {
            ...CARD,
            body: [{ type: 'Input.Text', id: 'reason', label: say('form.reopenLabel'), isMultiline: true }],
            actions: [submit({ ...choice, label: say('form.reopen') })],
          },
        }
      : submit(choice),
  );
  return { ...CARD, body: [text(markdown)], ...(actions.length ? { actions } : {}) };
}

/** The "open a ticket" form in the person's language; errors from the core appear under their fields. */
export function ticketFormCard(input: {
  categories: string[];
  language: LanguageCode;
  values?: Partial<Record<TicketFormField, string>>;
  errors?: Partial<Record<TicketFormField, string>>;
}): AdaptiveCard {
  const say = messagesFor(input.language);
  const values = input.values ?? {};
  const errors = input.errors ?? {};
  const error = (field: TicketFormField) =>
    errors[field]
      ? [text(`⚠️ ${escapeCardText(errors[field]!)}`, { color: 'Attention', size: 'Small', spacing: 'None' })]
      : [];
  return {
    ...CARD,
    body: [
      text(`**${say('form.title')}**`),
      {
        type: 'Input.Text',
        id: 'subject',
        label: say('form.subject'),
        placeholder: say('form.subjectExample'),
        isRequired: true,
        errorMessage: say('form.subjectMissing'),
        maxLength: 120,
        value: values.subject ?? '',
      },
      ...error('subject'),
      {
        type: 'Input.Text',
        id: 'description',
        label: say('form.description'),
        placeholder: say('form.descriptionExample'),
        isMultiline: true,
        isRequired: true,
        errorMessage: say('form.descriptionMissing'),
        maxLength: 3000,
        value: values.description ?? '',
      },
      ...error('description'),
      {
        type: 'Input.ChoiceSet',
        id: 'priority',
        label: say('form.priority'),
        value: values.priority ?? 'P3',
        choices: priorityChoices(say).map(({ value, label }) => ({ title: label, value })),
      },
      ...error('priority'),
      {
        type: 'Input.ChoiceSet',
        id: 'category',
        label: say('form.category'),
        value: values.category ?? 'general',
        choices: input.categories.map((c) => ({ title: c, value: c })),
      },
      ...error('category'),
    ],
    actions: [submit({ label: say('form.submit'), action: { id: 'ticket.form' }, style: 'primary' })],
  };
}

/**
 * "mine" in Teams: the person's tickets in their language (`language`), and for engineers their
 * queue, in the engineers' (`engineersLanguage`, the deployment's).
 */
export function ticketListCard(
  mine: Ticket[],
  queue: QueueView | null,
  language: LanguageCode,
  engineersLanguage: LanguageCode,
): AdaptiveCard {
  const say = messagesFor(language);
  const sayToEngineers = messagesFor(engineersLanguage);
  const line = (t: Ticket, words: LanguageCode) =>
    `**${t.key}** ${statusText(words, t.status)} · ${t.priority} · ${t.tier} · ${escapeCardText(clipText(t.subject, 80))}`;
  const section = (title: string, tickets: Ticket[], empty: string, words: LanguageCode) => [
    text(`**${title}**`),
    ...(tickets.length ? tickets.slice(0, 15).map((t) => text(line(t, words))) : [text(empty, { isSubtle: true })]),
  ];
  return {
    ...CARD,
    body: [
      ...section(say('ticket.mine'), mine, say('ticket.noneYet'), language),
      ...(queue
        ? [
            ...section(
              sayToEngineers('eng.queue.breachingSoon', { count: queue.breachingSoon.length }),
              queue.breachingSoon,
              sayToEngineers('eng.queue.nothingSoon'),
              engineersLanguage,
            ),
            ...section(
              sayToEngineers('eng.queue.unclaimed', { count: queue.unclaimed.length }),
              queue.unclaimed,
              sayToEngineers('eng.queue.allOwned'),
              engineersLanguage,
            ),
            ...section(
              sayToEngineers('eng.queue.mine', { count: queue.mine.length }),
              queue.mine,
              sayToEngineers('eng.queue.noneClaimed'),
              engineersLanguage,
            ),
          ]
        : []),
    ],
  };
}
