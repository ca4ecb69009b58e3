import { cleanStrings } from '../conversation/user-text.js';
import { CoreError, isCoreError, refusalText } from '../errors.js';
import { draftFromTicket, type DraftWriter } from '../knowledge/article-draft.js';
import type { LanguageCode } from '../language/languages.js';
import { messagesFor, wording, type MessageKey, type Say } from '../messages/catalogue.js';
import { parseRating, ticketActions } from './triage-card.js';
import { statusWording, type TicketService, type VendorDetails } from './ticket-service.js';
import type { TicketThreadStore } from './ticket-thread-store.js';
import { normaliseKey } from './ticket-service.js';
import { priorities, tiers, type Actor, type Priority, type Ticket, type Tier } from './ticket.js';

/** What a channel collected before the action (see ActionInput). */
export interface TicketActionInput {
  tier?: string;
  reason?: string;
  resolution?: string;
  text?: string;
  /** Already resolved by the channel to an actor, with the role from the roster. */
  assignee?: Actor;
  /** The vendor of an L4 ticket (on escalation to L4, or on its own). */
  vendorName?: string;
  vendorCaseRef?: string;
  vendorContact?: string;
  /** A new priority (P1-P4) or category, checked here against what may be chosen. */
  priority?: string;
  category?: string;
}

export interface TicketActionRequest {
  actionId: string;
  /** The button's value: only a reference to a ticket; the service re-reads and re-checks it. */
  value: string | undefined;
  actor: Actor;
  input?: TicketActionInput;
  /** The delivery the press came in (its inbox key), when it was kept: see TicketService.withOrigin. */
  origin?: string | undefined;
}

/**
 * Where a ticket button was pressed: on a message in a chat (the chat, its conversation's
 * address, the message's id), or in the person's own view of their queue (Slack's App Home).
 */
export type ButtonPlace = { chat: string; address: string | undefined; messageId: string | undefined } | 'home';

/** The buttons of a triage card: for engineers, and only on that ticket's own card (or the queue view). */
export const cardActions: ReadonlySet<string> = new Set([
  ticketActions.claim,
  ticketActions.assign,
  ticketActions.escalate,
  ticketActions.resolve,
  ticketActions.reassign,
  ticketActions.vendor,
  ticketActions.priority,
  ticketActions.category,
]);

/** What "Only engineers can ..." says for each card button. */
const cardVerbs: Readonly<Record<string, Extract<MessageKey, `eng.what.${string}`>>> = {
  [ticketActions.claim]: 'eng.what.claim',
  [ticketActions.assign]: 'eng.what.assign',
  [ticketActions.escalate]: 'eng.what.escalate',
  [ticketActions.resolve]: 'eng.what.resolve',
  [ticketActions.reassign]: 'eng.what.reassign',
  [ticketActions.vendor]: 'eng.what.vendor',
  [ticketActions.priority]: 'eng.what.priority',
  [ticketActions.category]: 'eng.what.category',
};

/** The outcome, with a sentence for the person who pressed the button. */
export interface TicketActionResult {
  ticket: Ticket;
  message: string;
  /** A comment kept among engineers (an internal note) rather than passed on to the requester. */
  internal?: boolean;
}

/** The buttons a requester has on their own ticket: their refusals are worded for them (see perform). */
const REQUESTER_ACTIONS: ReadonlySet<string> = new Set([
  ticketActions.rate,
  ticketActions.reopen,
  ticketActions.comment,
]);

/**
 * Turns ticket buttons from any channel into ticket-service calls. Who may do what is decided
 * by the service from the actor's role and the stored ticket; failures are CoreErrors, which
 * `refusal` words for the person who pressed.
 */
export class TicketActionHandler {
  constructor(
    private readonly tickets: TicketService,
    private readonly threads: Pick<TicketThreadStore, 'find'>,
    private readonly drafts?: DraftWriter,
    /** The categories a ticket may be moved to ('general' is always one): the knowledge base's and the routed ones. */
    private readonly knownCategories: () => readonly string[] = () => [],
    /**
     * The engineers' language, the deployment's (DEFAULT_LANGUAGE): what an engineer is told after
     * a card's button, and a card button's refusals. Each chat passes it; English when not given,
     * for the web view, whose pages are English.
     */
    private readonly engineersLanguage: LanguageCode = 'en',
  ) {}

  /** The words engineers read: the deployment's language. */
  private get toEngineers(): Say {
    return messagesFor(this.engineersLanguage);
  }

  /** The categories engineers can choose, sorted (for the channels' pickers). */
  categories(): string[] {
    const byName = new Map<string, string>();
    for (const category of [...this.knownCategories(), 'general']) {
      const name = category.trim();
      if (name && !byName.has(name.toLowerCase())) byName.set(name.toLowerCase(), name);
    }
    return [...byName.values()].sort((a, b) => a.localeCompare(b));
  }

  /**
   * What a ticket button must pass before anything is shown for it (a form, the ticket's subject):
   * a triage card's button works only on that ticket's own card, or in the queue view, since a
   * button's value can be forged or copied; and only for engineers. The sentence to show when
   * refused, or null. The service checks again when the action runs.
   */
  async refuseButton(
    actionId: string,
    value: string | undefined,
    actor: Actor,
    place: ButtonPlace,
  ): Promise<string | null> {
    if (!cardActions.has(actionId)) return null;
    if (place !== 'home') {
      const card =
        place.address && place.messageId ? await this.threads.find(place.chat, place.address, place.messageId) : null;
      if (!card || card.role !== 'triage' || card.ticketKey !== normaliseKey(value ?? ''))
        return this.toEngineers('eng.refused.notThisCard');
    }
    // Refused on an engineers' card: in the card's words, whoever pressed.
    if (actor.role !== 'engineer') {
      const verb = cardVerbs[actionId];
      const what = verb ? this.toEngineers(verb) : `${actionId.split('.')[1]} tickets`;
      return this.toEngineers('eng.refused.onlyEngineers', { what });
    }
    return null;
  }

  /**
   * A message written under a ticket's triage card: an engineer's goes to the ticket as a
   * comment (to the requester, or kept among engineers as an internal note); anyone else's is
   * refused (FORBIDDEN), whoever they are in the chat. `origin` names the message, so handled
   * again after a crash it is not added twice.
   */
  async replyUnderCard(ticketKey: string, actor: Actor, text: string, origin?: string): Promise<TicketActionResult> {
    if (actor.role !== 'engineer') throw new CoreError('FORBIDDEN', wording('eng.refused.onlyEngineersReply'));
    return this.perform({ actionId: ticketActions.comment, value: ticketKey, actor, input: { text }, origin });
  }

  isTicketAction(actionId: string): boolean {
    return (Object.values(ticketActions) as string[]).includes(actionId);
  }

  async perform(request: TicketActionRequest): Promise<TicketActionResult> {
    try {
      return await this.act(request);
    } catch (error) {
      if (request.actor.role === 'engineer' || !isCoreError(error) || !REQUESTER_ACTIONS.has(request.actionId))
        throw error;
      throw await this.toRequester(error, request);
    }
  }

  /**
   * A refusal of a requester's own button (rate, reopen, comment) in a requester's terms: the
   * service's reasons are written for engineers. What it cannot say better stays as it was.
   */
  private async toRequester(error: CoreError, request: TicketActionRequest): Promise<CoreError> {
    const ticket = await this.ticketOf(request);
    const told =
      !ticket || error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN'
        ? wording('ticket.onlyYours')
        : error.code === 'ILLEGAL_TRANSITION' && ticket.status === 'closed' && request.actionId === ticketActions.reopen
          ? wording('ticket.closedIsFinal', { key: ticket.key })
          : error.code === 'ILLEGAL_TRANSITION'
            ? wording('ticket.notNow', { key: ticket.key, status: statusWording(ticket.status) })
            : error.code === 'INVALID_INPUT' && request.actionId === ticketActions.comment
              ? wording('ticket.commentEmpty')
              : null;
    return told ? new CoreError(error.code, told, { cause: error }) : error;
  }

  /** The ticket a button names (a rating's value carries its score too), or null. */
  private async ticketOf(request: Pick<TicketActionRequest, 'actionId' | 'value'>): Promise<Ticket | null> {
    const key = request.actionId === ticketActions.rate ? parseRating(request.value)?.key : request.value;
    return key ? await this.tickets.get(key).catch(() => null) : null;
  }

  /**
   * What the person who pressed a ticket button (or submitted its form) is told of its refusal,
   * worded here for every chat: an engineer in the engineers' language; a requester on their own
   * ticket in its language (as its updates); anyone else, or on a ticket that has none, in
   * `ownLanguage` (their conversation's, which only the chat can find).
   */
  async refusal(
    error: CoreError,
    request: Pick<TicketActionRequest, 'actionId' | 'value' | 'actor'>,
    ownLanguage: () => Promise<LanguageCode>,
  ): Promise<string> {
    if (request.actor.role === 'engineer') return refusalText(error, this.toEngineers);
    const ticket = await this.ticketOf(request);
    const language =
      ticket?.requesterId === request.actor.id && ticket.language ? ticket.language : await ownLanguage();
    return refusalText(error, messagesFor(language));
  }

  private async act(request: TicketActionRequest): Promise<TicketActionResult> {
    const { actionId } = request;
    // Kept in the inbox and handled again after a crash, a press does not act twice.
    const tickets = this.tickets.withOrigin(request.origin);
    // Everything typed into a ticket's forms is shown to other people: cleaned where it enters.
    const actor = cleanStrings(request.actor);
    const input = cleanStrings(request.input ?? {});
    if (actionId === ticketActions.rate) {
      const rating = parseRating(request.value);
      // A forged or mangled value: worded in the presser's own language (see refusal).
      if (!rating) throw new CoreError('INVALID_INPUT', wording('ticket.ratingStale'));
      const ticket = await tickets.rate(rating.key, actor, rating.score);
      return {
        ticket,
        message: this.sayTo(actor, ticket)('ticket.rated', { key: ticket.key, score: rating.score }),
      };
    }
    const key = ticketKey(request.value);
    const say = this.toEngineers;
    switch (actionId) {
      case ticketActions.claim: {
        const ticket = await tickets.claim(key, actor);
        return { ticket, message: say('eng.did.claimed', { key: ticket.key }) };
      }
      case ticketActions.escalate: {
        const tier = input.tier ? parseTier(input.tier) : undefined;
        const reason = input.reason?.trim();
        if (!reason) throw new CoreError('INVALID_INPUT', wording('eng.ask.escalateWhy'));
        const vendor = vendorOf(input);
        const ticket = await tickets.escalate(key, actor, {
          ...(tier ? { tier } : {}),
          reason,
          ...(vendor ? { vendor } : {}),
        });
        return { ticket, message: say('eng.did.escalated', { key: ticket.key, tier: ticket.tier }) };
      }
      case ticketActions.vendor: {
        const ticket = await tickets.setVendor(key, actor, vendorOf(input) ?? {});
        return { ticket, message: say('eng.did.vendorSaved', { key: ticket.key }) };
      }
      case ticketActions.resolve: {
        const ticket = await tickets.resolve(key, actor, input.resolution ?? '');
        return { ticket, message: say('eng.did.resolved', { key: ticket.key }) };
      }
      case ticketActions.reassign: {
        if (!input.assignee) throw new CoreError('INVALID_INPUT', wording('eng.ask.reassignTo'));
        const ticket = await tickets.reassign(key, actor, input.assignee);
        return {
          ticket,
          message: say('eng.did.reassigned', { key: ticket.key, name: input.assignee.name ?? input.assignee.id }),
        };
      }
      case ticketActions.assign: {
        if (!input.assignee) throw new CoreError('INVALID_INPUT', wording('eng.ask.assignTo'));
        const ticket = await tickets.assign(key, actor, input.assignee);
        return {
          ticket,
          message: say('eng.did.assigned', { key: ticket.key, name: input.assignee.name ?? input.assignee.id }),
        };
      }
      case ticketActions.priority: {
        const ticket = await tickets.setPriority(key, actor, parsePriority(input.priority), input.reason);
        return { ticket, message: say('eng.did.priority', { key: ticket.key, priority: ticket.priority }) };
      }
      case ticketActions.category: {
        const ticket = await tickets.setCategory(key, actor, this.category(input.category), input.reason);
        return { ticket, message: say('eng.did.category', { key: ticket.key, category: ticket.category }) };
      }
      case ticketActions.reopen: {
        // The engineers read the reason on the card: a default in their language.
        const reason = input.reason?.trim() || this.toEngineers('eng.ticket.reopenedFromChat');
        const ticket = await tickets.reopen(key, actor, reason);
        return { ticket, message: this.sayTo(actor, ticket)('news.reopenedByYou', { key: ticket.key }) };
      }
      case ticketActions.promote: {
        if (actor.role !== 'engineer')
          throw new CoreError('FORBIDDEN', wording('refused.onlyEngineers', { what: wording('refused.what.draft') }));
        if (!this.drafts) throw new CoreError('INVALID_INPUT', wording('eng.draft.notSetUp'));
        const ticket = await tickets.get(key);
        const draft = draftFromTicket(ticket, await tickets.history(ticket), new Date());
        if (!draft) throw new CoreError('ILLEGAL_TRANSITION', wording('eng.draft.noResolution', { key: ticket.key }));
        const created = await this.drafts.create(draft.path, draft.markdown);
        // Only engineers draft: told in the engineers' language.
        return {
          ticket,
          message: created
            ? say('eng.draft.written', { path: draft.path })
            : say('eng.draft.exists', { key: ticket.key, path: draft.path }),
        };
      }
      case ticketActions.comment: {
        const { ticket, relayed } = await tickets.comment(key, actor, input.text ?? '');
        return {
          ticket,
          internal: !relayed,
          message: relayed
            ? this.sayTo(actor, ticket)('ticket.commented', { key: ticket.key })
            : say('eng.did.internalNote', { key: ticket.key }),
        };
      }
      default:
        throw new CoreError('INVALID_INPUT', wording('button.unknown'));
    }
  }

  /** The listed category a choice names (any case), never the text itself: a forged value is refused. */
  private category(value: string | undefined): string {
    const wanted = value?.trim().toLowerCase();
    const found = wanted ? this.categories().find((c) => c.toLowerCase() === wanted) : undefined;
    if (!found) throw new CoreError('INVALID_INPUT', wording('eng.ask.category'));
    return found;
  }

  /**
   * The words for what the presser is told: a requester's in their ticket's language (the
   * conversation they opened it in, as their updates), an engineer's in the engineers' language.
   */
  private sayTo(actor: Actor, ticket: Ticket): Say {
    return actor.role === 'engineer' ? this.toEngineers : messagesFor(ticket.language ?? undefined);
  }
}

function parsePriority(value: string | undefined): Priority {
  const priority = priorities.find((p) => p === value?.trim().toUpperCase());
  if (!priority)
    throw new CoreError('INVALID_INPUT', wording('refused.choosePriority', { priorities: priorities.join(', ') }));
  return priority;
}

function vendorOf(input: TicketActionInput): VendorDetails | undefined {
  const name = input.vendorName?.trim();
  const caseRef = input.vendorCaseRef?.trim();
  const contact = input.vendorContact?.trim();
  if (!name && !caseRef && !contact) return undefined;
  return { name: name || null, caseRef: caseRef || null, contact: contact || null };
}

function ticketKey(value: string | undefined): string {
  const key = normaliseKey(value ?? '');
  if (!/^[A-Z][A-Z0-9]{0,9}-\d{1,9}$/.test(key))
    throw new CoreError('INVALID_INPUT', wording('refused.noTicketInButton'));
  return key;
}

function parseTier(value: string): Tier {
  const tier = tiers.find((t) => t === value.trim().toUpperCase());
  if (!tier) throw new CoreError('INVALID_INPUT', wording('refused.chooseTier', { tiers: tiers.join(', ') }));
  return tier;
}
