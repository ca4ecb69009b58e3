import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor, Ticket } from '../tickets/ticket.js';
import { isTimeZone } from '../time-zones.js';
import type { LanguageCode } from '../language/languages.js';
import { catalogue, messagesFor } from '../messages/catalogue.js';

/** Who a web visitor is: engineers work the queue, leads read it, employees see their own tickets. */
export type WebRole = 'engineer' | 'lead' | 'employee';

/** A person signed in to the web view: their id in the chat the link was asked from, and their role then. */
export interface WebPerson {
  channel: string;
  id: string;
  name: string | null;
  role: WebRole;
  /**
   * The time zone the person's chat gave when they asked for the link (Slack's profile, Teams'
   * client, the terminal's), an IANA name this runtime knows: the pages' zone until the reader
   * chooses one in the browser. Absent: the chat gave none, or none this runtime knows (UTC).
   */
  timeZone?: string;
  /**
   * The language of the conversation the person asked for the link from (one with a catalogue):
   * the pages' language until the reader chooses one in the browser. Absent: none known.
   */
  language?: LanguageCode;
  /** On the lead roster at this request (an engineer may be a lead too): set per request, never stored. */
  readsReports?: boolean;
}

/** A sign-in link as stored: `id` is a hash of the link's secret part, never the part itself. */
export interface StoredLink {
  id: string;
  person: WebPerson;
  expiresAt: Date;
}

/** A web session as stored: `id` is a hash of the cookie's secret part; `csrf` goes into every form. */
export interface StoredSession {
  id: string;
  person: WebPerson;
  csrf: string;
  expiresAt: Date;
}

/**
 * Where sign-in links and sessions live, shared by every process on the database: using a link is
 * one conditional write, so of two replicas redeeming the same link only one succeeds.
 * Implementations: PrismaWebSignIns, MemoryWebSignIns.
 */
export interface WebSignInStore {
  saveLink(link: StoredLink): Promise<void>;
  /** Marks the link used if it exists, is unused and unexpired at `now`; its person when this call used it, else null. */
  useLink(id: string, now: Date): Promise<WebPerson | null>;
  saveSession(session: StoredSession): Promise<void>;
  /** The session if it exists and has not expired at `now`. */
  findSession(id: string, now: Date): Promise<StoredSession | null>;
  endSession(id: string): Promise<void>;
  /** Deletes expired links and sessions; how many. */
  prune(now: Date): Promise<number>;
}

/** Why a link or a cookie was refused (shown to the person, in plain words, by the web layer). */
export type SignInRefusal = 'malformed' | 'forged' | 'expired' | 'used';

export type RedeemResult = { ok: true; cookie: string; session: StoredSession } | { ok: false; reason: SignInRefusal };

export interface WebAccessOptions {
  store: WebSignInStore;
  /** The HMAC key for links and cookies (WEB_SECRET): the same on every replica. */
  secret: string;
  /** Where the web view is reached, without a trailing slash (PUBLIC_URL, else the local address). */
  baseUrl: () => string;
  /** Leads by chat: member ids on that chat's lead roster (SLACK_LEADS, TEAMS_LEADS). */
  leads?: Partial<Record<string, readonly string[]>>;
  now?: () => Date;
  linkTtlMs?: number;
  sessionTtlMs?: number;
}

export const LINK_TTL_MS = 10 * 60_000;
export const SESSION_TTL_MS = 8 * 60 * 60_000;

/**
 * Sign-in from chat and who may see what: a chat command asks for a one-time link (signed,
 * expiring, single use, decided by the store); redeeming it opens a session whose cookie is signed
 * too and looked up on each request. The web layer only carries these values over HTTP.
 */
export class WebAccess {
  private readonly now: () => Date;
  readonly linkTtlMs: number;
  readonly sessionTtlMs: number;
  private readonly leads: Map<string, Set<string>>;
  private readonly leadGroups = new Map<string, (id: string) => Promise<boolean>>();

  constructor(private readonly options: WebAccessOptions) {
    if (options.secret.length < 32) throw new Error('the web secret must be at least 32 characters');
    this.now = options.now ?? (() => new Date());
    this.linkTtlMs = options.linkTtlMs ?? LINK_TTL_MS;
    this.sessionTtlMs = options.sessionTtlMs ?? SESSION_TTL_MS;
    this.leads = new Map(
      Object.entries(options.leads ?? {}).map(([chat, ids]) => [
        chat,
        new Set((ids ?? []).map((id) => id.toLowerCase())),
      ]),
    );
  }

  /**
   * A chat's lead groups (Slack's SLACK_LEAD_GROUPS): the chat answers whether a member is in one
   * now, read from the chat itself. A lookup that fails counts as "not a lead": no reports.
   */
  registerLeadGroups(channel: string, isMember: (id: string) => Promise<boolean>): void {
    this.leadGroups.set(channel, isMember);
  }

  /** The web role of a chat actor: the engineer roster first, then the lead roster of that chat. */
  async roleOf(channel: string, actor: Actor): Promise<WebRole> {
    if (actor.role === 'engineer') return 'engineer';
    return (await this.isLead(channel, actor.id)) ? 'lead' : 'employee';
  }

  /** Whether the person is on their chat's lead roster or in one of its lead groups now (an engineer may be a lead too). */
  async isLead(channel: string, id: string): Promise<boolean> {
    if (this.leads.get(channel)?.has(id.toLowerCase())) return true;
    const inGroup = this.leadGroups.get(channel);
    if (!inGroup) return false;
    return inGroup(id).catch(() => false);
  }

  /**
   * A one-time sign-in link for the person who asked in chat, and when it expires. `chatZone` is
   * the time zone that chat knows for them, as the chat gave it: kept only when it names a zone
   * this runtime knows, else dropped (the pages are in UTC, as for a chat that gives none).
   * `language` is their conversation's: kept only when the pages can be written in it (a
   * catalogue language), else dropped (the browser's language decides).
   */
  async linkFor(
    channel: string,
    actor: Actor,
    chatZone?: string | null,
    language?: LanguageCode | null,
  ): Promise<{ url: string; expiresAt: Date; role: WebRole }> {
    const person: WebPerson = {
      channel,
      id: actor.id,
      name: actor.name ?? null,
      role: await this.roleOf(channel, actor),
      ...(chatZone && isTimeZone(chatZone) ? { timeZone: chatZone } : {}),
      ...(language && catalogue(language) ? { language } : {}),
    };
    const secret = randomBytes(24).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + this.linkTtlMs);
    await this.options.store.saveLink({ id: hashOf(secret), person, expiresAt });
    const body = `${secret}.${expiresAt.getTime().toString(36)}`;
    return {
      url: `${this.options.baseUrl()}/web/sign-in?t=${body}.${this.sign('link', body)}`,
      expiresAt,
      role: person.role,
    };
  }

  /** Redeems a link's token: a new session, or why not. The signature and expiry are checked before the store is asked. */
  async redeem(token: string): Promise<RedeemResult> {
    const parts = /^([A-Za-z0-9_-]{32})\.([0-9a-z]{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!parts) return { ok: false, reason: 'malformed' };
    const [, secret, expires, signature] = parts as unknown as [string, string, string, string];
    if (!this.verify('link', `${secret}.${expires}`, signature)) return { ok: false, reason: 'forged' };
    const now = this.now();
    if (parseInt(expires, 36) <= now.getTime()) return { ok: false, reason: 'expired' };
    const person = await this.options.store.useLink(hashOf(secret), now);
    // Unknown after a valid signature means used (or pruned after expiry): either way, not again.
    if (!person) return { ok: false, reason: 'used' };
    const sessionSecret = randomBytes(32).toString('base64url');
    const session: StoredSession = {
      id: hashOf(sessionSecret),
      person,
      csrf: randomBytes(24).toString('base64url'),
      expiresAt: new Date(now.getTime() + this.sessionTtlMs),
    };
    await this.options.store.saveSession(session);
    return { ok: true, cookie: `${sessionSecret}.${this.sign('session', sessionSecret)}`, session };
  }

  /** The session a cookie names, if the cookie is ours (signed) and the session is live. */
  async session(cookie: string | undefined): Promise<StoredSession | null> {
    const parts = cookie ? /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(cookie) : null;
    if (!parts || !this.verify('session', parts[1]!, parts[2]!)) return null;
    return this.options.store.findSession(hashOf(parts[1]!), this.now());
  }

  async signOut(cookie: string | undefined): Promise<void> {
    const parts = cookie ? /^([A-Za-z0-9_-]{43})\./.exec(cookie) : null;
    if (parts) await this.options.store.endSession(hashOf(parts[1]!));
  }

  /** Whether a form's token is the session's own (compared in constant time). */
  csrfMatches(session: StoredSession, given: unknown): boolean {
    if (typeof given !== 'string' || given.length !== session.csrf.length) return false;
    return timingSafeEqual(Buffer.from(given), Buffer.from(session.csrf));
  }

  prune(): Promise<number> {
    return this.options.store.prune(this.now());
  }

  private sign(purpose: string, body: string): string {
    return createHmac('sha256', this.options.secret).update(`${purpose}:${body}`).digest('base64url');
  }

  private verify(purpose: string, body: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(purpose, body));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}

/** Engineers and leads see every ticket; anyone else only the tickets they asked for, in the chat they asked from. */
export function canSeeTicket(person: WebPerson, ticket: Pick<Ticket, 'requesterId' | 'channel'>): boolean {
  if (person.role === 'engineer' || person.role === 'lead') return true;
  return ticket.requesterId === person.id && ticket.channel === person.channel;
}

/** The whole queue (and its export): engineers and leads. */
export function canSeeQueue(person: WebPerson): boolean {
  return person.role === 'engineer' || person.role === 'lead';
}

/**
 * The lead reports: the people on the lead roster at this request (figures per engineer are the
 * leads' to read, not the team's); an engineer who is also on it reads them too.
 */
export function canSeeReports(person: WebPerson): boolean {
  return person.readsReports === true;
}

/** The actor a web visitor acts as: the role the service checks again on every change. */
export function actorOf(person: WebPerson): Actor {
  return {
    id: person.id,
    ...(person.name ? { name: person.name } : {}),
    role: person.role === 'engineer' ? 'engineer' : 'employee',
  };
}

function hashOf(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/**
 * What a chat's web command answers, to the asker only: a fresh link, or why there is none.
 * `url` is the link itself (the channel renders it as a link; it holds only URL-safe characters).
 * `chatZone`: the time zone the chat knows for the asker, as the chat gave it (see linkFor).
 * `language`: the asker's (their conversation's), for the words around the link and, kept with
 * the link, the pages' language.
 */
export async function webSignInReply(
  web: WebAccess | undefined,
  channel: string,
  actor: Actor,
  options: { chatZone?: string | null; language?: LanguageCode | undefined } = {},
): Promise<{ text: string; url: string | null }> {
  const say = messagesFor(options.language);
  if (!web) return { text: say('web.off'), url: null };
  // The role the link was made with: one roster lookup (a lead group is asked of the chat).
  const { url, role } = await web.linkFor(channel, actor, options.chatZone, options.language);
  const what =
    role === 'engineer'
      ? (await web.isLead(channel, actor.id))
        ? say('web.what.queueAndReports')
        : say('web.what.queue')
      : role === 'lead'
        ? say('web.what.lead')
        : say('web.what.own');
  return { text: say('web.link', { what, minutes: Math.round(web.linkTtlMs / 60_000) }), url };
}
