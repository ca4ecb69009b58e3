import type { TimerClaims, TimerKind } from '../../core/escalation/sla-timers.js';
import type { PrismaClient } from './open-prisma.js';

/**
 * Timer claims as rows keyed by the timer: inserting the row is the claim, so the database's
 * primary key decides between processes; a take-over is a compare-and-set on the old claim.
 */
export class PrismaTimerClaims implements TimerClaims {
  constructor(private readonly prisma: PrismaClient) {}

  async claim(
    timer: { key: string; ticketId: string; kind: TimerKind },
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<'mine' | 'taken-over' | 'done' | 'busy'> {
    try {
      await this.prisma.timerFiring.create({
        data: { key: timer.key, ticketId: timer.ticketId, kind: timer.kind, claimedBy: owner, claimedAt: now },
      });
      return 'mine';
    } catch (error) {
      if ((error as { code?: string }).code !== 'P2002') throw error;
    }
    const existing = await this.prisma.timerFiring.findUnique({ where: { key: timer.key } });
    if (!existing) return 'busy';
    if (existing.doneAt) return 'done';
    if (existing.claimedAt.getTime() > now.getTime() - leaseMs) return 'busy';
    // The claimer died before finishing: take over, unless another process just did.
    const { count } = await this.prisma.timerFiring.updateMany({
      where: { key: timer.key, claimedBy: existing.claimedBy, claimedAt: existing.claimedAt, doneAt: null },
      data: { claimedBy: owner, claimedAt: now },
    });
    return count === 1 ? 'taken-over' : 'busy';
  }

  async prune(doneBefore: Date): Promise<number> {
    const { count } = await this.prisma.timerFiring.deleteMany({ where: { doneAt: { lt: doneBefore } } });
    return count;
  }

  async stale(claimedBefore: Date, limit: number): Promise<Array<{ key: string; ticketId: string; kind: TimerKind }>> {
    const rows = await this.prisma.timerFiring.findMany({
      where: { doneAt: null, claimedAt: { lt: claimedBefore } },
      orderBy: { claimedAt: 'asc' },
      take: limit,
    });
    return rows.map((row) => ({ key: row.key, ticketId: row.ticketId, kind: row.kind as TimerKind }));
  }

  async done(key: string, owner: string, now: Date): Promise<void> {
    await this.prisma.timerFiring.updateMany({ where: { key, claimedBy: owner }, data: { doneAt: now } });
  }
}
