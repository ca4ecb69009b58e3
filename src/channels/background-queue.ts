import { KeyedQueue } from '../core/conversation/keyed-queue.js';

/**
 * Work that must not hold up an acknowledgement (posting to a chat's API): it runs in the
 * background, in order per key (a ticket), and can be waited for at shutdown and in tests.
 */
export class BackgroundQueue {
  private readonly queue = new KeyedQueue();
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly onError: (error: unknown, key: string) => void) {}

  push(key: string, work: () => Promise<void>): void {
    const run = this.queue.run(key, work).catch((error: unknown) => this.onError(error, key));
    this.pending.add(run);
    void run.finally(() => this.pending.delete(run));
  }

  /** Waits until nothing is in flight, including work queued while waiting. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }
}
