import { z } from 'zod';
import { priorities, tiers, type Priority, type Ticket, type Tier } from './ticket.js';
import type { TriageDestination } from './triage-router.js';

// The same checks config.ts applies to SLACK_TRIAGE_* / TEAMS_TRIAGE_* (the core may not import config).
const SLACK_CHANNEL = /^[CG][A-Z0-9]{6,}$/;
const TEAMS_CHANNEL = /^19:[\w.-]+@thread\.(tacv2|skype)$/;
const MEMBER_ID = /^([UW][A-Z0-9]{6,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|29:[\w-]+)$/i;

const slack = z
  .string()
  .regex(SLACK_CHANNEL, 'expected a Slack channel id like C0123ABCD (channel details > About, at the bottom)');
const teams = z.string().regex(TEAMS_CHANNEL, 'expected a Teams channel id like 19:abc123@thread.tacv2');
const anyOf = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, 'expected at least one value (leave the condition out to match anything)');
const word = z.string().trim().min(1, 'expected a non-empty value');
const tierSchema = z.enum(tiers, { message: `expected one of ${tiers.join(', ')}` });

const destinations = {
  slack: slack.optional(),
  teams: teams.optional(),
};
const hasDestination = (place: { slack?: string | undefined; teams?: string | undefined }) =>
  Boolean(place.slack || place.teams);
const NO_DESTINATION = 'expected at least one destination: slack and/or teams';

const conditionsSchema = z.strictObject({
  category: anyOf(word).optional(),
  tags: anyOf(word).optional(),
  keywords: anyOf(word).optional(),
  priority: anyOf(z.enum(priorities, { message: `expected one of ${priorities.join(', ')}` })).optional(),
  tier: anyOf(tierSchema).optional(),
  requester_group: anyOf(word).optional(),
  /** A monitoring alert's labels (each label one of the values): tickets opened by POST /api/alerts. */
  labels: z.record(word, z.union([word, anyOf(word)])).optional(),
});

const routeSchema = z
  .strictObject({
    name: word,
    when: conditionsSchema,
    tier: tierSchema.optional(),
    ...destinations,
  })
  .refine(hasDestination, { message: NO_DESTINATION })
  .refine((route) => Object.values(route.when).some((value) => value !== undefined), {
    path: ['when'],
    message:
      'expected at least one condition (category, tags, keywords, priority, tier, requester_group, labels); use "default" for a catch-all',
  });

const prioritySchema = z.enum(priorities, { message: `expected one of ${priorities.join(', ')}` });

/** A rule that makes new tickets more urgent, e.g. for a group of people (VIPs, executives, a department). */
const priorityRuleSchema = z
  .strictObject({
    name: word,
    when: conditionsSchema,
    /** Steps more urgent: 1 makes a P3 a P2. */
    raise: z
      .number()
      .int('expected a whole number of steps')
      .min(1, 'expected 1 to 3 steps')
      .max(3, 'expected 1 to 3 steps')
      .optional(),
    /** At least this urgent: P2 makes a P3 or P4 a P2 and leaves a P1 alone. */
    at_least: prioritySchema.optional(),
  })
  .refine((rule) => rule.raise !== undefined || rule.at_least !== undefined, {
    message: 'expected "raise" (steps) and/or "at_least" (a priority)',
  })
  .refine((rule) => Object.values(rule.when).some((value) => value !== undefined), {
    path: ['when'],
    message:
      'expected at least one condition (requester_group, category, keywords...): a rule for every ticket would make every ticket urgent',
  });

/** The routing file as written: routes, a default, tier channels, requester groups and priority rules. */
export const routingFileSchema = z
  .strictObject({
    routes: z.array(routeSchema).default([]),
    priority_rules: z.array(priorityRuleSchema).default([]),
    default: z
      .strictObject({ tier: tierSchema.optional(), ...destinations })
      .refine(hasDestination, { message: NO_DESTINATION })
      .optional(),
    tiers: z
      .partialRecord(tierSchema, z.strictObject(destinations).refine(hasDestination, { message: NO_DESTINATION }))
      .default({}),
    groups: z
      .record(
        word,
        z.array(
          z.string().regex(MEMBER_ID, 'expected a Slack member id (U0123ABCD) or a Teams Entra object id (a GUID)'),
        ),
      )
      .default({}),
  })
  .superRefine((file, ctx) => {
    for (const list of ['routes', 'priority_rules'] as const) {
      file[list].forEach((rule, i) => {
        rule.when.requester_group?.forEach((group, j) => {
          if (!(group in file.groups)) {
            ctx.addIssue({
              code: 'custom',
              path: [list, i, 'when', 'requester_group', j],
              message: `unknown group "${group}" (define it under "groups")`,
            });
          }
        });
      });
    }
  });

export type RoutingFile = z.output<typeof routingFileSchema>;
export type Route = RoutingFile['routes'][number];
export type PriorityRule = RoutingFile['priority_rules'][number];

/** What routing looks at. Only tier and category are required; a condition on a missing field does not match. */
export type RouteInput = Pick<Ticket, 'tier' | 'category'> &
  Partial<Pick<Ticket, 'priority' | 'requesterId' | 'subject' | 'question' | 'collected'>>;

/** The tags of a ticket (e.g. its knowledge-base article's), for `when.tags`. */
export type TagsOf = (ticket: RouteInput) => readonly string[] | undefined;

const chats = ['slack', 'teams'] as const;

function destinationsOf(
  place: { slack?: string | undefined; teams?: string | undefined } | undefined,
): TriageDestination[] {
  return chats.flatMap((chat) => (place?.[chat] ? [{ channel: chat, address: place[chat] }] : []));
}

function phrasePattern(phrase: string): RegExp {
  const escaped = phrase
    .trim()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\s+/g, '\\s+');
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escaped}(?![\\p{L}\\p{N}_])`, 'iu');
}

/** Routing rules from a routing file, ready to match tickets. Pure: no I/O. */
export class RoutingRules {
  private readonly keywordPatterns: RegExp[][];
  private readonly priorityKeywordPatterns: RegExp[][];

  constructor(
    readonly file: RoutingFile,
    private readonly tagsOf: TagsOf = () => undefined,
  ) {
    this.keywordPatterns = file.routes.map((route) => (route.when.keywords ?? []).map(phrasePattern));
    this.priorityKeywordPatterns = file.priority_rules.map((rule) => (rule.when.keywords ?? []).map(phrasePattern));
  }

  /** The same rules with a way to find tickets' tags. */
  withTags(tagsOf: TagsOf): RoutingRules {
    return new RoutingRules(this.file, tagsOf);
  }

  /** The routes whose conditions all hold for the ticket, in file order. */
  matching(ticket: RouteInput): Route[] {
    return this.file.routes.filter((route, i) => this.matches(route.when, this.keywordPatterns[i]!, ticket));
  }

  /** The first matching route, or undefined when only the default applies. */
  firstMatch(ticket: RouteInput): Route | undefined {
    return this.file.routes.find((route, i) => this.matches(route.when, this.keywordPatterns[i]!, ticket));
  }

  /** Per chat, the first matching route's destination in that chat. */
  routeDestinations(ticket: RouteInput): TriageDestination[] {
    const byChat = new Map<string, TriageDestination>();
    for (const route of this.matching(ticket)) {
      for (const destination of destinationsOf(route))
        if (!byChat.has(destination.channel)) byChat.set(destination.channel, destination);
    }
    return [...byChat.values()];
  }

  tierDestinations(tier: Tier): TriageDestination[] {
    return destinationsOf(this.file.tiers[tier]);
  }

  defaultDestinations(): TriageDestination[] {
    return destinationsOf(this.file.default);
  }

  /** The tier the file gives a new ticket: the first matching route's, else the default's. */
  tierFor(ticket: RouteInput): Tier | undefined {
    return this.firstMatch(ticket)?.tier ?? this.file.default?.tier;
  }

  /**
   * The priority the file's priority rules give a new ticket at `priority`: the most urgent that
   * any matching rule gives (rules do not add up), and the names of the rules that raised it.
   * Undefined when no rule makes it more urgent.
   */
  raisedPriority(ticket: RouteInput, priority: Priority): { priority: Priority; rules: string[] } | undefined {
    let raised = priority;
    const rules: string[] = [];
    this.file.priority_rules.forEach((rule, i) => {
      if (!this.matches(rule.when, this.priorityKeywordPatterns[i]!, { ...ticket, priority })) return;
      const stepped = rule.raise ? priorities[Math.max(0, priorities.indexOf(priority) - rule.raise)]! : priority;
      const floor =
        rule.at_least && priorities.indexOf(rule.at_least) < priorities.indexOf(stepped) ? rule.at_least : stepped;
      if (priorities.indexOf(floor) >= priorities.indexOf(priority)) return;
      rules.push(rule.name);
      if (priorities.indexOf(floor) < priorities.indexOf(raised)) raised = floor;
    });
    return rules.length > 0 ? { priority: raised, rules } : undefined;
  }

  private matches(when: Route['when'], keywordPatterns: readonly RegExp[], ticket: RouteInput): boolean {
    const lower = (values: readonly string[]) => values.map((value) => value.toLowerCase());
    if (when.category && !lower(when.category).includes(ticket.category.toLowerCase())) return false;
    if (when.priority && !(ticket.priority && when.priority.includes(ticket.priority))) return false;
    if (when.tier && !when.tier.includes(ticket.tier)) return false;
    if (when.requester_group) {
      const id = ticket.requesterId?.toLowerCase();
      if (!id || !when.requester_group.some((group) => lower(this.file.groups[group] ?? []).includes(id))) return false;
    }
    if (when.tags) {
      const tags = lower(this.tagsOf(ticket) ?? []);
      if (!lower(when.tags).some((tag) => tags.includes(tag))) return false;
    }
    if (when.labels) {
      const labels = alertLabels(ticket);
      const holds = Object.entries(when.labels).every(([name, wanted]) => {
        const value = labels[name]?.toLowerCase();
        return value !== undefined && (Array.isArray(wanted) ? lower(wanted) : [wanted.toLowerCase()]).includes(value);
      });
      if (!holds) return false;
    }
    if (when.keywords) {
      const text = [ticket.subject ?? '', ticket.question ?? ''].join('\n');
      if (!keywordPatterns.some((pattern) => pattern.test(text))) return false;
    }
    return true;
  }
}

/** The labels of the alert that opened a ticket (collected.alert.labels), or none. */
function alertLabels(ticket: RouteInput): Record<string, string> {
  const alert = ticket.collected?.alert;
  const labels = typeof alert === 'object' && alert !== null ? (alert as { labels?: unknown }).labels : undefined;
  if (typeof labels !== 'object' || labels === null) return {};
  return Object.fromEntries(
    Object.entries(labels).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}
