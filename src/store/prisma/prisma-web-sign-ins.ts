import type { StoredLink, StoredSession, WebPerson, WebRole, WebSignInStore } from '../../core/web/web-access.js';
import type { PrismaClient } from './open-prisma.js';

const roles: readonly WebRole[] = ['engineer', 'lead', 'employee'];

/** A role read back from a row: anything unexpected is the least privileged one. */
function roleOf(value: string): WebRole {
  return (roles as readonly string[]).includes(value) ? (value as WebRole) : 'employee';
}

function personOf(row: {
  channel: string;
  personId: string;
  personName: string | null;
  role: string;
  timeZone: string | null;
  language: string | null;
}): WebPerson {
  return {
    channel: row.channel,
    id: row.personId,
    name: row.personName,
    role: roleOf(row.role),
    ...(row.timeZone ? { timeZone: row.timeZone } : {}),
    ...(row.language ? { language: row.language } : {}),
  };
}

/**
 * Sign-in links and sessions as rows. Using a link is an updateMany on (id, usedAt null,
 * expiresAt > now): the database decides, so a link redeemed on two replicas at once opens one session.
 */
export class PrismaWebSignIns implements WebSignInStore {
  constructor(private readonly prisma: PrismaClient) {}

  async saveLink(link: StoredLink): Promise<void> {
    await this.prisma.webSignInLink.create({
      data: {
        id: link.id,
        channel: link.person.channel,
        personId: link.person.id,
        personName: link.person.name,
        role: link.person.role,
        timeZone: link.person.timeZone ?? null,
        language: link.person.language ?? null,
        expiresAt: link.expiresAt,
      },
    });
  }

  async useLink(id: string, now: Date): Promise<WebPerson | null> {
    const { count } = await this.prisma.webSignInLink.updateMany({
      where: { id, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    if (count !== 1) return null;
    const row = await this.prisma.webSignInLink.findUnique({ where: { id } });
    return row ? personOf(row) : null;
  }

  async saveSession(session: StoredSession): Promise<void> {
    const { person } = session;
    await this.prisma.webSession.create({
      data: {
        id: session.id,
        channel: person.channel,
        personId: person.id,
        personName: person.name,
        role: person.role,
        timeZone: person.timeZone ?? null,
        language: person.language ?? null,
        csrf: session.csrf,
        expiresAt: session.expiresAt,
      },
    });
  }

  async findSession(id: string, now: Date): Promise<StoredSession | null> {
    const row = await this.prisma.webSession.findUnique({ where: { id } });
    if (!row || row.expiresAt <= now) return null;
    return { id: row.id, person: personOf(row), csrf: row.csrf, expiresAt: row.expiresAt };
  }

  async endSession(id: string): Promise<void> {
    await this.prisma.webSession.deleteMany({ where: { id } });
  }

  async prune(now: Date): Promise<number> {
    const links = await this.prisma.webSignInLink.deleteMany({ where: { expiresAt: { lte: now } } });
    const sessions = await this.prisma.webSession.deleteMany({ where: { expiresAt: { lte: now } } });
    return links.count + sessions.count;
  }
}
