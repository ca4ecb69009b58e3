import { randomUUID } from 'node:crypto';
import { CoreError } from '../errors.js';
import type { LanguageCode } from '../language/languages.js';
import type { Logger } from '../logger.js';
import { CATALOGUE_LANGUAGES, messagesFor } from '../messages/catalogue.js';
import type { SlaPolicy } from '../tickets/sla-policy.js';
import type { TicketNotification, TicketNotifier } from '../tickets/ticket-notifier.js';
import type { TicketRepository } from '../tickets/ticket-repository.js';
import type { TicketService } from '../tickets/ticket-service.js';
import { tiers, type Actor, type Ticket } from '../tickets/ticket.js';
import type { TimerSettings } from './timer-settings.js';

/** The kinds of timer, each firing at most once per deadline it is for. */
export type TimerKind = 'response-breach' | 'resolution-breach' | 'reminder' | 'reannounce' | 'nudge' | 'close-waiting';

/** A timer that is due now on a ticket. */
export interface DueTimer {
  kind: TimerKind;
  /** Names the timer and the deadline it is for: the same deadline never fires twice. */
  key: string;
  /** The deadline itself. */
  at: Date;
  /** For reminders: which SLA deadline is near. */
  deadline?: 'response' | 'resolution';
  /** For re-announcements: how many periods it has waited. */
  periods?: number;
}

/**
 * Claims on timer firings, shared by every process on the database. Implementations:
 * PrismaTimerClaims (the claim is a row whose primary key is the timer's key).
 */
export interface TimerClaims {
  /**
   * 'mine' when this owner may fire the timer now because nobody claimed it; 'taken-over' when a
   * claim that was never finished is older than `leaseMs` (its process died) and this owner took
   * it over; 'done' when it has fired; 'busy' when another process is firing it.
   */
  claim(
    timer: { key: string; ticketId: string; kind: TimerKind },
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<'mine' | 'taken-over' | 'done' | 'busy'>;
  /** Marks a fired timer done, so it is never taken over. */
  done(key: string, owner: string, now: Date): Promise<void>;
  /** Forgets timers finished before `doneBefore` (the table would otherwise only grow). */
  prune(doneBefore: Date): Promise<number>;
  /** Claims not finished since before `claimedBefore`: their process died mid-firing. */
  stale(claimedBefore: Date, limit: number): Promise<Array<{ key: string; ticketId: string; kind: TimerKind }>>;
}

/** Statuses in which nobody at the ticket's tier has picked it up. */
const unclaimedStatuses: ReadonlySet<Ticket['status']> = new Set(['new', 'escalated', 'reopened']);

/**
 * The timers due on a ticket at `now`, most important first: a breach (which changes the ticket)
 * before a reminder, closing a waiting ticket before nudging it. Pure: the sweep decides who fires.
 */
export function dueTimers(ticket: Ticket, now: Date, sla: SlaPolicy, settings: TimerSettings): DueTimer[] {
  const due: DueTimer[] = [];
  const at = (kind: TimerKind, date: Date, extra: Partial<DueTimer> = {}): DueTimer => ({
    kind,
    key: `${ticket.id}:${kind}:${date.toISOString()}${extra.periods ? `:${extra.periods}` : ''}`,
    at: date,
    ...extra,
  });
  const passed = (date: Date | null): date is Date => date !== null && date.getTime() <= now.getTime();
  const since = ticket.statusChangedAt ?? ticket.createdAt;
  const unclaimed = unclaimedStatuses.has(ticket.status) && !ticket.assigneeId;

  if (ticket.status === 'waiting') {
    // The resolution clock is paused while waiting (see TicketService.resume).
    const closeAt =
      settings.closeWaitingMinutes > 0 ? new Date(since.getTime() + settings.closeWaitingMinutes * 60_000) : null;
    if (passed(closeAt)) due.push(at('close-waiting', since));
    else if (
      settings.nudgeWaitingMinutes > 0 &&
      passed(new Date(since.getTime() + settings.nudgeWaitingMinutes * 60_000))
    )
      due.push(at('nudge', since));
    return due;
  }
  if (ticket.status === 'resolved' || ticket.status === 'closed') return due;

  if (unclaimed && passed(ticket.responseDueAt)) due.push(at('response-breach', ticket.responseDueAt));
  else if (passed(ticket.resolveDueAt)) due.push(at('resolution-breach', ticket.resolveDueAt));
  else {
    const next =
      unclaimed && ticket.responseDueAt
        ? { deadline: 'response' as const, date: ticket.responseDueAt }
        : ticket.resolveDueAt
          ? { deadline: 'resolution' as const, date: ticket.resolveDueAt }
          : null;
    if (next) {
      const lead = remindLeadMs(sla, ticket, next.date, settings);
      if (lead > 0 && now.getTime() >= next.date.getTime() - lead)
        due.push(at('reminder', next.date, { deadline: next.deadline }));
    }
  }
  if (unclaimed && settings.reannounceMinutes > 0) {
    const periods = Math.floor((now.getTime() - since.getTime()) / (settings.reannounceMinutes * 60_000));
    // Only the latest period: after a long outage the channel hears once, not once per missed hour.
    if (periods >= 1) due.push(at('reannounce', since, { periods }));
  }
  return due;
}

/** How long before a deadline the reminder goes: the setting, or the policy's "breaching soon" window. */
function remindLeadMs(sla: SlaPolicy, ticket: Ticket, deadline: Date, settings: TimerSettings): number {
  if (settings.remindBeforeMinutes !== undefined) return settings.remindBeforeMinutes * 60_000;
  // A 15-minute P1 target is not "breaching soon" the moment it opens (as in SlaPolicy.state).
  const start = (ticket.statusChangedAt ?? ticket.createdAt).getTime();
  return Math.min(sla.soonMinutes * 60_000, Math.max(0, deadline.getTime() - start) / 4);
}

export interface SlaTimersDeps {
  repository: TicketRepository;
  tickets: TicketService;
  notifier: TicketNotifier;
  claims: TimerClaims;
  sla: SlaPolicy;
  settings: TimerSettings;
  logger: Logger;
  /** Names this process in claims (for the logs and take-overs). */
  owner?: string;
  /** A claim not finished within this long is taken over by another process. */
  leaseMs?: number;
  /** The engineers' language (DEFAULT_LANGUAGE), for the reasons they read; the requester's is the ticket's. */
  language?: LanguageCode;
}

/** What one sweep did. */
export interface SweepResult {
  examined: number;
  fired: Array<{ ticket: string; kind: TimerKind }>;
  failed: number;
}

const TIMER_ACTOR: Actor = { id: 'sla-timer', name: 'SLA timer', role: 'system' };
const PAGE = 200;
const MAX_PER_SWEEP = 10_000;
const MAX_REMEMBERED = 50_000;
/**
 * Finished timers are kept this long. A deadline still due after that (an L4 ticket nobody has
 * touched for a month) is announced once more, which is a fair reminder rather than a fault.
 */
const KEEP_FIRED_MS = 30 * 24 * 60 * 60_000;
const PRUNE_EVERY_MS = 60 * 60_000;
const changesTicket: ReadonlySet<TimerKind> = new Set(['response-breach', 'resolution-breach', 'close-waiting']);

/**
 * Fires the SLA timers of every open ticket. Nothing is scheduled in memory: each sweep reads the
 * tickets' own deadlines, so a restart loses nothing, and each firing is claimed in the database,
 * so of several processes sweeping at once exactly one acts on each deadline.
 */
export class SlaTimers {
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly finished = new Set<string>();
  private lastPrune = 0;

  constructor(private readonly deps: SlaTimersDeps) {
    this.owner = deps.owner ?? `timers-${randomUUID().slice(0, 8)}`;
    this.leaseMs = deps.leaseMs ?? 2 * 60_000;
  }

  async sweep(now = new Date()): Promise<SweepResult> {
    const { settings, sla } = this.deps;
    const result: SweepResult = { examined: 0, fired: [], failed: 0 };
    const lead = Math.max(settings.remindBeforeMinutes ?? 0, sla.soonMinutes) * 60_000;
    const waits = [settings.reannounceMinutes, settings.nudgeWaitingMinutes, settings.closeWaitingMinutes].filter(
      (m) => m > 0,
    );
    const changedBefore = waits.length > 0 ? new Date(now.getTime() - Math.min(...waits) * 60_000) : new Date(0);
    for (let offset = 0; offset < MAX_PER_SWEEP; offset += PAGE) {
      const page = await this.deps.repository.timerCandidates({
        dueBefore: new Date(now.getTime() + lead),
        changedBefore,
        offset,
        limit: PAGE,
      });
      for (const ticket of page) {
        result.examined++;
        for (const timer of dueTimers(ticket, now, sla, settings)) {
          if (this.finished.has(timer.key)) continue;
          try {
            const outcome = await this.fire(ticket, timer, now);
            if (outcome === 'acted') result.fired.push({ ticket: ticket.key, kind: timer.kind });
            // A breach or a close changed the ticket: the rest is decided on its new state next sweep.
            if (outcome === 'acted' && changesTicket.has(timer.kind)) break;
          } catch (error) {
            result.failed++;
            this.deps.logger.error(
              { err: error, ticket: ticket.key, timer: timer.kind },
              'SLA timer failed; it is retried after its lease',
            );
          }
        }
      }
      if (page.length < PAGE) break;
    }
    // A process that died between claiming and finishing may have left a ticket that is no longer
    // a candidate (its escalation went through): finish those claims too, so none is left open.
    for (const stale of await this.deps.claims.stale(new Date(now.getTime() - this.leaseMs), PAGE)) {
      const ticket = await this.deps.repository.findById(stale.ticketId);
      try {
        if (ticket && (await this.fire(ticket, { key: stale.key, kind: stale.kind, at: now }, now)) === 'acted')
          result.fired.push({ ticket: ticket.key, kind: stale.kind });
      } catch (error) {
        result.failed++;
        this.deps.logger.error(
          { err: error, timer: stale.key },
          'SLA timer take-over failed; it is retried after its lease',
        );
      }
    }
    if (now.getTime() - this.lastPrune >= PRUNE_EVERY_MS) {
      this.lastPrune = now.getTime();
      await this.deps.claims.prune(new Date(now.getTime() - KEEP_FIRED_MS));
    }
    if (result.fired.length > 0) this.deps.logger.info({ fired: result.fired, owner: this.owner }, 'SLA timers fired');
    return result;
  }

  /** Claims and fires one timer: 'acted', or 'skipped' when another process has it or it no longer applies. */
  private async fire(ticket: Ticket, timer: DueTimer, now: Date): Promise<'acted' | 'skipped'> {
    const { claims } = this.deps;
    const claim = await claims.claim(
      { key: timer.key, ticketId: ticket.id, kind: timer.kind },
      this.owner,
      now,
      this.leaseMs,
    );
    if (claim === 'done') this.remember(timer.key);
    if (claim !== 'mine' && claim !== 'taken-over') return 'skipped';
    // Re-read after the claim: a take-over after a crash finds the ticket as the dead process left it.
    const fresh = await this.deps.repository.findById(ticket.id);
    const still = fresh
      ? dueTimers(fresh, now, this.deps.sla, this.deps.settings).find((t) => t.key === timer.key)
      : undefined;
    const acted = fresh && still ? await this.act(fresh, still) : false;
    if (claim === 'taken-over' && !still) {
      this.deps.logger.warn(
        { timer: timer.key, ticket: fresh?.key },
        'took over an SLA timer from a process that stopped mid-firing: its change is in place, its chat message may not have gone out',
      );
    }
    await claims.done(timer.key, this.owner, now);
    this.remember(timer.key);
    return acted ? 'acted' : 'skipped';
  }

  /** Keys known to have fired, so later sweeps do not ask the database again (bounded). */
  private remember(key: string): void {
    if (this.finished.size >= MAX_REMEMBERED) this.finished.clear();
    this.finished.add(key);
  }

  private async act(ticket: Ticket, timer: DueTimer): Promise<boolean> {
    const { tickets, settings } = this.deps;
    switch (timer.kind) {
      case 'response-breach':
      case 'resolution-breach': {
        const next = tiers[tiers.indexOf(ticket.tier) + 1];
        const say = messagesFor(this.deps.language);
        const reason = say(timer.kind === 'response-breach' ? 'eng.timer.unclaimed' : 'eng.timer.unresolved', {
          tier: ticket.tier,
          priority: ticket.priority,
          due: timer.at.toISOString().slice(0, 16).replace('T', ' '),
        });
        if (!settings.autoEscalate || !next) {
          // Nowhere further to go: make the breach loud where the ticket is worked.
          await this.tell(
            ticket,
            'reminder',
            `${ticket.key} breached its ${timer.kind === 'response-breach' ? 'response' : 'resolution'} target`,
            reason,
            { kind: timer.kind === 'response-breach' ? 'response' : 'resolution', at: timer.at },
          );
          return true;
        }
        return this.guard(
          tickets.escalate(ticket.key, TIMER_ACTOR, { tier: next, reason: say('eng.timer.escalated', { reason }) }),
        );
      }
      case 'reminder':
        await this.tell(ticket, 'reminder', `${ticket.key}: the ${timer.deadline} target is near`, undefined, {
          kind: timer.deadline ?? 'resolution',
          at: timer.at,
        });
        return true;
      case 'reannounce': {
        const hours = ((timer.periods ?? 1) * settings.reannounceMinutes) / 60;
        await this.tell(
          ticket,
          'unclaimed',
          `${ticket.key} has waited ${formatHours(hours)} for someone at ${ticket.tier} to claim it`,
          undefined,
          undefined,
          hours * 60,
        );
        return true;
      }
      case 'nudge': {
        const closeAt =
          settings.closeWaitingMinutes > 0
            ? new Date(timer.at.getTime() + settings.closeWaitingMinutes * 60_000)
            : undefined;
        await this.tell(
          ticket,
          'nudged',
          `${ticket.key} is still waiting for your reply`,
          undefined,
          closeAt ? { kind: 'close', at: closeAt } : undefined,
        );
        return true;
      }
      case 'close-waiting': {
        const days = Math.round((settings.closeWaitingMinutes / (24 * 60)) * 10) / 10;
        // The requester reads why: in their ticket's language.
        const language = ticket.language ?? this.deps.language;
        const reason = messagesFor(language)(days === 1 ? 'timer.closedNoReplyDay' : 'timer.closedNoReplyDays', {
          days: new Intl.NumberFormat(language && CATALOGUE_LANGUAGES.includes(language) ? language : 'en').format(
            days,
          ),
        });
        return this.guard(tickets.close(ticket.key, TIMER_ACTOR, reason));
      }
    }
  }

  /** A state change refused because someone changed the ticket first is not a failure: they acted. */
  private async guard(change: Promise<Ticket>): Promise<boolean> {
    try {
      await change;
      return true;
    } catch (error) {
      if (error instanceof CoreError && (error.code === 'CONFLICT' || error.code === 'ILLEGAL_TRANSITION'))
        return false;
      throw error;
    }
  }

  private async tell(
    ticket: Ticket,
    type: TicketNotification['type'],
    summary: string,
    note?: string,
    due?: TicketNotification['due'],
    waitedMinutes?: number,
  ): Promise<void> {
    await this.deps.notifier.notify({
      type,
      ticket,
      actor: TIMER_ACTOR,
      summary,
      ...(note ? { note } : {}),
      ...(due ? { due } : {}),
      ...(waitedMinutes !== undefined ? { waitedMinutes } : {}),
    });
  }
}

function formatHours(hours: number): string {
  if (hours < 1) return `${Math.round(hours * 60)} minutes`;
  if (hours < 48) return `${Math.round(hours * 10) / 10} hour${hours === 1 ? '' : 's'}`;
  return `${Math.round(hours / 24)} days`;
}
