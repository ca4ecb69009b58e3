import type { StoredLink, StoredSession, WebPerson, WebSignInStore } from '../../core/web/web-access.js';
import { Outage } from './outage.js';

/** Sign-in links and sessions in memory, with PrismaWebSignIns's rules (a link used once, expiry by `now`): for core tests. */
export class MemoryWebSignIns implements WebSignInStore {
  private readonly links = new Map<string, StoredLink & { usedAt: Date | null }>();
  private readonly sessions = new Map<string, StoredSession>();

  constructor(private readonly outage = new Outage()) {}

  async saveLink(link: StoredLink): Promise<void> {
    this.outage.check();
    if (this.links.has(link.id)) throw new Error(`link ${link.id} exists`);
    this.links.set(link.id, { ...structuredClone(link), usedAt: null });
  }

  async useLink(id: string, now: Date): Promise<WebPerson | null> {
    this.outage.check();
    const link = this.links.get(id);
    if (!link || link.usedAt || link.expiresAt <= now) return null;
    link.usedAt = new Date(now);
    return { ...link.person };
  }

  async saveSession(session: StoredSession): Promise<void> {
    this.outage.check();
    if (this.sessions.has(session.id)) throw new Error(`session ${session.id} exists`);
    this.sessions.set(session.id, structuredClone(session));
  }

  async findSession(id: string, now: Date): Promise<StoredSession | null> {
    this.outage.check();
    const session = this.sessions.get(id);
    return session && session.expiresAt > now ? structuredClone(session) : null;
  }

  async endSession(id: string): Promise<void> {
    this.outage.check();
    this.sessions.delete(id);
  }

  async prune(now: Date): Promise<number> {
    this.outage.check();
    let count = 0;
    for (const [id, link] of this.links) if (link.expiresAt <= now && this.links.delete(id)) count += 1;
    for (const [id, session] of this.sessions) if (session.expiresAt <= now && this.sessions.delete(id)) count += 1;
    return count;
  }
}
