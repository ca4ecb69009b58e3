import type { RouteInput, RoutingRules } from './routing-rules.js';
import type { Tier } from './ticket.js';

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
  /** Rules from ROUTING_FILE, if any (see config/routing.example.yaml). */
  file?: RoutingRules;
}

/**
 * Decides where a ticket's triage card goes. Per chat, the first of these that has a place in
 * that chat wins: the file's first matching route, the first matching category rule (env),
 * the file's channel for the ticket's tier, the file's default, the tier's channel (env).
 */
export class TriageRouter {
  constructor(private readonly routes: TriageRoutes) {}

  route(ticket: RouteInput): TriageDestination[] {
    const byChat = new Map<string, TriageDestination>();
    const add = (destinations: readonly TriageDestination[]) => {
      for (const destination of destinations)
        if (!byChat.has(destination.channel)) byChat.set(destination.channel, destination);
    };
    const { file } = this.routes;
    if (file) add(file.routeDestinations(ticket));
    add(
      this.routes.rules
        .filter(
          (rule) =>
            rule.category.toLowerCase() === ticket.category.toLowerCase() && (!rule.tier || rule.tier === ticket.tier),
        )
        .map((rule) => rule.destination),
    );
    if (file) {
      add(file.tierDestinations(ticket.tier));
      add(file.defaultDestinations());
    }
    add(this.routes.tiers[ticket.tier] ?? []);
    return [...byChat.values()];
  }

  /** Destinations in one chat, for that chat's notifier. */
  routeIn(channel: string, ticket: RouteInput): TriageDestination[] {
    return this.route(ticket).filter((destination) => destination.channel === channel);
  }

  /** The categories routes name (env rules and the file's routes), so engineers can pick them even without an article. */
  categories(): string[] {
    const named = [
      ...this.routes.rules.map((rule) => rule.category),
      ...(this.routes.file?.file.routes.flatMap((route) => route.when.category ?? []) ?? []),
    ];
    return [...new Set(named.map((category) => category.trim().toLowerCase()).filter(Boolean))];
  }

  /** The name of the file route that decides this ticket's places, for logs and cards. */
  routeName(ticket: RouteInput): string | undefined {
    return this.routes.file?.firstMatch(ticket)?.name;
  }
}
