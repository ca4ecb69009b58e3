import { z } from 'zod';
import { defaultThresholds } from '../core/answering/answer-engine.js';
import { tiers } from '../core/tickets/ticket.js';

const threshold = (fallback: number) => z.coerce.number().min(0, 'expected a number between 0 and 1').max(1, 'expected a number between 0 and 1').default(fallback);

const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    DATABASE_URL: z
      .string()
      .optional()
      .refine((url) => url === undefined || url.startsWith('file:'), {
        message:
          'expected a SQLite URL like file:./data/helpdesk.db (PostgreSQL support is not built yet), or leave it unset for ./data/helpdesk.db',
      }),
    DATA_DIR: z.string().default('./data'),
    KB_DIR: z.string().default('./knowledge-base'),
    KB_BASE_URL: z.url({ message: 'expected an http(s) URL such as https://git.example.com/it/kb/-/blob/main/knowledge-base' }).optional(),
    ANSWER_THRESHOLD: threshold(defaultThresholds.answer),
    SUGGEST_THRESHOLD: threshold(defaultThresholds.suggest),
    TICKET_KEY_PREFIX: z
      .string()
      .regex(/^[A-Z][A-Z0-9]{0,9}$/, 'expected 1-10 capital letters or digits starting with a letter, like HD')
      .default('HD'),
    TICKET_DEFAULT_TIER: z.enum(tiers).default('L2'),
    MAX_MESSAGE_CHARS: z.coerce.number().int().min(100).max(40_000).default(4000),
    LOCAL_USER: z.string().regex(/^[\w.@-]{1,64}$/, 'expected a user name without spaces').optional(),
    // Read here so start-up can say what it found; the channels come in later versions.
    SLACK_BOT_TOKEN: z.string().optional(),
    SLACK_SIGNING_SECRET: z.string().optional(),
    SLACK_APP_TOKEN: z.string().optional(),
    MICROSOFT_APP_ID: z.string().optional(),
    MICROSOFT_APP_PASSWORD: z.string().optional(),
  })
  .refine((env) => env.SUGGEST_THRESHOLD <= env.ANSWER_THRESHOLD, {
    path: ['SUGGEST_THRESHOLD'],
    message: 'must not be above ANSWER_THRESHOLD',
  });

/** The validated configuration; everything else receives values from here. */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  logLevel: string | undefined;
  databaseFile: string;
  kbDir: string;
  kbBaseUrl: string | undefined;
  thresholds: { answer: number; suggest: number };
  ticketKeyPrefix: string;
  ticketDefaultTier: (typeof tiers)[number];
  maxMessageChars: number;
  localUser: string | undefined;
  slackConfigured: boolean;
  teamsConfigured: boolean;
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
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? 'environment');
        const got = present[name];
        const secret = /TOKEN|SECRET|PASSWORD/.test(name);
        return `${name}: ${issue.message}${got !== undefined && !secret ? ` (got "${got}")` : ''}`;
      }),
    );
  }
  const e = parsed.data;
  return {
    nodeEnv: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    databaseFile: e.DATABASE_URL ? e.DATABASE_URL.slice('file:'.length) : `${e.DATA_DIR.replace(/\/+$/, '')}/helpdesk.db`,
    kbDir: e.KB_DIR,
    kbBaseUrl: e.KB_BASE_URL,
    thresholds: { answer: e.ANSWER_THRESHOLD, suggest: e.SUGGEST_THRESHOLD },
    ticketKeyPrefix: e.TICKET_KEY_PREFIX,
    ticketDefaultTier: e.TICKET_DEFAULT_TIER,
    maxMessageChars: e.MAX_MESSAGE_CHARS,
    localUser: e.LOCAL_USER,
    slackConfigured: Boolean(e.SLACK_BOT_TOKEN && e.SLACK_SIGNING_SECRET),
    teamsConfigured: Boolean(e.MICROSOFT_APP_ID),
  };
}
