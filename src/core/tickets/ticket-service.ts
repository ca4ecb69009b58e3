import { randomUUID } from 'node:crypto';
import { cutText } from '../conversation/user-text.js';
import { CoreError } from '../errors.js';
import type { LanguageCode } from '../language/languages.js';
import { messagesFor, wording, type Wording } from '../messages/catalogue.js';
import type { Logger } from '../logger.js';
import type { TicketNotification, TicketNotifier } from './ticket-notifier.js';
import type { NewTicketEvent, TicketPatch, TicketRepository, TicketSearch } from './ticket-repository.js';
import type { RouteInput } from './routing-rules.js';
import { rank, settleTriage, type TicketTriage, type TriageField, type TriageRecord } from '../triage/ticket-triage.js';
import { SlaPolicy } from './sla-policy.js';
import { openStatuses, refusalOf, transition, type TicketCommand } from './ticket-state-machine.js';
import {
  priorities,
  tiers,
  type Actor,
  type Priority,
  type Ticket,
  type TicketEvent,
  type TicketStatus,
  type Tier,
  type TranscriptLine,
} from './ticket.js';

/** What a conversation hands over when it opens a ticket. */
export interface OpenTicketInput {
  requester: Actor;
  channel: string;
  conversationKey: string | null;
  subject: string;
  description: string;
  question?: string | null;
  transcript?: TranscriptLine[];
  collected?: Record<string, unknown>;
  /** Given values are the opener's choice, which triage keeps, unless listed in `guessed`; missing ones are predicted. */
  priority?: Priority;
  tier?: Tier;
  category?: string;
  /** Given values that are only the opener's guess (e.g. the category of the article the bot tried): a confident prediction replaces them. */
  guessed?: readonly TriageField[];
  /** The delivery asking for it (e.g. slack:Ev123): asked again, the ticket it opened is returned. */
  origin?: string;
  /** The requester's language (the conversation's), for what they are told about the ticket; absent: the default. */
  language?: string;
}

export interface TicketServiceOptions {
  keyPrefix: string;
  defaultTier: Tier;
  /** Ticket numbers start above this (HD-1001 is the first with the default 1000). */
  numberOffset?: number;
  sla?: SlaPolicy;
  /**
   * The tier routing gives a new ticket, if any; `hasOwnTier` says whether its article or script
   * already chose one (a matching route still wins; a default route only fills the gap).
   */
  routeTier?: (ticket: RouteInput, hasOwnTier: boolean) => Tier | undefined;
  /** Predicts a new ticket's category, priority and tier from its text (see settleTriage for what wins). */
  triage?: TicketTriage;
  /** A more urgent priority for a new ticket (the routing file's priority rules, e.g. a VIP group), and the rules that gave it. */
  raisePriority?: (ticket: RouteInput, priority: Priority) => { priority: Priority; rules: string[] } | undefined;
  /** The engineers' language (the deployment's, DEFAULT_LANGUAGE): what the service writes for them (triage's reasons). */
  language?: LanguageCode;
}

const MAX_SUBJECT = 120;
const MAX_DESCRIPTION = 8_000;
const MAX_COMMENT = 3_000;
const MAX_REASON = 1_000;
const MAX_CATEGORY = 60;
/** Engineers' notes starting with this stay in the triage thread. */
const INTERNAL_NOTE = /^\s*\(internal\)/i;

/** Opens tickets and moves them through their lifecycle, recording every change and telling people. */
export class TicketService {
  readonly sla: SlaPolicy;
  /** The delivery this service acts for (see withOrigin). */
  private origin: string | undefined;

  constructor(
    private readonly repository: TicketRepository,
    private readonly notifier: TicketNotifier,
    private readonly logger: Logger,
    private readonly options: TicketServiceOptions,
  ) {
    this.sla = options.sla ?? new SlaPolicy();
  }

  async open(input: OpenTicketInput): Promise<Ticket> {
    if (input.origin) {
      const existing = await this.repository.findByOrigin(input.origin);
      if (existing) {
        // Handled again after a crash: the announcement may not have gone out; the notifier drops a repeat.
        await this.tell({
          type: 'opened',
          ticket: existing,
          actor: input.requester,
          summary: `Opened ${existing.key}: ${existing.subject}`,
        });
        return existing;
      }
    }
    const subject =
      cutText(oneLine(input.subject), MAX_SUBJECT) || messagesFor(this.options.language)('eng.ticket.untitled');
    const number = (await this.repository.nextNumber()) + (this.options.numberOffset ?? 1000);
    const triaged = settleTriage(
      {
        ...(input.category !== undefined ? { category: input.category } : {}),
        ...(input.priority ? { priority: input.priority } : {}),
        ...(input.tier ? { tier: input.tier } : {}),
        ...(input.guessed ? { guessed: input.guessed } : {}),
      },
      this.predict(subject, input),
    );
    const { category } = triaged;
    const ownTier = triaged.tier ?? this.options.defaultTier;
    const routeInput = {
      tier: ownTier,
      category,
      requesterId: input.requester.id,
      subject,
      question: input.question ?? null,
      collected: input.collected ?? {},
    };
    const raised = this.options.raisePriority?.({ ...routeInput, priority: triaged.priority }, triaged.priority);
    const priority = raised && rank(raised.priority) < rank(triaged.priority) ? raised.priority : triaged.priority;
    const routed = this.options.routeTier?.({ ...routeInput, priority }, triaged.tier !== undefined);
    const tier = routed ?? ownTier;
    const triage = triaged.record
      ? { ...triaged.record, ...(raised ? { raisedBy: raised.rules, raisedFrom: triaged.priority } : {}) }
      : raised
        ? { raisedBy: raised.rules, raisedFrom: triaged.priority }
        : null;
    const ticket = await this.repository.create(
      {
        id: randomUUID(),
        key: `${this.options.keyPrefix}-${number}`,
        subject,
        description: cutText(input.description, MAX_DESCRIPTION),
        question: input.question ?? null,
        transcript: input.transcript ?? [],
        collected: { ...(input.collected ?? {}), ...(triaged.record ? { triage: triageSummary(triaged.record) } : {}) },
        priority,
        ...this.sla.dueTimes(priority, new Date(), tier),
        tier,
        category,
        status: 'new',
        statusChangedAt: new Date(),
        channel: input.channel,
        conversationKey: input.conversationKey,
        requesterId: input.requester.id,
        requesterName: input.requester.name ?? null,
        language: input.language ?? null,
        ...(input.origin ? { origin: input.origin } : {}),
      },
      event(input.requester, 'created', null, 'new', { priority, ...(triage ? { triage } : {}) }),
    );
    await this.tell({
      type: 'opened',
      ticket,
      actor: input.requester,
      summary: `Opened ${ticket.key}: ${ticket.subject}`,
    });
    return ticket;
  }

  /** Triage's prediction for a new ticket; a failing model never keeps a ticket from opening. */
  private predict(subject: string, input: OpenTicketInput): ReturnType<TicketTriage['predict']> {
    if (!this.options.triage) return null;
    try {
      return this.options.triage.predict(
        { subject, description: input.description, question: input.question ?? null },
        this.options.language,
      );
    } catch (error) {
      this.logger.error({ err: error }, 'triage failed; the ticket opens with its defaults');
      return null;
    }
  }

  /**
   * The same service acting for one delivery (e.g. slack:Ev123, a button press kept in the
   * inbox): each change it makes is recorded with the delivery's id, so when the delivery is
   * handled again after a crash, a change it already made is not made twice (no second comment,
   * no "already claimed by you") and its notification goes out again, in case the crash came
   * before it did (the outbox drops a repeat).
   */
  withOrigin(origin: string | undefined): TicketService {
    if (!origin) return this;
    return Object.assign(Object.create(TicketService.prototype) as TicketService, this, { origin });
  }

  async get(key: string): Promise<Ticket> {
    const ticket = await this.repository.findByKey(normaliseKey(key));
    if (!ticket) throw new CoreError('NOT_FOUND', wording('refused.noTicket', { key: normaliseKey(key) }));
    return ticket;
  }

  history(ticket: Ticket): Promise<TicketEvent[]> {
    return this.repository.events(ticket.id);
  }

  /** Tickets that need engineers: every open one, oldest first. */
  queue(limit = 50): Promise<Ticket[]> {
    return this.repository.list({ statuses: openStatuses, limit });
  }

  /** The first `limit` tickets of a search (the web view's queue and exports), oldest first, filtered and paged by the store. */
  search(search: TicketSearch, limit: number): Promise<Ticket[]> {
    return this.repository.search(search, limit);
  }

  /** How many tickets match a search. */
  countMatching(search: TicketSearch): Promise<number> {
    return this.repository.countMatching(search);
  }

  ticketsOf(requesterId: string, limit = 20): Promise<Ticket[]> {
    return this.repository.list({ requesterId, limit });
  }

  async claim(key: string, actor: Actor): Promise<Ticket> {
    requireEngineer(actor, 'claim');
    return this.change(key, actor, 'claim', (ticket) => {
      if (ticket.status === 'claimed' && ticket.assigneeId) {
        throw new CoreError(
          'CONFLICT',
          ticket.assigneeId === actor.id
            ? wording('refused.alreadyClaimedByYou', { key: ticket.key })
            : wording('refused.alreadyClaimed', { key: ticket.key, name: ticket.assigneeName ?? ticket.assigneeId }),
        );
      }
      return {
        patch: {
          assigneeId: actor.id,
          assigneeName: actor.name ?? null,
          firstResponseAt: ticket.firstResponseAt ?? new Date(),
        },
        detail: {},
        notification: { type: 'claimed', summary: `${ticket.key} was claimed by ${nameOf(actor)}` },
      };
    });
  }

  async escalate(
    key: string,
    actor: Actor,
    options: { tier?: Tier; reason?: string; vendor?: VendorDetails } = {},
  ): Promise<Ticket> {
    requireEngineer(actor, 'escalate');
    const vendor = options.vendor ? cleanVendor(options.vendor) : undefined;
    return this.change(key, actor, 'escalate', (ticket) => {
      const current = tiers.indexOf(ticket.tier);
      const target = options.tier ?? tiers[current + 1];
      if (!target) throw new CoreError('ILLEGAL_TRANSITION', wording('refused.escalateAtTop', { key: ticket.key }));
      if (tiers.indexOf(target) <= current) {
        throw new CoreError(
          'ILLEGAL_TRANSITION',
          wording('refused.escalateNotUp', { key: ticket.key, target, tier: ticket.tier }),
        );
      }
      if (vendor && target !== 'L4') throw new CoreError('INVALID_INPUT', wording('refused.vendorNotL4'));
      return {
        // An escalated ticket waits for someone at the new tier to claim it, on that tier's clock:
        // keeping the old due times would breach again at once and cascade up every tier.
        patch: {
          tier: target,
          assigneeId: null,
          assigneeName: null,
          statusChangedAt: new Date(),
          ...this.sla.dueTimes(ticket.priority, new Date(), target),
          ...vendor,
        },
        detail: {
          fromTier: ticket.tier,
          toTier: target,
          reason: options.reason ?? null,
          ...(vendor ? { vendor } : {}),
        },
        notification: {
          type: 'escalated',
          summary: `${ticket.key} was escalated to ${target} by ${nameOf(actor)}`,
          fromTier: ticket.tier,
          ...(options.reason ? { note: options.reason } : {}),
        },
      };
    });
  }

  /** Records (or corrects) the outside vendor working an L4 ticket: who, their case reference, a contact. */
  async setVendor(key: string, actor: Actor, details: VendorDetails): Promise<Ticket> {
    requireEngineer(actor, 'vendor');
    const vendor = cleanVendor(details);
    if (!vendor.vendorName) throw new CoreError('INVALID_INPUT', wording('eng.form.vendorMissing'));
    const ticket = await this.get(key);
    if (ticket.tier !== 'L4')
      throw new CoreError(
        'ILLEGAL_TRANSITION',
        wording('refused.vendorEscalateFirst', { key: ticket.key, tier: ticket.tier }),
      );
    if (await this.replayed(ticket, actor)) return ticket;
    if (!openStatuses.includes(ticket.status))
      throw new CoreError(
        'ILLEGAL_TRANSITION',
        wording('refused.vendorReopenFirst', { key: ticket.key, status: statusWording(ticket.status) }),
      );
    const caseRef = vendor.vendorCaseRef ? ` (case ${vendor.vendorCaseRef})` : '';
    const told = { type: 'vendor', summary: `${ticket.key} is with ${vendor.vendorName}${caseRef}` } as const;
    const updated = await this.repository.update(
      ticket.id,
      ticket.version,
      vendor,
      this.event(
        actor,
        'vendor',
        ticket.status,
        ticket.status,
        {
          vendor,
          previous: {
            vendorName: ticket.vendorName,
            vendorCaseRef: ticket.vendorCaseRef,
            vendorContact: ticket.vendorContact,
          },
        },
        told,
      ),
    );
    if (!updated) throw await this.conflict(ticket.key);
    await this.tell({ ...told, ticket: updated, actor });
    return updated;
  }

  async wait(key: string, actor: Actor, note: string): Promise<Ticket> {
    requireEngineer(actor, 'wait');
    return this.change(key, actor, 'wait', (ticket) => ({
      patch: {},
      detail: { note },
      notification: { type: 'waiting', summary: `${ticket.key} is waiting for your reply`, note },
    }));
  }

  /** The requester answered a ticket that was waiting for them. */
  async resume(key: string, actor: Actor, reply: string): Promise<Ticket> {
    return this.change(key, actor, 'resume', (ticket) => {
      if (actor.role !== 'engineer' && actor.id !== ticket.requesterId) {
        throw new CoreError('FORBIDDEN', wording('refused.notYours.resume'));
      }
      return {
        patch: pausedClock(ticket, new Date()),
        detail: { reply },
        notification: { type: 'resumed', summary: `${ticket.key}: the requester replied`, note: reply },
      };
    });
  }

  async resolve(key: string, actor: Actor, resolution: string): Promise<Ticket> {
    requireEngineer(actor, 'resolve');
    if (!resolution.trim()) throw new CoreError('INVALID_INPUT', wording('refused.resolutionMissing'));
    return this.change(key, actor, 'resolve', (ticket) => ({
      patch: { resolvedAt: new Date(), firstResponseAt: ticket.firstResponseAt ?? new Date() },
      detail: { resolution },
      notification: { type: 'resolved', summary: `${ticket.key} was resolved by ${nameOf(actor)}`, note: resolution },
    }));
  }

  async close(key: string, actor: Actor, reason?: string): Promise<Ticket> {
    return this.change(key, actor, 'close', (ticket) => {
      requireRequesterOrEngineer(ticket, actor, 'close');
      return {
        patch: { closedAt: new Date() },
        detail: { reason: reason ?? null },
        notification: {
          type: 'closed',
          summary: `${ticket.key} was closed by ${nameOf(actor)}`,
          ...(reason ? { note: reason } : {}),
        },
      };
    });
  }

  async reopen(key: string, actor: Actor, reason: string): Promise<Ticket> {
    return this.change(key, actor, 'reopen', (ticket) => {
      requireRequesterOrEngineer(ticket, actor, 'reopen');
      return {
        // The reopened problem gets a fresh SLA clock; the first one is kept in the metrics by the events.
        patch: {
          resolvedAt: null,
          assigneeId: null,
          assigneeName: null,
          ...this.sla.dueTimes(ticket.priority, new Date(), ticket.tier),
        },
        detail: { reason },
        notification: { type: 'reopened', summary: `${ticket.key} was reopened by ${nameOf(actor)}`, note: reason },
      };
    });
  }

  /**
   * A message on a ticket: from the requester it goes to the engineers, from an engineer to the
   * requester. An engineer's note starting with "(internal)" is recorded and goes nowhere. A
   * requester's reply to a ticket waiting for them puts it back with the engineers.
   */
  async comment(key: string, actor: Actor, text: string): Promise<{ ticket: Ticket; relayed: boolean }> {
    const body = cutText(text.trim(), MAX_COMMENT);
    if (!body) throw new CoreError('INVALID_INPUT', wording('ticket.commentEmpty'));
    for (let attempt = 0; ; attempt++) {
      const ticket = await this.get(key);
      const again = await this.replayed(ticket, actor);
      if (again) return { ticket, relayed: again.detail.internal !== true };
      // A system actor comments as the requester only on its own tickets (a monitoring source's alert tickets).
      const fromRequester = actor.id === ticket.requesterId;
      if (!fromRequester && actor.role !== 'engineer') {
        throw new CoreError('FORBIDDEN', wording('refused.notYours.comment', { key: ticket.key }));
      }
      if (!openStatuses.includes(ticket.status)) {
        throw new CoreError(
          'ILLEGAL_TRANSITION',
          wording('refused.commentReopenFirst', { key: ticket.key, status: statusWording(ticket.status) }),
        );
      }
      const internal = !fromRequester && INTERNAL_NOTE.test(body);
      const resumes = fromRequester && ticket.status === 'waiting';
      const told = internal
        ? null
        : ({
            type: 'comment',
            from: fromRequester ? 'requester' : 'engineer',
            summary: `${nameOf(actor)} commented on ${ticket.key}`,
            note: body,
          } as const);
      const updated = await this.repository.update(
        ticket.id,
        ticket.version,
        {
          ...(resumes
            ? { status: 'claimed' as const, statusChangedAt: new Date(), ...pausedClock(ticket, new Date()) }
            : {}),
          // An engineer's answer to the requester is a first response for the SLA.
          ...(!fromRequester && !internal && !ticket.firstResponseAt ? { firstResponseAt: new Date() } : {}),
        },
        this.event(
          actor,
          'comment',
          ticket.status,
          resumes ? 'claimed' : ticket.status,
          { text: body, internal, from: fromRequester ? 'requester' : 'engineer' },
          told,
        ),
      );
      if (!updated) {
        // A comment does not depend on the ticket's state: try again on the fresh version.
        if (attempt < 3) continue;
        throw await this.conflict(ticket.key);
      }
      if (told) await this.tell({ ...told, ticket: updated, actor });
      return { ticket: updated, relayed: !internal };
    }
  }

  /** The requester's satisfaction rating (1-5) on a resolved or closed ticket; a new rating replaces the old. */
  async rate(key: string, actor: Actor, score: number): Promise<Ticket> {
    if (!Number.isInteger(score) || score < 1 || score > 5)
      throw new CoreError('INVALID_INPUT', wording('refused.ratingRange'));
    const ticket = await this.get(key);
    if (actor.id !== ticket.requesterId)
      throw new CoreError('FORBIDDEN', wording('refused.rateNotYours', { key: ticket.key }));
    if (await this.replayed(ticket, actor)) return ticket;
    if (ticket.status !== 'resolved' && ticket.status !== 'closed') {
      throw new CoreError(
        'ILLEGAL_TRANSITION',
        wording('refused.rateNotYet', { key: ticket.key, status: statusWording(ticket.status) }),
      );
    }
    const told = { type: 'rated', summary: `${nameOf(actor)} rated ${ticket.key} ${score}/5` } as const;
    const updated = await this.repository.update(
      ticket.id,
      ticket.version,
      { satisfaction: score },
      this.event(actor, 'rating', ticket.status, ticket.status, { score, previous: ticket.satisfaction }, told),
    );
    if (!updated) throw await this.conflict(ticket.key);
    await this.tell({ ...told, ticket: updated, actor });
    return updated;
  }

  /** Hands a claimed ticket to another engineer (no status change). */
  async reassign(key: string, actor: Actor, to: Actor): Promise<Ticket> {
    requireEngineer(actor, 'reassign');
    if (to.role !== 'engineer')
      throw new CoreError('INVALID_INPUT', wording('refused.notEngineer', { name: nameOf(to) }));
    const ticket = await this.get(key);
    if (await this.replayed(ticket, actor)) return ticket;
    if (ticket.status !== 'claimed') {
      throw new CoreError(
        'ILLEGAL_TRANSITION',
        wording('refused.reassignUnclaimed', { key: ticket.key, status: statusWording(ticket.status) }),
      );
    }
    const told = { type: 'claimed', summary: `${ticket.key} was reassigned to ${nameOf(to)}` } as const;
    const updated = await this.repository.update(
      ticket.id,
      ticket.version,
      { assigneeId: to.id, assigneeName: to.name ?? null },
      this.event(actor, 'assigned', ticket.status, ticket.status, { from: ticket.assigneeId, to: to.id }, told),
    );
    if (!updated) throw await this.conflict(ticket.key);
    await this.tell({ ...told, ticket: updated, actor });
    return updated;
  }

  /**
   * Hands an unclaimed ticket (new, escalated, reopened) to an engineer: a claim made on their
   * behalf, so the ticket is claimed (by them) and the event records who assigned it. A ticket
   * someone has already claimed is reassigned instead (see reassign).
   */
  async assign(key: string, actor: Actor, to: Actor): Promise<Ticket> {
    requireEngineer(actor, 'assign');
    if (to.role !== 'engineer')
      throw new CoreError('INVALID_INPUT', wording('refused.notEngineer', { name: nameOf(to) }));
    return this.change(key, actor, 'assign', (ticket) => {
      if (ticket.status === 'claimed' && ticket.assigneeId) {
        throw new CoreError(
          'CONFLICT',
          wording('refused.assignClaimed', { key: ticket.key, name: ticket.assigneeName ?? ticket.assigneeId }),
        );
      }
      return {
        patch: {
          assigneeId: to.id,
          assigneeName: to.name ?? null,
          firstResponseAt: ticket.firstResponseAt ?? new Date(),
        },
        detail: { assignee: to.id, assigneeName: to.name ?? null },
        notification: {
          type: 'claimed',
          summary:
            to.id === actor.id
              ? `${ticket.key} was claimed by ${nameOf(to)}`
              : `${ticket.key} was assigned to ${nameOf(to)}`,
        },
      };
    });
  }

  /**
   * Corrects a ticket's priority, in any status (a closed ticket's final priority is what the
   * reports and the triage model learn from). Running SLA clocks move to the new priority's
   * targets (SlaPolicy.rescheduled); the SLA timers read the new due times on their next sweep,
   * and a timer is keyed by its due time, so a moved deadline gets its own reminder.
   */
  async setPriority(key: string, actor: Actor, priority: Priority, reason?: string): Promise<Ticket> {
    requireEngineer(actor, 'priority');
    if (!(priorities as readonly string[]).includes(priority))
      throw new CoreError('INVALID_INPUT', wording('refused.choosePriority', { priorities: priorities.join(', ') }));
    const note = cleanReason(reason);
    const ticket = await this.get(key);
    if (await this.replayed(ticket, actor)) return ticket;
    if (ticket.priority === priority)
      throw new CoreError('INVALID_INPUT', wording('refused.samePriority', { key: ticket.key, priority }));
    const due = this.sla.rescheduled(
      ticket,
      priority,
      clockStart(ticket, await this.repository.events(ticket.id)),
      new Date(),
    );
    const told = {
      type: 'priority',
      summary: `${ticket.key} is now ${priority} (was ${ticket.priority})`,
      previous: ticket.priority,
      ...(note ? { note } : {}),
    } as const;
    const updated = await this.repository.update(
      ticket.id,
      ticket.version,
      { priority, ...due },
      this.event(
        actor,
        'priority',
        ticket.status,
        ticket.status,
        {
          from: ticket.priority,
          to: priority,
          reason: note ?? null,
          responseDueAt: { from: iso(ticket.responseDueAt), to: iso(due.responseDueAt) },
          resolveDueAt: { from: iso(ticket.resolveDueAt), to: iso(due.resolveDueAt) },
        },
        told,
      ),
    );
    if (!updated) throw await this.conflict(ticket.key);
    await this.tell({ ...told, ticket: updated, actor });
    return updated;
  }

  /**
   * Corrects a ticket's category, in any status. Routing follows the category: the notifiers post
   * the card where the new category routes (if it is still open and has no card there). Which
   * categories may be chosen is the desk's to check (the knowledge base's, routed ones, general).
   */
  async setCategory(key: string, actor: Actor, category: string, reason?: string): Promise<Ticket> {
    requireEngineer(actor, 'category');
    const name = oneLine(category);
    if (!name) throw new CoreError('INVALID_INPUT', wording('form.categoryMissing'));
    if (name.length > MAX_CATEGORY)
      throw new CoreError('INVALID_INPUT', wording('refused.categoryLong', { max: MAX_CATEGORY }));
    const note = cleanReason(reason);
    const ticket = await this.get(key);
    if (await this.replayed(ticket, actor)) return ticket;
    if (ticket.category === name)
      throw new CoreError('INVALID_INPUT', wording('refused.sameCategory', { key: ticket.key, category: name }));
    const told = {
      type: 'category',
      summary: `${ticket.key} moved to ${name} (was ${ticket.category})`,
      previous: ticket.category,
      ...(note ? { note } : {}),
    } as const;
    const updated = await this.repository.update(
      ticket.id,
      ticket.version,
      { category: name },
      this.event(
        actor,
        'category',
        ticket.status,
        ticket.status,
        { from: ticket.category, to: name, reason: note ?? null },
        told,
      ),
    );
    if (!updated) throw await this.conflict(ticket.key);
    await this.tell({ ...told, ticket: updated, actor });
    return updated;
  }

  private async change(
    key: string,
    actor: Actor,
    command: TicketCommand,
    decide: (ticket: Ticket) => {
      patch: TicketPatch;
      detail: Record<string, unknown>;
      notification: Pick<TicketNotification, 'type' | 'summary' | 'note' | 'fromTier'>;
    },
  ): Promise<Ticket> {
    const ticket = await this.get(key);
    if (await this.replayed(ticket, actor)) return ticket;
    const decision = decide(ticket);
    const result = transition(ticket.key, ticket.status, command);
    if (!result.ok) throw new CoreError('ILLEGAL_TRANSITION', refusalOf(ticket.key, ticket.status, command));
    const updated = await this.repository.update(
      ticket.id,
      ticket.version,
      { ...(result.to !== ticket.status ? { statusChangedAt: new Date() } : {}), ...decision.patch, status: result.to },
      this.event(actor, 'status', ticket.status, result.to, { command, ...decision.detail }, decision.notification),
    );
    // Someone else changed the ticket between our read and our write: the database decided.
    if (!updated) throw await this.conflict(ticket.key);
    await this.tell({ ...decision.notification, ticket: updated, actor });
    return updated;
  }

  /** A change's event, with the delivery it came from and what it told, when this service acts for one (withOrigin). */
  private event(
    actor: Actor,
    type: TicketEvent['type'],
    fromStatus: TicketStatus | null,
    toStatus: TicketStatus | null,
    detail: Record<string, unknown>,
    told: Told | null,
  ): NewTicketEvent {
    return event(
      actor,
      type,
      fromStatus,
      toStatus,
      this.origin ? { ...detail, origin: this.origin, ...(told ? { told } : {}) } : detail,
    );
  }

  /**
   * When this service's delivery already changed the ticket (it is handled again after a crash):
   * that change's event, after telling its notification again. The outbox recognises a repeat
   * of a notification that did go out, by the ticket's version, as long as nothing changed since.
   */
  private async replayed(ticket: Ticket, actor: Actor): Promise<TicketEvent | null> {
    if (!this.origin) return null;
    const done = await this.repository.eventByOrigin(ticket.id, this.origin);
    if (!done) return null;
    const told = toldOf(done.detail.told);
    if (told) await this.tell({ ...told, ticket, actor });
    return done;
  }

  private async conflict(key: string): Promise<CoreError> {
    const now = await this.repository.findByKey(key);
    const name = now?.assigneeName ?? now?.assigneeId;
    return new CoreError(
      'CONFLICT',
      !now
        ? wording('refused.conflict.changed', { key })
        : name
          ? wording('refused.conflict.nowWith', { key, status: statusWording(now.status), name })
          : wording('refused.conflict.now', { key, status: statusWording(now.status) }),
    );
  }

  private async tell(notification: TicketNotification): Promise<void> {
    try {
      await this.notifier.notify(notification);
    } catch (error) {
      this.logger.error(
        { err: error, ticket: notification.ticket.key, type: notification.type },
        'ticket notification failed',
      );
    }
  }
}

/** The part of a notification an event keeps, to tell it again. */
type Told = Pick<TicketNotification, 'type' | 'summary' | 'note' | 'fromTier' | 'from' | 'previous'>;

function toldOf(value: unknown): Told | null {
  if (typeof value !== 'object' || value === null) return null;
  const told = value as Record<string, unknown>;
  if (typeof told.type !== 'string' || typeof told.summary !== 'string') return null;
  return {
    type: told.type as Told['type'],
    summary: told.summary,
    ...(typeof told.note === 'string' ? { note: told.note } : {}),
    ...(typeof told.fromTier === 'string' && (tiers as readonly string[]).includes(told.fromTier)
      ? { fromTier: told.fromTier as Tier }
      : {}),
    ...(told.from === 'requester' || told.from === 'engineer' ? { from: told.from } : {}),
    ...(typeof told.previous === 'string' ? { previous: told.previous } : {}),
  };
}

function event(
  actor: Actor,
  type: TicketEvent['type'],
  fromStatus: TicketStatus | null,
  toStatus: TicketStatus | null,
  detail: Record<string, unknown>,
): NewTicketEvent {
  return { actorId: actor.id, actorName: actor.name ?? null, type, fromStatus, toStatus, detail };
}

/**
 * When the ticket's current SLA clock started: its last escalation or reopening (each starts a
 * new clock, see escalate and reopen), else its opening.
 */
function clockStart(ticket: Ticket, events: readonly TicketEvent[]): Date {
  const restart = [...events]
    .reverse()
    .find((e) => e.type === 'status' && (e.detail.command === 'escalate' || e.detail.command === 'reopen'));
  return restart?.createdAt ?? ticket.createdAt;
}

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

/** An optional reason for a change, kept short, or nothing. */
function cleanReason(reason: string | undefined): string | undefined {
  const text = reason ? cutText(reason.trim(), MAX_REASON) : '';
  return text || undefined;
}

/** What the triage card shows of a prediction (kept in `collected.triage`; the 'created' event has it all). */
function triageSummary(record: TriageRecord): Record<string, unknown> {
  return {
    predicted: record.predicted,
    confidence: record.confidence,
    applied: record.applied,
    why: record.reasons.slice(0, 3),
  };
}

/** Who works an L4 ticket outside the company. */
export interface VendorDetails {
  name?: string | null;
  caseRef?: string | null;
  contact?: string | null;
}

const MAX_VENDOR_FIELD = 200;

function cleanVendor(details: VendorDetails): {
  vendorName: string | null;
  vendorCaseRef: string | null;
  vendorContact: string | null;
} {
  const clean = (value: string | null | undefined) =>
    value ? cutText(oneLine(value), MAX_VENDOR_FIELD) || null : null;
  return {
    vendorName: clean(details.name),
    vendorCaseRef: clean(details.caseRef),
    vendorContact: clean(details.contact),
  };
}

/**
 * The resolution clock does not run while a ticket waits on the requester: when they answer,
 * the resolution due time moves on by the time spent waiting.
 */
function pausedClock(ticket: Ticket, now: Date): { resolveDueAt?: Date } {
  if (ticket.status !== 'waiting' || !ticket.resolveDueAt || !ticket.statusChangedAt) return {};
  const waited = Math.max(0, now.getTime() - ticket.statusChangedAt.getTime());
  return { resolveDueAt: new Date(ticket.resolveDueAt.getTime() + waited) };
}

function requireEngineer(
  actor: Actor,
  what: 'claim' | 'assign' | 'escalate' | 'vendor' | 'wait' | 'resolve' | 'reassign' | 'priority' | 'category',
): void {
  if (actor.role !== 'engineer' && actor.role !== 'system') {
    throw new CoreError('FORBIDDEN', wording('refused.onlyEngineers', { what: wording(`refused.what.${what}`) }));
  }
}

function requireRequesterOrEngineer(ticket: Ticket, actor: Actor, verb: 'close' | 'reopen'): void {
  if (actor.role === 'employee' && actor.id !== ticket.requesterId) {
    throw new CoreError('FORBIDDEN', wording(`refused.notYours.${verb}`, { key: ticket.key }));
  }
}

/** A status in the words of whoever reads the refusal. */
export function statusWording(status: TicketStatus): Wording {
  return wording(`ticket.status.${status}`);
}

function nameOf(actor: Actor): string {
  return actor.name ?? actor.id;
}

/** Line breaks, tabs and runs of spaces as one space; a no-break space stays (French sets one before ':'). */
function oneLine(text: string): string {
  return text.replace(/[^\S\u00a0\u2007\u202f]+/g, ' ').trim();
}

/** Accepts "hd-1042" and " HD-1042 " alike. */
export function normaliseKey(key: string): string {
  return key.trim().toUpperCase();
}
