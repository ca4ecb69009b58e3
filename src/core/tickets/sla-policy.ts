import { defaultTimerSettings, type TimerSettings } from '../escalation/timer-settings.js';
import type { BusinessCalendar } from './business-calendar.js';
import type { Priority, Ticket, Tier } from './ticket.js';

/** Minutes to first response and to resolution for one priority. */
export interface SlaTarget {
  responseMinutes: number;
  resolveMinutes: number;
  /** Count plain minutes even when the policy has a business calendar (a 24x7 P1). */
  aroundTheClock?: boolean;
}

export type SlaTargets = Record<Priority, SlaTarget>;

/** Per-tier replacements for some priorities' targets. */
export type TierSlaTargets = Partial<Record<Tier, Partial<Record<Priority, SlaTarget>>>>;

export interface SlaPolicyOptions {
  /** Without one, targets are wall-clock minutes. With one, business minutes (unless aroundTheClock). */
  calendar?: BusinessCalendar;
  tiers?: TierSlaTargets;
  /** Reminders, automatic escalation, re-announcing and waiting tickets (defaults: defaultTimerSettings). */
  timers?: Partial<TimerSettings>;
}

/**
 * Wall-clock targets, used when no SLA file is configured: a P3 opened on Friday evening is due
 * on Saturday. An SLA file (config/sla-file.ts) adds business hours, holidays and per-tier targets.
 */
export const defaultSlaTargets: SlaTargets = {
  P1: { responseMinutes: 15, resolveMinutes: 4 * 60 },
  P2: { responseMinutes: 60, resolveMinutes: 8 * 60 },
  P3: { responseMinutes: 4 * 60, resolveMinutes: 3 * 24 * 60 },
  P4: { responseMinutes: 24 * 60, resolveMinutes: 10 * 24 * 60 },
};

/**
 * The next deadline that still matters: first response until someone responded, then resolution;
 * none once resolved or closed. The store filters and orders by the same rule (TicketSearch).
 */
export function nextDueOf(
  ticket: Pick<Ticket, 'resolvedAt' | 'closedAt' | 'firstResponseAt' | 'responseDueAt' | 'resolveDueAt'>,
): { kind: 'response' | 'resolution'; at: Date } | null {
  if (ticket.resolvedAt || ticket.closedAt) return null;
  if (!ticket.firstResponseAt && ticket.responseDueAt) return { kind: 'response', at: ticket.responseDueAt };
  return ticket.resolveDueAt ? { kind: 'resolution', at: ticket.resolveDueAt } : null;
}

/** How a ticket stands against its SLA at a moment. */
export type SlaState = 'met' | 'ok' | 'soon' | 'breached' | 'none';

/** Due times and the "breaching soon" window, from configured targets. */
export class SlaPolicy {
  constructor(
    private readonly targets: SlaTargets = defaultSlaTargets,
    /** A due time closer than this (or than a quarter of the target, if shorter) counts as "breaching soon". */
    readonly soonMinutes = 60,
    private readonly options: SlaPolicyOptions = {},
  ) {}

  /** How the SLA timers act around these targets. */
  get timers(): TimerSettings {
    return { ...defaultTimerSettings, ...this.options.timers };
  }

  /** The business calendar due times count in, if any. */
  get calendar(): BusinessCalendar | undefined {
    return this.options.calendar;
  }

  /** The target for a priority, with the tier's override when there is one. */
  target(priority: Priority, tier?: Tier): SlaTarget {
    return (tier && this.options.tiers?.[tier]?.[priority]) || this.targets[priority];
  }

  dueTimes(priority: Priority, openedAt: Date, tier?: Tier): { responseDueAt: Date; resolveDueAt: Date } {
    const target = this.target(priority, tier);
    const calendar = target.aroundTheClock ? undefined : this.options.calendar;
    const add = (minutes: number) =>
      calendar ? calendar.add(openedAt, minutes) : new Date(openedAt.getTime() + minutes * 60_000);
    return { responseDueAt: add(target.responseMinutes), resolveDueAt: add(target.resolveMinutes) };
  }

  /**
   * The due times after the ticket's priority changes to `priority` at `now`. Only clocks still
   * running move: a first response already given, a resolved ticket and a deadline already
   * passed keep their due time (a change neither re-judges a met target nor undoes a breach). A
   * running deadline becomes the new priority's target counted from `clockStart` (when the
   * current clock started: the opening, the last escalation or reopening), plus whatever time
   * its old due time had been moved on by (waiting on the requester, or an earlier restart). If
   * that moment has already gone, the new target counts from `now`, as an escalation's clock
   * does: a correction does not breach the ticket, nor escalate it, by itself.
   */
  rescheduled(
    ticket: Ticket,
    priority: Priority,
    clockStart: Date,
    now: Date,
  ): { responseDueAt: Date | null; resolveDueAt: Date | null } {
    const before = this.dueTimes(ticket.priority, clockStart, ticket.tier);
    const after = this.dueTimes(priority, clockStart, ticket.tier);
    const restarted = this.dueTimes(priority, now, ticket.tier);
    const move = (kind: 'responseDueAt' | 'resolveDueAt', done: boolean): Date | null => {
      const due = ticket[kind];
      if (!due || done || due.getTime() <= now.getTime()) return due;
      const moved = Math.max(0, due.getTime() - before[kind].getTime());
      const next = after[kind].getTime() + moved;
      return next > now.getTime() ? new Date(next) : restarted[kind];
    };
    const over = Boolean(ticket.resolvedAt || ticket.closedAt);
    return {
      responseDueAt: move('responseDueAt', over || Boolean(ticket.firstResponseAt)),
      resolveDueAt: move('resolveDueAt', over),
    };
  }

  /** The next deadline that still matters (nextDueOf). */
  nextDue(ticket: Ticket): { kind: 'response' | 'resolution'; at: Date } | null {
    return nextDueOf(ticket);
  }

  state(ticket: Ticket, now = new Date()): SlaState {
    if (ticket.resolvedAt || ticket.closedAt) {
      if (!ticket.resolveDueAt) return 'none';
      return (ticket.resolvedAt ?? ticket.closedAt)! <= ticket.resolveDueAt ? 'met' : 'breached';
    }
    const due = this.nextDue(ticket);
    if (!due) return 'none';
    const left = due.at.getTime() - now.getTime();
    if (left < 0) return 'breached';
    // A 15-minute P1 target is not "breaching soon" the moment it opens.
    const window = Math.min(this.soonMinutes * 60_000, (due.at.getTime() - ticket.createdAt.getTime()) / 4);
    return left <= window ? 'soon' : 'ok';
  }
}
