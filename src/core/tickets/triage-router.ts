import type { Ticket, Tier } from './ticket.js';

/** A place where engineers see tickets: a chat and that chat's address (e.g. a Slack channel id). */
export interface TriageDestination {
  channel: string;
  address: string;
}

/** Sends tickets of a category (and optionally a tier) somewhere other than the tier's channel. */
export interface TriageRule {
  category: string;
  tier?: Tier;
  destination: TriageDestination;
}

export interface TriageRoutes {
  /** Each tier's default triage places (one per chat at most is usual). */
  tiers: Partial<Record<Tier, TriageDestination[]>>;
  /** Checked in order before the tier defaults; the first match wins for its chat. */
  rules: TriageRule[];
}

/** Decides where a ticket's triage card goes, from its tier and category. */
export class TriageRouter {
  constructor(private readonly routes: TriageRoutes) {}

  route(ticket: Pick<Ticket, 'tier' | 'category'>): TriageDestination[] {
    const defaults = this.routes.tiers[ticket.tier] ?? [];
    const matched = this.routes.rules.filter(
      (rule) => rule.category.toLowerCase() === ticket.category.toLowerCase() && (!rule.tier || rule.tier === ticket.tier),
    );
    const byChat = new Map<string, TriageDestination>();
    for (const destination of defaults) if (!byChat.has(destination.channel)) byChat.set(destination.channel, destination);
    // A matching rule replaces the tier's default in the same chat; the first matching rule wins.
    const overridden = new Set<string>();
    for (const rule of matched) {
      if (overridden.has(rule.destination.channel)) continue;
      overridden.add(rule.destination.channel);
      byChat.set(rule.destination.channel, rule.destination);
    }
    return [...byChat.values()];
  }

  /** Destinations in one chat, for that chat's notifier. */
  routeIn(channel: string, ticket: Pick<Ticket, 'tier' | 'category'>): TriageDestination[] {
    return this.route(ticket).filter((destination) => destination.channel === channel);
  }
}
