import { postLogSeconds, type PostLog } from '../../core/analytics/post-log.js';
import { Outage } from './outage.js';

/** The post log in memory, to the second like PrismaPostLog: for core tests. */
export class MemoryPostLog implements PostLog {
  private readonly seconds = new Map<string, number>();

  constructor(private readonly outage = new Outage()) {}

  async last(name: string): Promise<Date | null> {
    this.outage.check();
    const value = this.seconds.get(name);
    return value === undefined ? null : new Date(value * 1000);
  }

  async begin(name: string, at: Date): Promise<void> {
    this.outage.check();
    if (!this.seconds.has(name)) this.seconds.set(name, postLogSeconds(at));
  }

  async move(name: string, from: Date, to: Date): Promise<boolean> {
    this.outage.check();
    if (this.seconds.get(name) !== postLogSeconds(from)) return false;
    this.seconds.set(name, postLogSeconds(to));
    return true;
  }
}
