import type { AudienceMembers } from '../config/audiences-file.js';
import type { AudienceResolver } from '../core/knowledge/audience.js';

/**
 * Membership from ids listed in the configuration, for a chat whose users the bot cannot look up
 * in a directory: Teams (Entra object ids or 29: ids; case does not matter) and the local chat
 * (user names). Nothing to reach, so it always knows.
 */
export function listedAudiences(
  members: Readonly<Record<string, AudienceMembers>>,
  ids: (members: AudienceMembers) => readonly string[],
): AudienceResolver {
  const byUser = new Map<string, string[]>();
  for (const [audience, m] of Object.entries(members))
    for (const id of ids(m)) byUser.set(id.toLowerCase(), [...(byUser.get(id.toLowerCase()) ?? []), audience]);
  return { audiencesOf: (userId) => Promise.resolve(byUser.get(userId.toLowerCase()) ?? []) };
}
