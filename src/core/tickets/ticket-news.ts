import type { LanguageCode } from '../language/languages.js';
import {
  fillParts,
  messagesFor,
  textsFor,
  type MessageKey,
  type Placeholders,
  type Say,
} from '../messages/catalogue.js';
import type { en } from '../messages/messages-en.js';
import type { TicketNotification } from './ticket-notifier.js';
import { openStatuses } from './ticket-state-machine.js';
import { vendorLine } from './triage-card.js';

/**
 * What people are told about a change to a ticket, chosen once for every chat: the line under
 * the triage card (for engineers) and the line in the requester's own conversation. The words
 * are decided here; a chat only renders the parts in its own markup (a mention where it has
 * them, bold, a quotation, a date in its own way), so Slack, Teams and the local chat say the
 * same thing.
 */
export type NewsPart =
  /** Words of the bot's own. */
  | string
  /** A ticket's key, made by the bot: stands out, needs no escaping. */
  | { key: string }
  /** Words to stand out: a new value. Its text may come from people or editors: escape it. */
  | { strong: string }
  /** A person: a mention where the chat has them, else the name. */
  | { person: { id: string; name: string | null } }
  /** Text that people wrote (a subject, a note, a vendor's name): shown as it is, escaped. */
  | { said: string }
  /** A moment: the chat shows it in its own way (Slack in the reader's time zone). */
  | { date: Date };

/** Which change the line is about: each chat picks its own symbol for it. */
export type NewsIcon =
  | 'comment'
  | 'claimed'
  | 'escalated'
  | 'waiting'
  | 'resolved'
  | 'closed'
  | 'reopened'
  | 'rated'
  | 'vendor'
  | 'priority'
  | 'category'
  | 'reminder'
  | 'unclaimed'
  | 'nudged'
  | 'note';

export interface NewsLine {
  icon: NewsIcon;
  parts: NewsPart[];
  /** Someone's own words after the line, as a quotation (a reason, a comment). */
  quote?: string;
  /** A last sentence on its own: what the reader can do next. */
  next?: string;
}

/** Where the requester reads: a thread under their question (Slack) or a chat of its own. */
export interface RequesterPlace {
  threaded: boolean;
}

/** Who acted, at the start of a sentence: the person, or "The bot" (in `say`'s words) for the SLA timer and the like. */
function who(n: TicketNotification, say: Say): NewsPart {
  return n.actor.role === 'system'
    ? say('eng.news.theBot')
    : { person: { id: n.actor.id, name: n.actor.name ?? null } };
}

function withQuote(line: Omit<NewsLine, 'quote'>, note: string | undefined): NewsLine {
  return note ? { ...line, quote: note } : line;
}

/** How long something has waited, in `language`'s words ("2.5 hours", "3 days"). */
function waitedFor(minutes: number, language: LanguageCode, say: Say): string {
  const count = (x: number) => new Intl.NumberFormat(language).format(x);
  const hours = minutes / 60;
  if (hours < 1) return say('eng.minutes', { count: count(Math.round(minutes)) });
  if (hours === 1) return say('eng.hour');
  if (hours < 48) return say('eng.hours', { count: count(Math.round(hours * 10) / 10) });
  return say('eng.days', { count: count(Math.round(hours / 24)) });
}

/**
 * The line under a ticket's triage card, or null when the card itself says it all. Worded in
 * `language`: the engineers' (the deployment's, DEFAULT_LANGUAGE), as the card is.
 */
export function triageNews(n: TicketNotification, language: LanguageCode): NewsLine | null {
  const t = n.ticket;
  const texts = textsFor(language);
  const say = messagesFor(language);
  const parts = <K extends MessageKey>(key: K, values: Readonly<Record<Placeholders<(typeof en)[K]>, NewsPart>>) =>
    fillParts<K, NewsPart>(texts, key, values);
  const actor = who(n, say);
  const key: NewsPart = { key: t.key };
  switch (n.type) {
    case 'opened':
      return null;
    case 'comment':
      return n.from === 'requester'
        ? withQuote({ icon: 'comment', parts: parts('eng.news.requesterWrote', { person: actor }) }, n.note)
        : null;
    case 'claimed': {
      const assignee: NewsPart = t.assigneeId ? { person: { id: t.assigneeId, name: t.assigneeName ?? null } } : '?';
      return {
        icon: 'claimed',
        parts:
          !t.assigneeId || t.assigneeId === n.actor.id
            ? parts('eng.news.claimed', { key, person: actor })
            : parts('eng.news.givenTo', { key, assignee, person: actor }),
      };
    }
    case 'escalated':
      return withQuote(
        {
          icon: 'escalated',
          parts: parts('eng.news.escalated', { person: actor, from: n.fromTier ?? '?', to: t.tier }),
        },
        n.note,
      );
    case 'waiting':
      return withQuote({ icon: 'waiting', parts: parts('eng.news.waiting', { person: actor }) }, n.note);
    case 'resumed':
      return withQuote({ icon: 'note', parts: parts('eng.news.resumed', {}) }, n.note);
    case 'resolved':
      return withQuote({ icon: 'resolved', parts: parts('eng.news.resolved', { person: actor }) }, n.note);
    case 'closed':
      return withQuote({ icon: 'closed', parts: parts('eng.news.closed', { person: actor }) }, n.note);
    case 'reopened':
      return withQuote({ icon: 'reopened', parts: parts('eng.news.reopened', { person: actor }) }, n.note);
    case 'rated':
      return { icon: 'rated', parts: parts('eng.news.rated', { score: String(t.satisfaction ?? '?') }) };
    case 'vendor':
      return {
        icon: 'vendor',
        parts: parts('eng.news.vendor', {
          person: actor,
          vendor: {
            said: vendorLine({ name: t.vendorName, caseRef: t.vendorCaseRef, contact: t.vendorContact }, language),
          },
        }),
      };
    case 'reminder': {
      const owner: NewsPart = t.assigneeId
        ? { person: { id: t.assigneeId, name: t.assigneeName ?? null } }
        : say('eng.news.unclaimedAt', { tier: t.tier });
      const past = n.due !== undefined && n.due.at.getTime() <= Date.now();
      const dueKey =
        n.due?.kind === 'response'
          ? past
            ? 'eng.news.responseWasDue'
            : 'eng.news.responseIsDue'
          : past
            ? 'eng.news.resolutionWasDue'
            : 'eng.news.resolutionIsDue';
      const when: NewsPart[] = n.due ? [' ', ...parts(dueKey, { date: { date: n.due.at } })] : [];
      return withQuote(
        {
          icon: 'reminder',
          parts: [...parts('eng.news.reminder', { owner, key, subject: { said: t.subject } }), ...when],
        },
        n.note,
      );
    }
    case 'unclaimed': {
      const values = {
        key,
        tier: t.tier,
        priority: t.priority,
        subject: { said: t.subject },
        claim: { strong: say('eng.button.claim') },
      };
      return {
        icon: 'unclaimed',
        // A notification kept from before the wait was carried says only that it still waits.
        parts:
          n.waitedMinutes === undefined
            ? parts('eng.news.unclaimedStill', values)
            : parts('eng.news.unclaimed', { ...values, waited: waitedFor(n.waitedMinutes, language, say) }),
      };
    }
    case 'nudged':
      return { icon: 'nudged', parts: parts('eng.news.nudged', {}) };
    case 'priority':
      return withQuote(
        {
          icon: 'priority',
          parts: parts('eng.news.priority', {
            person: actor,
            previous: n.previous ?? '?',
            priority: { strong: t.priority },
          }),
        },
        n.note,
      );
    case 'category':
      return withQuote(
        {
          icon: 'category',
          parts: parts('eng.news.category', {
            person: actor,
            previous: { said: n.previous ?? '?' },
            category: { strong: t.category },
          }),
        },
        n.note,
      );
    default:
      return withQuote({ icon: 'note', parts: [{ said: n.summary }, '.'] }, n.note);
  }
}

/**
 * The line in the requester's own conversation, or null when they need not hear of it (a
 * requester's own comment, a rating, reminders among engineers; an engineer's reason for a new
 * priority stays among engineers: the requester hears the new priority only). Worded in the
 * ticket's language, the requester's when they asked for it (English for a language without a
 * catalogue, and for tickets from before it was kept).
 */
export function requesterNews(n: TicketNotification, place: RequesterPlace): NewsLine | null {
  const t = n.ticket;
  const texts = textsFor(t.language);
  const say = messagesFor(t.language ?? undefined);
  const line = <K extends MessageKey>(
    icon: NewsIcon,
    key: K,
    values: Readonly<Record<Placeholders<(typeof en)[K]>, NewsPart>>,
    more: Partial<Pick<NewsLine, 'next' | 'quote'>> & { after?: NewsPart[] } = {},
  ): NewsLine => {
    const { after = [], ...rest } = more;
    return { icon, parts: [...fillParts(texts, key, values), ...after], ...rest };
  };
  const where = say(place.threaded ? 'news.inThread' : 'news.here');
  const actor: NewsPart =
    n.actor.role === 'system' ? say('news.theBot') : { person: { id: n.actor.id, name: n.actor.name ?? null } };
  const key: NewsPart = { key: t.key };
  switch (n.type) {
    case 'claimed':
      return line('claimed', 'news.claimed', {
        person: t.assigneeId ? { person: { id: t.assigneeId, name: t.assigneeName ?? null } } : say('news.anEngineer'),
        key,
      });
    case 'escalated':
      return t.tier === 'L4'
        ? line('escalated', 'news.escalatedToVendor', { key })
        : line('escalated', 'news.escalated', { key, tier: t.tier });
    case 'waiting':
      return line(
        'waiting',
        'news.waiting',
        { person: actor, key, note: { said: n.note ?? '' } },
        { next: say('news.reply', { where }) },
      );
    case 'comment':
      return n.from === 'engineer'
        ? line('comment', 'news.comment', { person: actor, key }, n.note ? { quote: n.note } : {})
        : null;
    case 'resolved':
      return line(
        'resolved',
        'news.resolved',
        { key, note: { said: n.note ?? '' } },
        { next: say('news.resolvedNext') },
      );
    case 'closed':
      return line('closed', 'news.closed', { key }, n.note ? { after: [' ', { said: n.note }] } : {});
    case 'vendor':
      return t.vendorCaseRef
        ? line('vendor', 'news.vendorWithCase', {
            key,
            vendor: { said: t.vendorName ?? '' },
            caseRef: { said: t.vendorCaseRef },
          })
        : line('vendor', 'news.vendor', { key, vendor: { said: t.vendorName ?? '' } });
    case 'nudged':
      return line(
        'nudged',
        'news.nudged',
        { key, where },
        n.due
          ? {
              after: [
                ' ',
                ...fillParts<'news.nudgedClosing', NewsPart>(texts, 'news.nudgedClosing', { date: { date: n.due.at } }),
              ],
            }
          : {},
      );
    case 'reopened':
      return n.actor.id === t.requesterId
        ? line('reopened', 'news.reopenedByYou', { key })
        : line('reopened', 'news.reopened', { person: actor, key });
    case 'priority':
      return openStatuses.includes(t.status)
        ? line('priority', 'news.priority', { key, priority: say(`ticket.priority.${t.priority}`) })
        : null;
    default:
      return null;
  }
}

/** The line as plain text (the local chat): a quotation and the next step on lines of their own. */
export function plainNews(line: NewsLine): string {
  const parts = line.parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if ('key' in part) return part.key;
      if ('strong' in part) return part.strong;
      if ('person' in part) return part.person.name ?? part.person.id;
      if ('said' in part) return part.said;
      return `${part.date.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
    })
    .join('');
  const quote = line.quote ? `\n  > ${line.quote.replace(/\n/g, '\n  > ')}` : '';
  return `${parts}${quote}${line.next ? `\n  ${line.next}` : ''}`;
}
