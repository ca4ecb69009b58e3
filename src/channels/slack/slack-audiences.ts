import type { WebClient } from '@slack/web-api';
import type { AudienceMembers } from '../../config/audiences-file.js';
import type { AudienceResolver } from '../../core/knowledge/audience.js';
import type { Logger } from '../../core/logger.js';

/** A user group's members are read again after this long. */
const MEMBERS_TTL_MS = 5 * 60_000;
/** A group Slack could not list is not asked again for this long (every turn would wait on it). */
const FAILURE_TTL_MS = 30_000;

/**
 * Slack users' audiences: the members listed by id, and the members of the audiences' user groups
 * as Slack lists them (usergroups.users.list, needs usergroups:read), cached for five minutes.
 * When a group needed to decide cannot be listed (Slack unreachable, a missing scope) it throws:
 * the AudienceDirectory then gives the person `all` only. Never from anything a request carries.
 */
export class SlackAudiences implements AudienceResolver {
  private readonly groups = new Map<string, { at: number; members?: ReadonlySet<string>; error?: unknown }>();
  private readonly loading = new Map<string, Promise<ReadonlySet<string>>>();

  constructor(
    private readonly client: WebClient,
    private readonly audiences: Readonly<Record<string, AudienceMembers>>,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  async audiencesOf(userId: string): Promise<string[]> {
    const out: string[] = [];
    for (const [audience, members] of Object.entries(this.audiences)) {
      if (members.slackUsers.includes(userId)) {
        out.push(audience);
        continue;
      }
      for (const group of members.slackGroups) {
        if ((await this.members(group)).has(userId)) {
          out.push(audience);
          break;
        }
      }
    }
    return out;
  }

  private async members(group: string): Promise<ReadonlySet<string>> {
    const cached = this.groups.get(group);
    const age = cached ? this.now() - cached.at : Infinity;
    if (cached?.members && age < MEMBERS_TTL_MS) return cached.members;
    if (cached?.error !== undefined && age < FAILURE_TTL_MS) throw cached.error;
    let loading = this.loading.get(group);
    if (!loading) {
      loading = this.load(group).finally(() => this.loading.delete(group));
      this.loading.set(group, loading);
    }
    return loading;
  }

  private async load(group: string): Promise<ReadonlySet<string>> {
    try {
      const result = await this.client.usergroups.users.list({ usergroup: group });
      const members = new Set(result.users ?? []);
      this.groups.set(group, { at: this.now(), members });
      return members;
    } catch (error) {
      this.logger.error({ err: error, usergroup: group }, 'cannot list the members of an audience user group');
      this.groups.set(group, { at: this.now(), error });
      throw error;
    }
  }
}
