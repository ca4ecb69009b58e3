import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/logger.js';
import type { Actor } from '../../core/tickets/ticket.js';

const TTL_MS = 60_000;
const NAME_TTL_MS = 10 * 60_000;
const NAME_WAIT_MS = 1_500;

/**
 * Who is who in Slack: engineers are the members of the configured user groups plus the listed
 * members, read from Slack (cached for a minute), never from anything a request carries.
 */
export class SlackPeople {
  private members: { at: number; ids: Set<string> } | null = null;
  private loading: Promise<Set<string>> | null = null;
  private readonly names = new Map<string, { at: number; name: string | undefined }>();

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
    const cached = this.names.get(userId);
    if (cached && Date.now() - cached.at < NAME_TTL_MS) return cached.name;
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
      this.names.set(userId, { at: Date.now(), name });
      return name;
    } catch (error) {
      // A name is a nicety: without users:read, or when Slack is slow, the id does.
      this.logger.debug({ err: error, user: userId }, 'users.info failed');
      this.names.set(userId, { at: Date.now(), name: undefined });
      return undefined;
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
