import { createHash } from 'node:crypto';
import { CoreError } from '../errors.js';
import type { LanguageCode } from '../language/languages.js';
import type { Logger } from '../logger.js';
import { messagesFor, sayWording, type MessageKey, type Say } from '../messages/catalogue.js';
import type { CheckResult, CheckRunner } from '../scripts/script-runner.js';
import { openStatuses } from '../tickets/ticket-state-machine.js';
import type { TicketService } from '../tickets/ticket-service.js';
import type { Actor, Ticket } from '../tickets/ticket.js';
import type { AlertGroupRecord, AlertGroupStore, AlertNotice } from './alert.js';
import type { AlertRules, PlannedCheck, SkippedCheck } from './alert-rules.js';

/** What a notice did, for the log and tests. */
export type AlertOutcome =
  | { action: 'opened' | 'reopened' | 'updated' | 'recovered' | 'repeat'; ticketKey: string }
  | { action: 'ignored'; reason: string };

/** A diagnostic's result as written in the ticket (and its `collected.checks`). */
export type DiagnosticResult = CheckResult & { target: string };

export interface AlertDeskOptions {
  groups: AlertGroupStore;
  tickets: TicketService;
  rules: () => AlertRules;
  checks: CheckRunner;
  logger: Logger;
  now?: () => Date;
  /** The engineers' language (DEFAULT_LANGUAGE): the tickets' fixed words are in it, the alert's own values as given. */
  language?: LanguageCode;
}

const MAX_LISTED_ALERTS = 20;

/** The id an alert group is kept under: its source and a hash of its key (group keys can be long). */
export function alertGroupId(notice: Pick<AlertNotice, 'source' | 'groupKey'>): string {
  return `${notice.source}:${createHash('sha256').update(notice.groupKey).digest('hex').slice(0, 32)}`;
}

/** The system actor that files a source's tickets: the requester of every ticket it opens. */
export function alertActor(notice: Pick<AlertNotice, 'source' | 'sourceName'>): Actor {
  return { id: `alerts:${notice.source}`, name: notice.sourceName, role: 'system' };
}

/**
 * Monitoring alerts as tickets: one ticket per alert group. The first firing notice opens it with
 * its diagnostics; a notice that changes which alerts fire writes a line in it; a repeat that
 * changes nothing is counted, not written; a resolved group is noted (and resolved, if the rules say
 * so); a group firing again after its ticket was resolved reopens it, after it was closed opens a
 * new one. Notices of one group arrive one at a time (the inbox orders them by group).
 */
export class AlertDesk {
  private readonly now: () => Date;
  private readonly say: Say;

  constructor(private readonly options: AlertDeskOptions) {
    this.now = options.now ?? (() => new Date());
    this.say = messagesFor(options.language);
  }

  /** Acts on one notice. `origin` is the inbox item's key: handled again after a crash, nothing is done twice. */
  async handle(notice: AlertNotice, origin: string): Promise<AlertOutcome> {
    const key = alertGroupId(notice);
    const group = await this.options.groups.find(key);
    const ticket = group ? await this.ticketOf(group.ticketKey) : null;
    const firing = firingOf(notice);
    const actor = alertActor(notice);
    const tickets = this.options.tickets;
    const say = this.say;
    const record = (ticketKey: string, repeats: number, openedAt: Date): AlertGroupRecord => ({
      key,
      source: notice.source,
      groupKey: notice.groupKey.slice(0, 500),
      ticketKey,
      status: firing.length > 0 ? 'firing' : 'resolved',
      firing,
      repeats,
      openedAt,
      updatedAt: this.now(),
    });

    if (firing.length === 0) {
      if (!ticket) return { action: 'ignored', reason: 'resolved notice for a group with no ticket' };
      const alreadyNoted = group!.status === 'resolved' || !openStatuses.includes(ticket.status);
      if (alreadyNoted) {
        await this.options.groups.save(record(ticket.key, group!.repeats + 1, group!.openedAt));
        return { action: 'repeat', ticketKey: ticket.key };
      }
      const note = say('eng.alert.recovered', { source: notice.sourceName, count: describeCount(say, notice) });
      await tickets.withOrigin(origin).comment(ticket.key, actor, note);
      if (this.options.rules().resolveOnRecovery) {
        await tickets
          .withOrigin(`${origin}:resolve`)
          .resolve(ticket.key, actor, say('eng.alert.resolution', { source: notice.sourceName }));
      }
      await this.options.groups.save(record(ticket.key, group!.repeats, group!.openedAt));
      return { action: 'recovered', ticketKey: ticket.key };
    }

    if (!ticket || ticket.status === 'closed') {
      const diagnostics = await this.diagnose(notice);
      const opened = await tickets.withOrigin(origin).open({
        requester: actor,
        channel: 'alerts',
        conversationKey: null,
        subject: say('eng.alert.subject', { source: notice.sourceName, title: notice.title }),
        description: this.describe(notice, diagnostics, ticket),
        question: null,
        collected: {
          alert: {
            source: notice.source,
            groupKey: notice.groupKey.slice(0, 500),
            severity: notice.severity,
            labels: notice.labels,
            url: notice.url,
            firing,
          },
          ...(Object.keys(diagnostics.results).length > 0 ? { checks: diagnostics.results } : {}),
        },
        priority: this.options.rules().priorityOf(notice),
        category: this.options.rules().category,
        ...(this.options.rules().tier ? { tier: this.options.rules().tier } : {}),
        origin,
      });
      await this.options.groups.save(record(opened.key, 0, this.now()));
      return { action: 'opened', ticketKey: opened.key };
    }

    if (ticket.status === 'resolved') {
      await tickets
        .withOrigin(origin)
        .reopen(
          ticket.key,
          actor,
          say('eng.alert.firingAgain', { source: notice.sourceName, count: describeCount(say, notice) }),
        );
      const diagnostics = await this.diagnose(notice);
      if (diagnostics.lines.length > 0)
        await tickets
          .withOrigin(`${origin}:diagnostics`)
          .comment(ticket.key, actor, [say('eng.alert.diagnostics'), ...diagnostics.lines].join('\n'));
      await this.options.groups.save(record(ticket.key, group!.repeats, group!.openedAt));
      return { action: 'reopened', ticketKey: ticket.key };
    }

    const changed = group!.status !== 'firing' || !sameList(group!.firing, firing);
    if (!changed) {
      await this.options.groups.save(record(ticket.key, group!.repeats + 1, group!.openedAt));
      return { action: 'repeat', ticketKey: ticket.key };
    }
    const added = firing.filter((f) => !group!.firing.includes(f)).length;
    const cleared = group!.firing.filter((f) => !firing.includes(f)).length;
    const change = [
      added ? counted(say, added, 'eng.alert.newOne', 'eng.alert.newMany') : '',
      cleared ? counted(say, cleared, 'eng.alert.clearedOne', 'eng.alert.clearedMany') : '',
    ]
      .filter(Boolean)
      .join(', ');
    const count = describeCount(say, notice);
    const line = change
      ? say('eng.alert.updateChange', { source: notice.sourceName, count, change })
      : say('eng.alert.update', { source: notice.sourceName, count });
    await tickets.withOrigin(origin).comment(ticket.key, actor, [line, ...listAlerts(say, notice)].join('\n'));
    await this.options.groups.save(record(ticket.key, group!.repeats, group!.openedAt));
    return { action: 'updated', ticketKey: ticket.key };
  }

  private async ticketOf(key: string): Promise<Ticket | null> {
    try {
      return await this.options.tickets.get(key);
    } catch (error) {
      if (error instanceof CoreError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  /** Runs the notice's planned checks side by side, each within its own timeout. */
  private async diagnose(notice: AlertNotice): Promise<{ results: Record<string, DiagnosticResult>; lines: string[] }> {
    const { checks, skipped } = this.options.rules().plan(notice);
    const outcomes = await Promise.all(checks.map((planned) => this.runCheck(planned)));
    const results: Record<string, DiagnosticResult> = {};
    checks.forEach((planned, i) => (results[planned.name] = { ...outcomes[i]!, target: planned.target }));
    const say = this.say;
    const lines = [
      ...checks.map((planned, i) =>
        say('eng.alert.check', {
          name: planned.name,
          result: say(outcomes[i]!.ok ? 'eng.script.checkOk' : 'eng.script.checkFailed'),
          detail: outcomes[i]!.detail,
        }),
      ),
      ...skipped.map((skip: SkippedCheck) =>
        say('eng.alert.notRun', { name: skip.name, reason: sayWording(say, skip.reason) }),
      ),
    ];
    if (skipped.length > 0) {
      // The log stays English, whatever the tickets' language.
      const english = messagesFor('en');
      const reasons = skipped.map((skip) => ({ name: skip.name, reason: sayWording(english, skip.reason) }));
      this.options.logger.warn({ source: notice.source, skipped: reasons }, 'alert diagnostics skipped');
    }
    return { results, lines };
  }

  private async runCheck(planned: PlannedCheck): Promise<CheckResult> {
    try {
      return await this.options.checks.run(planned.check);
    } catch (error) {
      // The runner ends every check within its timeout and reports failures as results; this is a bug's guard.
      this.options.logger.error({ err: error, check: planned.name }, 'alert diagnostic threw');
      return { ok: false, detail: this.say('eng.alert.checkCouldNotRun'), ms: 0 };
    }
  }

  private describe(notice: AlertNotice, diagnostics: { lines: string[] }, previous: Ticket | null): string {
    const priority = this.options.rules().priorityOf(notice);
    const say = this.say;
    // Diagnostics before the list of alerts: the triage card shows the description's start.
    const lines = [
      notice.description ? notice.description : notice.title,
      '',
      say('eng.alert.severity', { severity: notice.severity ?? say('eng.alert.severityNotGiven'), priority }),
      ...(Object.keys(notice.labels).length > 0
        ? [say('eng.alert.labels', { labels: formatLabels(notice.labels) })]
        : []),
      ...(previous ? [say('eng.alert.earlierClosed', { key: previous.key })] : []),
      '',
      say(diagnostics.lines.length > 0 ? 'eng.alert.diagnostics' : 'eng.alert.noDiagnostics'),
      ...diagnostics.lines,
      '',
      say('eng.alert.alertsHeading', { count: describeCount(say, notice) }),
      ...listAlerts(say, notice),
      ...(notice.url ? [say('eng.alert.source', { url: notice.url })] : []),
    ];
    return lines.join('\n');
  }
}

function firingOf(notice: AlertNotice): string[] {
  const firing = notice.alerts.filter((alert) => alert.status === 'firing').map((alert) => alert.fingerprint);
  // A firing notice without alerts (the generic format) is one alert: the group itself.
  if (firing.length === 0 && notice.status === 'firing') return ['group'];
  return [...new Set(firing)].sort();
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** "2 firing, 1 resolved", or the group's own state when the notice lists no alerts. */
function describeCount(say: Say, notice: AlertNotice): string {
  const firing = notice.alerts.filter((alert) => alert.status === 'firing').length;
  const resolved = notice.alerts.length - firing;
  if (notice.alerts.length === 0)
    return say(notice.status === 'firing' ? 'eng.alert.groupFiring' : 'eng.alert.groupResolved');
  return [
    firing ? counted(say, firing, 'eng.alert.firingOne', 'eng.alert.firingMany') : '',
    resolved ? counted(say, resolved, 'eng.alert.resolvedOne', 'eng.alert.resolvedMany') : '',
  ]
    .filter(Boolean)
    .join(', ');
}

type CountKey = Extract<MessageKey, `eng.alert.${'firing' | 'resolved' | 'new' | 'cleared' | 'more'}${'One' | 'Many'}`>;

/** A count and its word, which agrees with it in French and Spanish (1 active, 2 actives). */
function counted(say: Say, n: number, one: CountKey, many: CountKey): string {
  return say(n === 1 ? one : many, { n });
}

function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

function listAlerts(say: Say, notice: AlertNotice): string[] {
  const shown = notice.alerts.slice(0, MAX_LISTED_ALERTS).map((alert) => {
    const own = Object.fromEntries(
      Object.entries(alert.labels).filter(([name, value]) => notice.labels[name] !== value),
    );
    const summary = alert.annotations.summary ?? alert.annotations.description ?? '';
    const labels = formatLabels(own) || say('eng.alert.groupLabels');
    let line = say(alert.status === 'firing' ? 'eng.alert.itemFiring' : 'eng.alert.itemResolved', { labels });
    if (summary) line = say('eng.alert.withSummary', { line, summary });
    if (alert.startsAt) line = say('eng.alert.since', { line, time: alert.startsAt });
    return line;
  });
  const more = notice.alerts.length - shown.length;
  return more > 0 ? [...shown, counted(say, more, 'eng.alert.moreOne', 'eng.alert.moreMany')] : shown;
}
