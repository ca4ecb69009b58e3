import type { WebClient } from '@slack/web-api';
import type { Logger } from '../../core/logger.js';

/** What the bot uses of a person's Slack profile (users.info). */
export interface SlackProfile {
  /** The display name, else the real name, else the handle. */
  name?: string;
  /** The profile's time zone (users.info's `tz`), as Slack gives it. */
  timeZone?: string;
}

/** How long profiles are kept and how many (tests shorten them and bring a clock). */
export interface SlackProfileCacheOptions {
  /** How long a profile read from Slack is used before Slack is asked again. */
  ttlMs?: number;
  /** How long a lookup that failed holds off the next one for that person. */
  failureTtlMs?: number;
  /** The most people kept; past it, the one looked up longest ago is forgotten. */
  maxEntries?: number;
  /** The longest wait for users.info: a name can go on an answer Slack wants within 3 seconds. */
  waitMs?: number;
  now?: () => number;
}

const TTL_MS = 10 * 60_000;
const FAILURE_TTL_MS = 60_000;
/** A few hundred bytes each: a few MB at most, for the largest workspaces' active people. */
const MAX_ENTRIES = 10_000;
const WAIT_MS = 1_500;

/**
 * People's Slack profiles, read with users.info and kept in memory for every path that needs a
 * name or a zone (turns that open a ticket, ticket buttons and forms, App Home, the web sign-in).
 * Slack rate-limits users.info, so a profile is read at most once per TTL per person, and people
 * looking themselves up at the same moment share one call. Kept by workspace and user: one
 * workspace's entry never answers for another's. A lookup that fails (no users:read scope, Slack
 * slow or down) answers with the last profile known, or none (the caller shows the id), and is
 * not tried again for a minute.
 */
export class SlackProfiles {
  /** Oldest use first: Map keeps insertion order, and a use moves an entry to the end. */
  private readonly entries = new Map<string, { until: number; profile: SlackProfile }>();
  private readonly pending = new Map<string, Promise<SlackProfile>>();
  private readonly ttlMs: number;
  private readonly failureTtlMs: number;
  private readonly maxEntries: number;
  private readonly waitMs: number;
  private readonly now: () => number;

  constructor(
    private readonly client: WebClient,
    private readonly logger: Logger,
    options: SlackProfileCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? TTL_MS;
    this.failureTtlMs = options.failureTtlMs ?? FAILURE_TTL_MS;
    this.maxEntries = Math.max(1, options.maxEntries ?? MAX_ENTRIES);
    this.waitMs = options.waitMs ?? WAIT_MS;
    this.now = options.now ?? Date.now;
  }

  /** How many people are kept now. */
  get size(): number {
    return this.entries.size;
  }

  /** A person's profile in a workspace: from memory within its TTL, else from Slack. Never throws. */
  async profile(team: string, user: string): Promise<SlackProfile> {
    const key = `${team}\u0000${user}`;
    const kept = this.entries.get(key);
    if (kept && kept.until > this.now()) {
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept.profile;
    }
    let reading = this.pending.get(key);
    if (!reading) {
      reading = this.read(key, user, kept?.profile).finally(() => this.pending.delete(key));
      this.pending.set(key, reading);
    }
    return reading;
  }

  private async read(key: string, user: string, last: SlackProfile | undefined): Promise<SlackProfile> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        this.client.users.info({ user }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('users.info took too long')), this.waitMs);
          timer.unref();
        }),
      ]);
      const found = result.user;
      const name = found?.profile?.display_name || found?.real_name || found?.name || undefined;
      const profile: SlackProfile = {
        ...(name ? { name } : {}),
        ...(typeof found?.tz === 'string' && found.tz ? { timeZone: found.tz } : {}),
      };
      this.keep(key, profile, this.ttlMs);
      return profile;
    } catch (error) {
      this.logger.debug({ err: error, user }, 'users.info failed');
      const profile = last ?? {};
      this.keep(key, profile, this.failureTtlMs);
      return profile;
    } finally {
      clearTimeout(timer);
    }
  }

  private keep(key: string, profile: SlackProfile, ttlMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { until: this.now() + ttlMs, profile });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
