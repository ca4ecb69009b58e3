import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/logger.js';
import type { Actor } from '../../core/tickets/ticket.js';

const TTL_MS = 60_000;
const PROFILE_TTL_MS = 10 * 60_000;
const NAME_WAIT_MS = 1_500;

/** What users.info says of a person that the bot uses. */
interface Profile {
  name?: string;
  timeZone?: string;
}

/**
 * Who is who in Slack: engineers are the members of the configured user groups plus the listed
 * members, read from Slack (cached for a minute), never from anything a request carries.
 */
export class SlackPeople {
  private members: { at: number; ids: Set<string> } | null = null;
  private loading: Promise<Set<string>> | null = null;
  /** users.info by member, asked once for a name and a zone alike (a lookup in flight is shared). */
  private readonly profiles = new Map<string, { at: number; profile: Promise<Profile> }>();

  constructor(
    private readonly client: WebClient,
    private readonly groups: readonly string[],
    private readonly users: readonly string[],
    private readonly logger: Logger,
  ) {}

  get hasRoster(): boolean {
    return this.groups.length > 0 || this.users.length > 0;
  }

  async isEngineer(userId: string): Promise<boolean> {
    return (await this.engineerIds()).has(userId);
  }

  /** The actor for a Slack user, with the role from the roster and a display name where Slack gives one. */
  async actor(userId: string): Promise<Actor> {
    const [engineer, name] = await Promise.all([this.isEngineer(userId), this.name(userId)]);
    return { id: userId, ...(name ? { name } : {}), role: engineer ? 'engineer' : 'employee' };
  }

  async name(userId: string): Promise<string | undefined> {
    return (await this.profile(userId)).name;
  }

  /** The time zone of the user's Slack profile (users.info's tz), as Slack gives it: the core checks it. */
  async timeZone(userId: string): Promise<string | undefined> {
    return (await this.profile(userId)).timeZone;
  }

  private profile(userId: string): Promise<Profile> {
    const cached = this.profiles.get(userId);
    if (cached && Date.now() - cached.at < PROFILE_TTL_MS) return cached.profile;
    const profile = this.lookUp(userId);
    this.profiles.set(userId, { at: Date.now(), profile });
    return profile;
  }

  /** users.info's name and zone; never rejects. */
  private async lookUp(userId: string): Promise<Profile> {
    try {
      // Names go on messages acknowledged within Slack's 3 seconds: do not wait long for one.
      const result = await Promise.race([
        this.client.users.info({ user: userId }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('users.info took too long')), NAME_WAIT_MS).unref(),
        ),
      ]);
      const user = result.user;
      const name = user?.profile?.display_name || user?.real_name || user?.name || undefined;
      return { ...(name ? { name } : {}), ...(typeof user?.tz === 'string' ? { timeZone: user.tz } : {}) };
    } catch (error) {
      // A name and a zone are niceties: without users:read, or when Slack is slow, the id and UTC do.
      this.logger.debug({ err: error, user: userId }, 'users.info failed');
      return {};
    }
  }

  private async engineerIds(): Promise<Set<string>> {
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
        // Keep the last known roster rather than locking every engineer out on a Slack hiccup.
        const previous = this.members?.ids;
        this.logger.error(
          { err: error, usergroup: group },
          'cannot read an engineer user group; using the last known roster',
        );
        if (previous) return previous;
      }
    }
    this.members = { at: Date.now(), ids };
    return ids;
  }
}
