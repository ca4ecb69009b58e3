import type { TimerClaims, TimerKind } from '../../core/escalation/sla-timers.js';
import { Outage } from './outage.js';

interface Firing {
  key: string;
  ticketId: string;
  kind: TimerKind;
  claimedBy: string;
  claimedAt: Date;
  doneAt: Date | null;
}

/** Timer claims in memory, with PrismaTimerClaims's rules (one claim per key, take-over after the lease): for core tests. */
export class MemoryTimerClaims implements TimerClaims {
  private readonly firings = new Map<string, Firing>();

  constructor(private readonly outage = new Outage()) {}

  async claim(
    timer: { key: string; ticketId: string; kind: TimerKind },
    owner: string,
    now: Date,
    leaseMs: number,
  ): Promise<'mine' | 'taken-over' | 'done' | 'busy'> {
    this.outage.check();
    const existing = this.firings.get(timer.key);
    if (!existing) {
      this.firings.set(timer.key, {
        key: timer.key,
        ticketId: timer.ticketId,
        kind: timer.kind,
        claimedBy: owner,
        claimedAt: new Date(now),
        doneAt: null,
      });
      return 'mine';
    }
    if (existing.doneAt) return 'done';
    if (existing.claimedAt.getTime() > now.getTime() - leaseMs) return 'busy';
    Object.assign(existing, { claimedBy: owner, claimedAt: new Date(now) });
    return 'taken-over';
  }

  async done(key: string, owner: string, now: Date): Promise<void> {
    this.outage.check();
    const firing = this.firings.get(key);
    if (firing && firing.claimedBy === owner) firing.doneAt = new Date(now);
  }

  async prune(doneBefore: Date): Promise<number> {
    this.outage.check();
    let count = 0;
    for (const [key, firing] of this.firings) {
      if (firing.doneAt && firing.doneAt < doneBefore) {
        this.firings.delete(key);
        count += 1;
      }
    }
    return count;
  }

  async stale(claimedBefore: Date, limit: number): Promise<Array<{ key: string; ticketId: string; kind: TimerKind }>> {
    this.outage.check();
    return [...this.firings.values()]
      .filter((f) => f.doneAt === null && f.claimedAt < claimedBefore)
      .sort((a, b) => a.claimedAt.getTime() - b.claimedAt.getTime())
      .slice(0, Math.max(0, limit))
      .map((f) => ({ key: f.key, ticketId: f.ticketId, kind: f.kind }));
  }

  /** Every claim, as a test would read the TimerFiring table. */
  all(): Firing[] {
    return [...this.firings.values()].map((f) => ({
      ...f,
      claimedAt: new Date(f.claimedAt),
      doneAt: f.doneAt && new Date(f.doneAt),
    }));
  }

  /** Puts a claim in place as another process would have left it. */
  put(firing: Omit<Firing, 'doneAt'> & { doneAt?: Date | null }): void {
    if (this.firings.has(firing.key)) throw new Error(`timer ${firing.key} is already claimed`);
    this.firings.set(firing.key, { ...firing, doneAt: firing.doneAt ?? null });
  }
}
