import { createHash } from 'node:crypto';
import { CoreError } from '../errors.js';
import type { Logger } from '../logger.js';
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

  constructor(private readonly options: AlertDeskOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Acts on one notice. `origin` is the inbox item's key: handled again after a crash, nothing is done twice. */
  async handle(notice: AlertNotice, origin: string): Promise<AlertOutcome> {
    const key = alertGroupId(notice);
    const group = await this.options.groups.find(key);
    const ticket = group ? await this.ticketOf(group.ticketKey) : null;
    const firing = firingOf(notice);
    const actor = alertActor(notice);
    const tickets = this.options.tickets;
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
      const note = `${notice.sourceName}: resolved at the source (${describeCount(notice)}).`;
      await tickets.withOrigin(origin).comment(ticket.key, actor, note);
      if (this.options.rules().resolveOnRecovery) {
        await tickets
          .withOrigin(`${origin}:resolve`)
          .resolve(ticket.key, actor, `Resolved at the source by ${notice.sourceName}.`);
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
        subject: `${notice.sourceName}: ${notice.title}`,
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
        .reopen(ticket.key, actor, `${notice.sourceName}: firing again (${describeCount(notice)}).`);
      const diagnostics = await this.diagnose(notice);
      if (diagnostics.lines.length > 0)
        await tickets
          .withOrigin(`${origin}:diagnostics`)
          .comment(ticket.key, actor, `Diagnostics:\n${diagnostics.lines.join('\n')}`);
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
    const change = [added ? `${added} new` : '', cleared ? `${cleared} cleared` : ''].filter(Boolean).join(', ');
    await tickets
      .withOrigin(origin)
      .comment(
        ticket.key,
        actor,
        `${notice.sourceName}: ${describeCount(notice)}${change ? ` (${change})` : ''}.\n${listAlerts(notice).join('\n')}`,
      );
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
    const lines = [
      ...checks.map((planned, i) => `- ${planned.name}: ${outcomes[i]!.ok ? 'ok' : 'FAILED'}, ${outcomes[i]!.detail}`),
      ...skipped.map((skip: SkippedCheck) => `- ${skip.name}: not run (${skip.reason})`),
    ];
    if (skipped.length > 0) this.options.logger.warn({ source: notice.source, skipped }, 'alert diagnostics skipped');
    return { results, lines };
  }

  private async runCheck(planned: PlannedCheck): Promise<CheckResult> {
    try {
      return await this.options.checks.run(planned.check);
    } catch (error) {
      // The runner ends every check within its timeout and reports failures as results; this is a bug's guard.
      this.options.logger.error({ err: error, check: planned.name }, 'alert diagnostic threw');
      return { ok: false, detail: 'the check could not run', ms: 0 };
    }
  }

  private describe(notice: AlertNotice, diagnostics: { lines: string[] }, previous: Ticket | null): string {
    const priority = this.options.rules().priorityOf(notice);
    // Diagnostics before the list of alerts: the triage card shows the description's start.
    const lines = [
      notice.description ? notice.description : notice.title,
      '',
      `Severity: ${notice.severity ?? 'not given'} (${priority})`,
      ...(Object.keys(notice.labels).length > 0 ? [`Labels: ${formatLabels(notice.labels)}`] : []),
      ...(previous ? [`This group's earlier ticket ${previous.key} is closed.`] : []),
      '',
      diagnostics.lines.length > 0 ? 'Diagnostics:' : 'Diagnostics: none configured for this alert.',
      ...diagnostics.lines,
      '',
      `${describeCount(notice)}:`,
      ...listAlerts(notice),
      ...(notice.url ? [`Source: ${notice.url}`] : []),
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

function describeCount(notice: AlertNotice): string {
  const firing = notice.alerts.filter((alert) => alert.status === 'firing').length;
  const resolved = notice.alerts.length - firing;
  if (notice.alerts.length === 0) return notice.status === 'firing' ? 'firing' : 'resolved';
  return [firing ? `${firing} firing` : '', resolved ? `${resolved} resolved` : ''].filter(Boolean).join(', ');
}

function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

function listAlerts(notice: AlertNotice): string[] {
  const shown = notice.alerts.slice(0, MAX_LISTED_ALERTS).map((alert) => {
    const own = Object.fromEntries(
      Object.entries(alert.labels).filter(([name, value]) => notice.labels[name] !== value),
    );
    const summary = alert.annotations.summary ?? alert.annotations.description ?? '';
    return `- ${alert.status === 'firing' ? 'FIRING' : 'resolved'} ${formatLabels(own) || '(group labels)'}${summary ? `: ${summary}` : ''}${alert.startsAt ? ` (since ${alert.startsAt})` : ''}`;
  });
  const more = notice.alerts.length - shown.length;
  return more > 0 ? [...shown, `- ... and ${more} more`] : shown;
}
