import { z } from 'zod';
import { defaultThresholds, thresholdsFor, type AnswerThresholds } from '../core/answering/answer-engine.js';
import { tiers } from '../core/tickets/ticket.js';
import type { RoutingRules } from '../core/tickets/routing-rules.js';
import type { TriageRule } from '../core/tickets/triage-router.js';
import { readRoutingFile } from './routing-file.js';
import { readAlertsFile } from './alerts-file.js';
import { audiencesConfig, readAudiencesFile, type AudiencesConfig } from './audiences-file.js';
import { AlertRules } from '../core/alerts/alert-rules.js';
import { defaultEncoder, encoderChoices, type EncoderChoice } from '../encoders/encoder-registry.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLACK_CHANNEL = /^[CG][A-Z0-9]{6,}$/;
const TEAMS_CHANNEL = /^19:[\w.-]+@thread\.(tacv2|skype)$/;
const slackChannelId = z
  .string()
  .regex(SLACK_CHANNEL, 'expected a Slack channel id like C0123ABCD (channel details > About, at the bottom)');
const teamsChannelId = z
  .string()
  .regex(
    TEAMS_CHANNEL,
    'expected a Teams channel id like 19:abc123@thread.tacv2 (channel > Get link to channel, the part after /channel/, URL-decoded)',
  );

/** "category[/tier]=CHANNEL,..." into routing rules for one chat. */
const routes = (chat: string, channel: RegExp, example: string) =>
  z.string().transform((value, ctx) => {
    const rules: TriageRule[] = [];
    for (const part of value
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const match = /^([\w-]+)(?:\/(L[1-4]))?=(.+)$/.exec(part);
      if (!match || !channel.test(match[3]!)) {
        ctx.addIssue({
          code: 'custom',
          message: `expected category[/tier]=CHANNEL_ID pairs separated by commas, like printing=${example} (bad part: "${part}")`,
        });
        return z.NEVER;
      }
      rules.push({
        category: match[1]!,
        ...(match[2] ? { tier: match[2] as (typeof tiers)[number] } : {}),
        destination: { channel: chat, address: match[3]! },
      });
    }
    return rules;
  });
const idList = (pattern: RegExp, example: string) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((id) => id.trim())
        .filter(Boolean),
    )
    .refine((ids) => ids.every((id) => pattern.test(id)), {
      message: `expected a comma-separated list of ids like ${example}`,
    });

const threshold = z.coerce
  .number()
  .min(0, 'expected a number between 0 and 1')
  .max(1, 'expected a number between 0 and 1')
  .optional();

/** ANSWER_THRESHOLD and SUGGEST_THRESHOLD, each defaulting to the pair fitted for the ENCODER. */
function answerThresholds(env: {
  ENCODER?: string | undefined;
  ANSWER_THRESHOLD?: number | undefined;
  SUGGEST_THRESHOLD?: number | undefined;
}): AnswerThresholds {
  const fitted = thresholdsFor(env.ENCODER ?? defaultEncoder);
  // Both unset: the fitted pairs, the one for a knowledge base without outside topics included (see pairFor).
  if (env.ANSWER_THRESHOLD === undefined && env.SUGGEST_THRESHOLD === undefined) return fitted;
  return { answer: env.ANSWER_THRESHOLD ?? fitted.answer, suggest: env.SUGGEST_THRESHOLD ?? fitted.suggest };
}

export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    DATABASE_URL: z
      .string()
      .transform((url, ctx) => {
        const database = parseDatabaseUrl(url);
        if (typeof database === 'string') {
          ctx.addIssue({ code: 'custom', message: database });
          return z.NEVER;
        }
        return database;
      })
      .optional(),
    DATA_DIR: z.string().default('./data'),
    KB_DIR: z.string().default('./knowledge-base'),
    DEFAULT_LANGUAGE: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{2}$/, 'expected a two-letter language code such as en or de')
      .default('en'),
    KB_BASE_URL: z
      .url({ message: 'expected an http(s) URL such as https://git.example.com/it/kb/-/blob/main/knowledge-base' })
      .optional(),
    // Unset: the pair fitted for the chosen ENCODER (see thresholdsFor).
    ANSWER_THRESHOLD: threshold,
    SUGGEST_THRESHOLD: threshold,
    TICKET_KEY_PREFIX: z
      .string()
      .regex(/^[A-Z][A-Z0-9]{0,9}$/, 'expected 1-10 capital letters or digits starting with a letter, like HD')
      .default('HD'),
    TICKET_DEFAULT_TIER: z.enum(tiers).default('L2'),
    SLA_FILE: z.string().optional(),
    MAX_MESSAGE_CHARS: z.coerce.number().int().min(100).max(40_000).default(4000),
    REPORTS_TOKEN: z.string().min(16, 'expected at least 16 characters (a long random string)').optional(),
    // The same range the report's --window and ?window= accept.
    DEFLECTION_WINDOW_DAYS: z.coerce.number().int().min(0).max(365).default(7),
    KB_WATCH: z.enum(['0', '1', 'true', 'false'], { message: 'expected 1 or 0' }).default('1'),
    // Unset: use-lite, or the words alone with a warning if its model cannot be loaded.
    ENCODER: z
      .enum(encoderChoices, {
        message: `expected one of ${encoderChoices.join(', ')} (none: answer from the articles' words alone)`,
      })
      .optional(),
    EDITORS_SLACK_CHANNEL: slackChannelId.optional(),
    EDITORS_TEAMS_CHANNEL: teamsChannelId.optional(),
    SCRIPT_TIMEOUT_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(30),
    LEARN_MIN_ASKERS: z.coerce
      .number({ error: 'expected a number of people' })
      .int('expected a whole number')
      .min(1, 'expected 1-1000 people')
      .max(1000, 'expected 1-1000 people')
      .default(3),
    DATABASE_POOL_SIZE: z.coerce
      .number({ error: 'expected a number of connections' })
      .int('expected a whole number')
      .min(2, 'expected 2-100 connections')
      .max(100, 'expected 2-100 connections')
      .default(10),
    WORK_CONCURRENCY: z.coerce
      .number({ error: 'expected a number' })
      .int('expected a whole number')
      .min(1, 'expected 1-64')
      .max(64, 'expected 1-64')
      .default(4),
    SLA_SWEEP_SECONDS: z.coerce
      .number({ error: 'expected a number of seconds' })
      .int('expected whole seconds')
      .min(0, 'expected 0 (timers off) or 5-3600 seconds')
      .max(3600, 'expected 0 (timers off) or 5-3600 seconds')
      .refine((n) => n === 0 || n >= 5, 'expected 0 (timers off) or 5-3600 seconds')
      .default(30),
    LOCAL_USER: z
      .string()
      .regex(/^[\w.@-]{1,64}$/, 'expected a user name without spaces')
      .optional(),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    // Unset: 0.0.0.0 for the service, 127.0.0.1 when it runs Teams unauthenticated (local testing); see listenHost.
    HOST: z
      .string()
      .regex(
        /^([\w.-]{1,253}|\[?[0-9a-fA-F:.]{2,45}\]?)$/,
        'expected an address to listen on, like 0.0.0.0 (every interface), 127.0.0.1 or ::',
      )
      .optional(),
    PUBLIC_URL: z
      .url({
        protocol: /^https?$/,
        message: 'expected the https URL where Slack and Teams reach the bot, like https://helpdesk.example.org',
      })
      .optional(),
    METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters (a long random string)').optional(),
    WEB_SECRET: z
      .string()
      .min(32, 'expected at least 32 characters (a long random string, the same on every replica)')
      .optional(),
    SLACK_BOT_TOKEN: z
      .string()
      .startsWith('xoxb-', 'expected a bot token starting with xoxb- (OAuth & Permissions page)')
      .optional(),
    SLACK_SIGNING_SECRET: z
      .string()
      .min(8, 'expected the signing secret from Basic Information > App Credentials')
      .optional(),
    SLACK_APP_TOKEN: z
      .string()
      .startsWith('xapp-', 'expected an app-level token starting with xapp- (Basic Information > App-Level Tokens)')
      .optional(),
    SLACK_API_URL: z
      .url({ message: 'expected the base URL of the Slack Web API, like https://slack.com/api/' })
      .optional(),
    SLACK_TRIAGE_L1: slackChannelId.optional(),
    SLACK_TRIAGE_L2: slackChannelId.optional(),
    SLACK_TRIAGE_L3: slackChannelId.optional(),
    SLACK_TRIAGE_VENDOR: slackChannelId.optional(),
    SLACK_TRIAGE_ROUTES: routes('slack', SLACK_CHANNEL, 'C0PRINT01').optional(),
    SLACK_ENGINEER_GROUPS: idList(/^S[A-Z0-9]{6,}$/, 'S0123ABCD (user group ids)').optional(),
    SLACK_ENGINEERS: idList(/^[UW][A-Z0-9]{6,}$/, 'U0123ABCD (member ids)').optional(),
    SLACK_LEADS: idList(/^[UW][A-Z0-9]{6,}$/, 'U0123ABCD (member ids)').optional(),
    SLACK_LEAD_GROUPS: idList(/^S[A-Z0-9]{6,}$/, 'S0123ABCD (user group ids)').optional(),
    MICROSOFT_APP_ID: z
      .string()
      .regex(GUID, "expected the bot's Microsoft App ID, a GUID (Azure Bot > Configuration)")
      .optional(),
    MICROSOFT_APP_PASSWORD: z.string().optional(),
    MICROSOFT_APP_TENANT_ID: z.string().regex(GUID, 'expected your Microsoft Entra tenant id, a GUID').optional(),
    MICROSOFT_APP_TYPE: z
      .enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI'], {
        message: 'expected MultiTenant, SingleTenant or UserAssignedMSI',
      })
      .optional(),
    TEAMS_ENABLED: z.enum(['0', '1', 'true', 'false'], { message: 'expected 1 or 0' }).optional(),
    TEAMS_SERVICE_URL: z
      .url({ message: 'expected the Bot Connector service URL, like https://smba.trafficmanager.net/teams/' })
      .optional(),
    TEAMS_TRIAGE_L1: teamsChannelId.optional(),
    TEAMS_TRIAGE_L2: teamsChannelId.optional(),
    TEAMS_TRIAGE_L3: teamsChannelId.optional(),
    TEAMS_TRIAGE_VENDOR: teamsChannelId.optional(),
    TEAMS_TRIAGE_ROUTES: routes('teams', TEAMS_CHANNEL, '19:print@thread.tacv2').optional(),
    ROUTING_FILE: z.string().optional(),
    ALERTS_TOKEN: z.string().min(16, 'expected at least 16 characters (a long random string)').optional(),
    ALERTS_HMAC_SECRET: z.string().min(16, 'expected at least 16 characters (a long random string)').optional(),
    ALERTS_FILE: z.string().optional(),
    AUDIENCES_FILE: z.string().optional(),
    ALERTS_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(600),
    TEAMS_ENGINEERS: idList(
      /^([0-9a-f-]{36}|29:[\w-]+)$/i,
      '3f2c9c1e-0000-4000-8000-000000000001 (Entra object ids)',
    ).optional(),
    TEAMS_LEADS: idList(
      /^([0-9a-f-]{36}|29:[\w-]+)$/i,
      '3f2c9c1e-0000-4000-8000-000000000001 (Entra object ids)',
    ).optional(),
  })
  .refine(
    (env) => {
      const { answer, suggest } = answerThresholds(env);
      return suggest <= answer;
    },
    {
      path: ['SUGGEST_THRESHOLD'],
      message: `must not be above ANSWER_THRESHOLD (an unset one is the pair fitted for the ENCODER: ${defaultThresholds.answer} and ${defaultThresholds.suggest} without one)`,
    },
  )
  .refine((env) => !(env.NODE_ENV === 'production' && isOn(env.TEAMS_ENABLED) && !env.MICROSOFT_APP_ID), {
    path: ['TEAMS_ENABLED'],
    message:
      'Teams without MICROSOFT_APP_ID accepts unauthenticated requests and is for local testing only; it is refused when NODE_ENV=production',
  })
  .refine(
    (env) =>
      !env.MICROSOFT_APP_ID || env.MICROSOFT_APP_TYPE === 'UserAssignedMSI' || Boolean(env.MICROSOFT_APP_PASSWORD),
    {
      path: ['MICROSOFT_APP_PASSWORD'],
      message: "needed with MICROSOFT_APP_ID (the client secret of the bot's app registration)",
    },
  )
  .refine((env) => env.MICROSOFT_APP_TYPE !== 'SingleTenant' || Boolean(env.MICROSOFT_APP_TENANT_ID), {
    path: ['MICROSOFT_APP_TENANT_ID'],
    message: 'needed when MICROSOFT_APP_TYPE is SingleTenant',
  })
  .refine((env) => Boolean(env.SLACK_BOT_TOKEN) === Boolean(env.SLACK_SIGNING_SECRET), {
    path: ['SLACK_BOT_TOKEN'],
    message: 'Slack needs both SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (set both, or neither for the local chat)',
  });

/** The environment variables the schema reads (CHECK_* aside), in its order; src/config/variables.ts documents each. */
export type EnvVariable = keyof typeof envSchema.shape;

/** Where the bot keeps its data: a SQLite file, or a PostgreSQL database (and schema in it). */
export type DatabaseConfig =
  | { kind: 'sqlite'; file: string }
  | {
      kind: 'postgres';
      /** The connection URL as given, less its `schema` parameter (pg does not know it). */
      url: string;
      /** From `?schema=`, as Prisma spells it; unset means PostgreSQL's `public`. */
      schema: string | undefined;
    };

const DATABASE_URL_HELP =
  'expected file:./path/to/helpdesk.db (SQLite) or postgres://user:password@host:5432/database (PostgreSQL, optionally ?schema=name), or leave it unset for $DATA_DIR/helpdesk.db';
// PostgreSQL's identifier limit is 63 bytes; the letters keep quoting trivial.
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** DATABASE_URL into a database, or what is wrong with it. */
function parseDatabaseUrl(value: string): DatabaseConfig | string {
  if (value.startsWith('file:')) {
    const file = value.slice('file:'.length);
    return file ? { kind: 'sqlite', file } : DATABASE_URL_HELP;
  }
  if (!/^postgres(ql)?:\/\//i.test(value)) return DATABASE_URL_HELP;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${DATABASE_URL_HELP}; this one is not a valid URL (special characters in the password must be percent-encoded)`;
  }
  const schemas = url.searchParams.getAll('schema');
  if (schemas.length > 1) return 'expected at most one ?schema= parameter';
  const schema = schemas[0];
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    return `expected ?schema= to name a schema with letters, digits and _ (got "${schema}")`;
  url.searchParams.delete('schema');
  return { kind: 'postgres', url: url.toString(), schema };
}

/** A URL fit for logs and error messages: its password replaced by ***. */
export function redactPassword(url: string): string {
  // Greedy up to the last @ before the path, so a password with an unencoded @ is hidden whole.
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?#:@]*:)[^/?#]*@/i, '$1***@');
}

/** What a log line or error message may say about where the data is. */
export function describeDatabase(database: DatabaseConfig): string {
  if (database.kind === 'sqlite') return database.file;
  return `${redactPassword(database.url)}${database.schema ? ` (schema ${database.schema})` : ''}`;
}

/**
 * The address the service listens on: HOST, else every interface (0.0.0.0), except when Teams runs
 * without authentication (TEAMS_ENABLED without MICROSOFT_APP_ID, local testing): loopback only,
 * so nobody else on the network can post activities as any user. The local chat opens no port.
 */
export function listenHost(config: Pick<Config, 'host' | 'teams'>): string {
  if (config.host) return config.host;
  return config.teams && !config.teams.appId ? '127.0.0.1' : '0.0.0.0';
}

function isOn(flag: string | undefined): boolean {
  return flag === '1' || flag === 'true';
}

/** The validated configuration; everything else receives values from here. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: string | undefined;
  database: DatabaseConfig;
  /** How often the SLA timers look for due work (0: never, in this process). */
  slaSweepSeconds: number;
  /** PostgreSQL connections per process (SQLite has one writer connection per process). */
  databasePoolSize: number;
  /** Queued deliveries and notifications one process works on at once. */
  workConcurrency: number;
  kbDir: string;
  kbBaseUrl: string | undefined;
  /** The language of articles without `lang:`, and of questions whose language is unclear. */
  defaultLanguage: string;
  /** Both unset: the fitted pairs, with the one for a knowledge base without outside topics (see pairFor). */
  thresholds: AnswerThresholds;
  ticketKeyPrefix: string;
  ticketDefaultTier: (typeof tiers)[number];
  /** YAML with business hours, holidays and SLA targets (config/sla.example.yaml); without it, wall-clock defaults. */
  slaFile: string | undefined;
  maxMessageChars: number;
  /**
   * POST /api/alerts: its credentials (a bearer token and/or an HMAC secret; without either the
   * intake is refused in production), the rules from ALERTS_FILE, and how many notices a minute it takes.
   */
  alerts: { token: string | undefined; hmacSecret: string | undefined; rules: AlertRules; ratePerMinute: number };
  /** Bearer token for /reports/*; without it reports are served only outside production. */
  reportsToken: string | undefined;
  /** A question counts as deflected when no ticket or re-ask follows within this many days. */
  deflectionWindowDays: number;
  /** Reload the knowledge base when its files change. */
  kbWatch: boolean;
  /** The sentence encoder that helps the engine understand questions worded unlike the articles; none: lexical only. */
  encoder: EncoderChoice;
  /** Whether ENCODER was set: a chosen encoder that cannot load stops start-up; the default falls back to none. */
  encoderChosen: boolean;
  /** The thresholds to use if the default encoder cannot load (ANSWER_THRESHOLD and SUGGEST_THRESHOLD still win). */
  thresholdsWithoutEncoder: AnswerThresholds;
  /** Where the articles' sentence embeddings are cached between starts. */
  encoderCacheDir: string;
  /** Where trained answer models are cached between starts, by what they were trained on. */
  modelCacheDir: string;
  /** Where editors hear about broken edits and content gaps. */
  editors: { slack: string | undefined; teams: string | undefined };
  /** A guided script silent for longer than this ends politely. */
  scriptTimeoutMinutes: number;
  /** Distinct askers who must confirm a phrasing (less those who found it not helpful) before the engine uses it. */
  learnMinAskers: number;
  /** CHECK_* variables: targets for guided scripts' automatic checks. */
  checkVariables: Record<string, string>;
  localUser: string | undefined;
  port: number;
  /** HOST as set; unset, listenHost picks the default. */
  host: string | undefined;
  /** Where Slack and Teams reach the bot (PUBLIC_URL), for the manifests and the start-up check. */
  publicUrl: string | undefined;
  /** Bearer token for GET /metrics (REPORTS_TOKEN when unset); with neither, /metrics is served only outside production. */
  metricsToken: string | undefined;
  /** The web view: the HMAC key of its links and cookies (WEB_SECRET) and the support leads by chat (SLACK_LEADS, TEAMS_LEADS; SLACK_LEAD_GROUPS through the Slack channel). */
  web: { secret: string | undefined; leads: { slack: string[]; teams: string[] } };
  /** Set when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are. */
  slack: SlackConfig | undefined;
  /** Set when MICROSOFT_APP_ID is, or TEAMS_ENABLED=1 for local testing. */
  teams: TeamsConfig | undefined;
  /** Triage routing rules from ROUTING_FILE (validated at start-up), combined with the *_TRIAGE_* variables. */
  routing: RoutingRules | undefined;
  /** Who may be given which articles and scripts: AUDIENCES_FILE, with the engineers' rosters in `engineers`. */
  audiences: AudiencesConfig;
}

export interface TeamsConfig {
  /** Empty when TEAMS_ENABLED=1 without an app id: requests are not authenticated (local testing only). */
  appId: string;
  appPassword: string | undefined;
  tenantId: string | undefined;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  serviceUrl: string;
  triage: { L1?: string; L2?: string; L3?: string; L4?: string };
  routes: TriageRule[];
  engineers: string[];
}

export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  /** With it, Socket Mode; without, HTTP on PORT. */
  appToken: string | undefined;
  apiUrl: string | undefined;
  triage: { L1?: string; L2?: string; L3?: string; L4?: string };
  routes: TriageRule[];
  engineerGroups: string[];
  engineers: string[];
  /** User groups whose members are support leads in the web view (SLACK_LEAD_GROUPS). */
  leadGroups: string[];
}

/** A configuration error that names each bad variable and what it expects. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Reads and validates the environment once. Empty values count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const got = present[name];
        const secret = /TOKEN|SECRET|PASSWORD/.test(name);
        const shown = got !== undefined && name === 'DATABASE_URL' ? redactPassword(got) : got;
        return `${name}: ${issue.message}${shown !== undefined && !secret ? ` (got "${shown}")` : ''}`;
      }),
    );
  }
  const e = parsed.data;
  const routing = e.ROUTING_FILE ? readRoutingFile(e.ROUTING_FILE) : undefined;
  if (routing && !routing.ok) throw new ConfigError(routing.problems);
  const alertsFile = e.ALERTS_FILE ? readAlertsFile(e.ALERTS_FILE) : undefined;
  if (alertsFile && !alertsFile.ok) throw new ConfigError(alertsFile.problems);
  const audiencesFile = e.AUDIENCES_FILE ? readAudiencesFile(e.AUDIENCES_FILE) : undefined;
  if (audiencesFile && !audiencesFile.ok) throw new ConfigError(audiencesFile.problems);
  return {
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    database: e.DATABASE_URL ?? { kind: 'sqlite', file: `${e.DATA_DIR.replace(/\/+$/, '')}/helpdesk.db` },
    kbDir: e.KB_DIR,
    kbBaseUrl: e.KB_BASE_URL,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    thresholds: answerThresholds(e),
    ticketKeyPrefix: e.TICKET_KEY_PREFIX,
    ticketDefaultTier: e.TICKET_DEFAULT_TIER,
    slaFile: e.SLA_FILE,
    maxMessageChars: e.MAX_MESSAGE_CHARS,
    reportsToken: e.REPORTS_TOKEN,
    alerts: {
      token: e.ALERTS_TOKEN,
      hmacSecret: e.ALERTS_HMAC_SECRET,
      rules: alertsFile?.rules ?? new AlertRules(),
      ratePerMinute: e.ALERTS_RATE_PER_MINUTE,
    },
    deflectionWindowDays: e.DEFLECTION_WINDOW_DAYS,
    kbWatch: isOn(e.KB_WATCH),
    encoder: e.ENCODER ?? defaultEncoder,
    encoderChosen: e.ENCODER !== undefined,
    thresholdsWithoutEncoder: answerThresholds({ ...e, ENCODER: 'none' }),
    encoderCacheDir: `${e.DATA_DIR.replace(/\/+$/, '')}/encoder-cache`,
    modelCacheDir: `${e.DATA_DIR.replace(/\/+$/, '')}/model-cache`,
    editors: { slack: e.EDITORS_SLACK_CHANNEL, teams: e.EDITORS_TEAMS_CHANNEL },
    scriptTimeoutMinutes: e.SCRIPT_TIMEOUT_MINUTES,
    learnMinAskers: e.LEARN_MIN_ASKERS,
    slaSweepSeconds: e.SLA_SWEEP_SECONDS,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    workConcurrency: e.WORK_CONCURRENCY,
    checkVariables: Object.fromEntries(
      Object.entries(present).filter(([name]) => /^CHECK_[A-Z0-9_]+$/.test(name)),
    ) as Record<string, string>,
    localUser: e.LOCAL_USER,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    metricsToken: e.METRICS_TOKEN ?? e.REPORTS_TOKEN,
    web: { secret: e.WEB_SECRET, leads: { slack: e.SLACK_LEADS ?? [], teams: e.TEAMS_LEADS ?? [] } },
    slack:
      e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET
        ? {
            botToken: e.SLACK_BOT_TOKEN,
            signingSecret: e.SLACK_SIGNING_SECRET,
            appToken: e.SLACK_APP_TOKEN,
            apiUrl: e.SLACK_API_URL,
            triage: {
              ...(e.SLACK_TRIAGE_L1 ? { L1: e.SLACK_TRIAGE_L1 } : {}),
              ...(e.SLACK_TRIAGE_L2 ? { L2: e.SLACK_TRIAGE_L2 } : {}),
              ...(e.SLACK_TRIAGE_L3 ? { L3: e.SLACK_TRIAGE_L3 } : {}),
              ...(e.SLACK_TRIAGE_VENDOR ? { L4: e.SLACK_TRIAGE_VENDOR } : {}),
            },
            routes: e.SLACK_TRIAGE_ROUTES ?? [],
            engineerGroups: e.SLACK_ENGINEER_GROUPS ?? [],
            engineers: e.SLACK_ENGINEERS ?? [],
            leadGroups: e.SLACK_LEAD_GROUPS ?? [],
          }
        : undefined,
    teams:
      e.MICROSOFT_APP_ID || isOn(e.TEAMS_ENABLED)
        ? {
            appId: e.MICROSOFT_APP_ID ?? '',
            appPassword: e.MICROSOFT_APP_PASSWORD,
            tenantId: e.MICROSOFT_APP_TENANT_ID,
            // New Azure bots are single-tenant; a tenant id alone says which kind this is.
            appType: e.MICROSOFT_APP_TYPE ?? (e.MICROSOFT_APP_TENANT_ID ? 'SingleTenant' : 'MultiTenant'),
            serviceUrl: e.TEAMS_SERVICE_URL ?? 'https://smba.trafficmanager.net/teams/',
            triage: {
              ...(e.TEAMS_TRIAGE_L1 ? { L1: e.TEAMS_TRIAGE_L1 } : {}),
              ...(e.TEAMS_TRIAGE_L2 ? { L2: e.TEAMS_TRIAGE_L2 } : {}),
              ...(e.TEAMS_TRIAGE_L3 ? { L3: e.TEAMS_TRIAGE_L3 } : {}),
              ...(e.TEAMS_TRIAGE_VENDOR ? { L4: e.TEAMS_TRIAGE_VENDOR } : {}),
            },
            routes: e.TEAMS_TRIAGE_ROUTES ?? [],
            engineers: e.TEAMS_ENGINEERS ?? [],
          }
        : undefined,
    routing: routing?.rules,
    audiences: audiencesConfig(audiencesFile?.audiences, {
      slackGroups: [...(e.SLACK_ENGINEER_GROUPS ?? []), ...(e.SLACK_LEAD_GROUPS ?? [])],
      slackUsers: [...(e.SLACK_ENGINEERS ?? []), ...(e.SLACK_LEADS ?? [])],
      teamsUsers: [...(e.TEAMS_ENGINEERS ?? []), ...(e.TEAMS_LEADS ?? [])],
    }),
  };
}
