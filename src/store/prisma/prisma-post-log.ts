import { postLogSeconds, type PostLog } from '../../core/analytics/post-log.js';
import type { PrismaClient } from './open-prisma.js';

/** The post log in the Counter table: one row per post, its value the seconds since the epoch. */
export class PrismaPostLog implements PostLog {
  constructor(private readonly prisma: PrismaClient) {}

  async last(name: string): Promise<Date | null> {
    const row = await this.prisma.counter.findUnique({ where: { name } });
    return row ? new Date(row.value * 1000) : null;
  }

  async begin(name: string, at: Date): Promise<void> {
    try {
      await this.prisma.counter.create({ data: { name, value: postLogSeconds(at) } });
    } catch (error) {
      // Another process began it first: its start stands.
      if ((error as { code?: string }).code !== 'P2002') throw error;
    }
  }

  async move(name: string, from: Date, to: Date): Promise<boolean> {
    const { count } = await this.prisma.counter.updateMany({
      where: { name, value: postLogSeconds(from) },
      data: { value: postLogSeconds(to) },
    });
    return count === 1;
  }
}
