import type { AlertGroupRecord, AlertGroupStore } from '../../core/alerts/alert.js';
import type { PrismaClient } from './open-prisma.js';

/** Alert groups as rows of AlertGroup, on SQLite or PostgreSQL. */
export class PrismaAlertGroups implements AlertGroupStore {
  constructor(private readonly prisma: PrismaClient) {}

  async find(key: string): Promise<AlertGroupRecord | null> {
    const row = await this.prisma.alertGroup.findUnique({ where: { key } });
    if (!row) return null;
    return {
      key: row.key,
      source: row.source,
      groupKey: row.groupKey,
      ticketKey: row.ticketKey,
      status: row.status === 'resolved' ? 'resolved' : 'firing',
      firing: parseList(row.firing),
      repeats: row.repeats,
      openedAt: row.openedAt,
      updatedAt: row.updatedAt,
    };
  }

  async save(record: AlertGroupRecord): Promise<void> {
    const data = {
      source: record.source,
      groupKey: record.groupKey,
      ticketKey: record.ticketKey,
      status: record.status,
      firing: JSON.stringify(record.firing),
      repeats: record.repeats,
      openedAt: record.openedAt,
      updatedAt: record.updatedAt,
    };
    await this.prisma.alertGroup.upsert({
      where: { key: record.key },
      create: { key: record.key, ...data },
      update: data,
    });
  }
}

function parseList(text: string): string[] {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}
