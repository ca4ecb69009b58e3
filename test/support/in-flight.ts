/**
 * Requests a test has sent and not yet seen answered. The bots acknowledge before they work,
 * so "settled" means: every request answered, the bot's background work drained, and no new
 * outbound call for one more tick.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();

  async track<T>(request: Promise<T>): Promise<T> {
    this.pending.add(request);
    try {
      return await request;
    } finally {
      this.pending.delete(request);
    }
  }

  async settle(drain: () => Promise<void>, outboundCalls: () => number): Promise<void> {
    let last = -1;
    for (let i = 0; i < 200; i++) {
      await Promise.allSettled([...this.pending]);
      await drain();
      await new Promise((resolve) => setTimeout(resolve, 40));
      if (outboundCalls() === last && this.pending.size === 0) return;
      last = outboundCalls();
    }
  }
}
