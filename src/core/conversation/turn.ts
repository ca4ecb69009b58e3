import type { LanguageCode } from '../language/languages.js';

/** Who sent a turn, as the channel verified it. */
export interface TurnUser {
  id: string;
  name?: string;
  /**
   * The name, for a chat that must ask for it (Slack: a Web API call): asked only by a turn that
   * records who it was (a ticket, a comment on one), not for every question. Resolves to nothing
   * when the chat cannot tell; the id then stands for the person.
   */
  lookUpName?: () => Promise<string | undefined>;
}

/** A button press. `id` names the action; `value` is only a reference that the core re-checks. */
export interface TurnAction {
  id: string;
  value?: string;
}

/** One inbound message or button press, normalised by a channel. */
export interface Turn {
  /** Stable key such as "slack:T1:C1:1700.0001" or "local:alice". */
  conversationKey: string;
  channel: string;
  user: TurnUser;
  text?: string;
  action?: TurnAction;
  /**
   * False for a message the user did not address to the bot (a reply in a channel thread
   * without a mention): the bot only takes it up in a conversation that user started.
   */
  addressed?: boolean;
  /** A submitted "open a ticket" form. */
  form?: { fields: Record<string, string | undefined> };
  /** Where the turn came from, kept on a ticket it opens (a message link, who reported it). */
  context?: Record<string, string>;
  /**
   * The chat's id of the delivery this turn came in (e.g. slack:Ev123). A turn handled again with
   * the same id (after a crash, from the durable inbox) gives the replies of the first time and
   * changes nothing twice.
   */
  deliveryId?: string;
  /**
   * The id of the request this turn came in (or of the queued delivery): the turn's log lines
   * carry it, and an apology gives it as the reference. Set at the edge; the core only reads it.
   */
  requestId?: string;
  /**
   * The language the chat showed this person a form in (Slack's modal, in their language): the
   * conversation speaks it when it has none of its own yet. Set at the edge from our own data.
   */
  language?: LanguageCode;
}

/** A button the channel renders; pressing it sends `action` back as a turn. */
export interface Choice {
  label: string;
  action: TurnAction;
  style?: 'primary' | 'danger';
}

/** A reference to a knowledge-base article. */
export interface ArticleRef {
  id: string;
  title: string;
  url: string;
}

/** A short view of a ticket for cards. */
export interface TicketCard {
  key: string;
  subject: string;
  status: string;
  priority: string;
  tier: string;
  category: string;
  assignee: string | null;
}

/**
 * What the bot says, as plain data; each channel renders it its own way. `language` is the
 * language the core spoke in when not the default: a channel words what it adds ("Source:")
 * with the same catalogue (messagesFor).
 */
export type Reply = (
  | { kind: 'text'; markdown: string; choices?: Choice[] }
  | {
      kind: 'answer';
      markdown: string;
      article: ArticleRef;
      confidence: number;
      questionId: string;
      choices: Choice[];
    }
  | { kind: 'suggestions'; markdown: string; articles: ArticleRef[]; choices: Choice[] }
  | { kind: 'ticket'; markdown: string; ticket: TicketCard; choices?: Choice[] }
  /** The message went to the engineers on a ticket; channels acknowledge it quietly (e.g. a reaction). */
  | { kind: 'relayed'; markdown: string; ticketKey: string; choices?: Choice[] }
  /** Field errors of a submitted form, for the channel to show in place. */
  | { kind: 'form_errors'; markdown: string; errors: Record<string, string>; choices?: Choice[] }
) & { language?: LanguageCode };

/** Action ids the core understands. */
export const actions = {
  helpful: 'feedback.helpful',
  notHelpful: 'feedback.not_helpful',
  showArticle: 'article.show',
  talkToHuman: 'ticket.open',
  noneOfThese: 'suggestions.none',
  submitTicketForm: 'ticket.form',
  /** Open a ticket from a chat message (a reaction, a shortcut): the turn's text is the problem. */
  ticketFromMessage: 'ticket.from_message',
} as const;
