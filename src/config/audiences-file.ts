import { z } from 'zod';
import { audienceName, ENGINEERS, EVERYONE } from '../core/knowledge/audience.js';
import { parseYamlConfig, readConfigFile } from './yaml-config.js';

const ids = (pattern: RegExp, example: string) =>
  z.array(z.string().trim().regex(pattern, `expected an id like ${example}`)).default([]);

/** One audience: who belongs to it, in each chat. */
const audienceMembers = z.strictObject({
  /** Slack user groups (S...): their members, read from Slack (usergroups.users.list). */
  slack_groups: ids(/^S[A-Z0-9]{6,}$/, 'S0123ABCD (a Slack user group id)'),
  /** Slack member ids (U... or W...). */
  slack_users: ids(/^[UW][A-Z0-9]{6,}$/, 'U0123ABCD (a Slack member id)'),
  /** Teams users: Entra object ids (GUIDs) or Teams user ids (29:...). */
  teams_users: ids(/^([0-9a-f-]{36}|29:[\w-]+)$/i, '3f2c9c1e-0000-4000-8000-000000000001 (an Entra object id)'),
  /** The local chat's user names (LOCAL_USER, or the name after /as). */
  local_users: z.array(z.string().trim().min(1)).default([]),
});

/** AUDIENCES_FILE: each audience by name, with its members per chat (config/audiences.example.yaml). */
export const audiencesFileSchema = z.strictObject({
  audiences: z.record(z.string(), audienceMembers).superRefine((audiences, ctx) => {
    for (const name of Object.keys(audiences)) {
      if (name === EVERYONE)
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `"${EVERYONE}" is everyone and cannot be listed; name the narrower audiences only`,
        });
      else if (!audienceName.safeParse(name).success)
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `"${name}": audience names are lowercase letters, digits and dashes, like "contractors"`,
        });
    }
  }),
});

/** Who belongs to an audience, per chat: a channel's resolver reads its own part. */
export interface AudienceMembers {
  slackGroups: string[];
  slackUsers: string[];
  teamsUsers: string[];
  localUsers: string[];
}

/** The audiences configuration: every audience that exists, and each one's members (engineers from the rosters included). */
export interface AudiencesConfig {
  /** The names articles and scripts may use: `all`, `engineers` and the file's. */
  defined: string[];
  members: Record<string, AudienceMembers>;
}

export type AudiencesFileResult =
  { ok: true; audiences: Record<string, AudienceMembers> } | { ok: false; problems: string[] };

/** Reads and validates AUDIENCES_FILE. Problems read "file:line: field: message". */
export function readAudiencesFile(file: string): AudiencesFileResult {
  return readConfigFile(file, 'audiences', parseAudiencesFile);
}

/** Parses an audiences file's text (see parseYamlConfig for the YAML rules). */
export function parseAudiencesFile(source: string, file: string): AudiencesFileResult {
  const parsed = parseYamlConfig(
    source,
    file,
    audiencesFileSchema,
    'the audiences file is empty (expected audiences: with each audience and its members)',
  );
  if (!parsed.ok) return parsed;
  const audiences: Record<string, AudienceMembers> = {};
  for (const [name, m] of Object.entries(parsed.data.audiences))
    audiences[name] = {
      slackGroups: m.slack_groups,
      slackUsers: m.slack_users,
      teamsUsers: m.teams_users,
      localUsers: m.local_users,
    };
  return { ok: true, audiences };
}

/**
 * The file's audiences with the engineers' rosters added to `engineers` (which exists without the
 * file): SLACK_ENGINEER_GROUPS, SLACK_ENGINEERS and SLACK_LEADS, TEAMS_ENGINEERS and TEAMS_LEADS.
 */
export function audiencesConfig(
  file: Record<string, AudienceMembers> | undefined,
  rosters: { slackGroups: string[]; slackUsers: string[]; teamsUsers: string[] },
): AudiencesConfig {
  const members: Record<string, AudienceMembers> = { ...file };
  const engineers = members[ENGINEERS] ?? { slackGroups: [], slackUsers: [], teamsUsers: [], localUsers: [] };
  members[ENGINEERS] = {
    slackGroups: [...new Set([...engineers.slackGroups, ...rosters.slackGroups])],
    slackUsers: [...new Set([...engineers.slackUsers, ...rosters.slackUsers])],
    teamsUsers: [...new Set([...engineers.teamsUsers, ...rosters.teamsUsers])],
    localUsers: engineers.localUsers,
  };
  return { defined: [EVERYONE, ...Object.keys(members).sort()], members };
}
