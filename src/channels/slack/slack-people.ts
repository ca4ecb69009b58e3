import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/logger.js';
import type { Actor } from '../../core/tickets/ticket.js';
import type { SlackProfiles } from './slack-profiles.js';

const TTL_MS = 60_000;

/**
 * Members of user groups plus listed members, read from Slack (cached for a minute), never from
 * anything a request carries. When Slack cannot list a group, the last known roster stays (an
 * engineer is not locked out by a Slack hiccup); with none known yet, the group adds nobody.
 */
export class SlackRoster {
  private members: { at: number; ids: Set<string> } | null = null;
  private loading: Promise<Set<string>> | null = null;

  constructor(
    private readonly client: WebClient,
    private readonly groups: readonly string[],
    private readonly users: readonly string[],
    private readonly logger: Logger,
    /** Who the roster names, for the log: "engineer", "lead". */
    private readonly what: string,
  ) {}

  get isEmpty(): boolean {
    return this.groups.length === 0 && this.users.length === 0;
  }

  async has(userId: string): Promise<boolean> {
    return (await this.ids()).has(userId);
  }

  private async ids(): Promise<Set<string>> {
    if (this.members && Date.now() - this.members.at < TTL_MS) return this.members.ids;
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  private async load(): Promise<Set<string>> {
    const ids = new Set(this.users);
    for (const group of this.groups) {
      try {
        const result = await this.client.usergroups.users.list({ usergroup: group });
        for (const id of result.users ?? []) ids.add(id);
      } catch (error) {
        const previous = this.members?.ids;
        this.logger.error(
          { err: error, usergroup: group },
          `cannot read a${/^[aeiou]/.test(this.what) ? 'n' : ''} ${this.what} user group; using the last known roster`,
        );
        if (previous) return previous;
      }
    }
    this.members = { at: Date.now(), ids };
    return ids;
  }
}

/**
 * Who is who in Slack: engineers are the members of the configured user groups plus the listed
 * members (a SlackRoster); names and zones come from people's profiles (SlackProfiles: kept by
 * workspace and member).
 */
export class SlackPeople {
  private readonly engineers: SlackRoster;

  constructor(
    client: WebClient,
    groups: readonly string[],
    users: readonly string[],
    logger: Logger,
    private readonly profiles: SlackProfiles,
  ) {
    this.engineers = new SlackRoster(client, groups, users, logger, 'engineer');
  }

  get hasRoster(): boolean {
    return !this.engineers.isEmpty;
  }

  async isEngineer(userId: string): Promise<boolean> {
    return this.engineers.has(userId);
  }

  /** The actor for a member of `team`, with the role from the roster and a display name where Slack gives one. */
  async actor(team: string, userId: string): Promise<Actor> {
    const [engineer, name] = await Promise.all([this.isEngineer(userId), this.name(team, userId)]);
    return { id: userId, ...(name ? { name } : {}), role: engineer ? 'engineer' : 'employee' };
  }

  /** A member's name; none without users:read, or when Slack is slow (the id does then). */
  async name(team: string, userId: string): Promise<string | undefined> {
    return (await this.profiles.profile(team, userId)).name;
  }

  /** The time zone of the user's Slack profile (users.info's tz), as Slack gives it: the core checks it. */
  async timeZone(team: string, userId: string): Promise<string | undefined> {
    return (await this.profiles.profile(team, userId)).timeZone;
  }
}
