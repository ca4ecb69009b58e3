import { z } from 'zod';
import type { Logger } from '../logger.js';

/** The audience every article and script has unless it names others: everyone. */
export const EVERYONE = 'all';

/** Engineers (the rosters and user groups each chat already has) always belong to this audience. */
export const ENGINEERS = 'engineers';

/** An audience's name as articles, scripts and AUDIENCES_FILE write it. */
export const audienceName = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'audience names are lowercase letters, digits and dashes, like "contractors"');

/** `audience:` in an article's or a script's front matter: one name or a list of them. */
export const audienceField = z
  .union([audienceName, z.array(audienceName).min(1, 'list at least one audience, or leave the key out for all')])
  .transform((value) => [...new Set(typeof value === 'string' ? [value] : value)]);

/** Something shown only to some people: an article or a guided script. No audiences (or `all` among them): everyone. */
export interface Audienced {
  readonly audiences?: readonly string[];
}

/** The audiences a person belongs to, `all` always included. */
export type Membership = ReadonlySet<string>;

/** Only `all`: what someone whose membership is unknown is given (never the widest). */
export const EVERYONE_ONLY: Membership = new Set([EVERYONE]);

/** Whether a person in these audiences may see (be answered, offered, linked to) this article or script. */
export function canSee(item: Audienced, membership: Membership): boolean {
  const audiences = item.audiences;
  if (!audiences || audiences.length === 0 || audiences.includes(EVERYONE)) return true;
  return audiences.some((audience) => membership.has(audience));
}

/**
 * Which audiences a chat's user belongs to, from that chat's own directory (Slack user groups,
 * the configured ids). Throws (or takes too long) when it cannot tell: the caller then gives the
 * person `all` only. Implementations live with each chat (src/channels).
 */
export interface AudienceResolver {
  audiencesOf(userId: string): Promise<Iterable<string>>;
}

/** Longest wait for a chat's directory before a turn goes on with `all` only. */
const RESOLVE_TIMEOUT_MS = 2_000;

/**
 * Every chat's AudienceResolver by chat name, and the one rule for when one cannot answer: the
 * person gets `all` only, and the log says why. A chat without a resolver gives everyone `all`.
 */
export class AudienceDirectory {
  private readonly resolvers = new Map<string, AudienceResolver>();

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs = RESOLVE_TIMEOUT_MS,
  ) {}

  /** Registers a chat's resolver (a chat registers its own when it opens). */
  register(channel: string, resolver: AudienceResolver): void {
    this.resolvers.set(channel, resolver);
  }

  async membershipOf(channel: string, userId: string): Promise<Membership> {
    const resolver = this.resolvers.get(channel);
    if (!resolver) return EVERYONE_ONLY;
    let timer: NodeJS.Timeout | undefined;
    try {
      const audiences = await Promise.race([
        resolver.audiencesOf(userId),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs).unref();
        }),
      ]);
      return new Set([EVERYONE, ...audiences]);
    } catch (error) {
      this.logger.warn(
        { err: error, channel, user: userId },
        "cannot tell which audiences this user belongs to: answering from articles for everyone ('all') only",
      );
      return EVERYONE_ONLY;
    } finally {
      clearTimeout(timer);
    }
  }
}
