/**
 * Requests a test has sent and not yet seen answered, and work the bot is still doing. The bots
 * acknowledge before they work, so "settled" means: every request answered, every watched call
 * finished, the bot's background work drained, and no new outbound call for one more tick.
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

  /**
   * Counts each call of the object's methods as in flight until it settles. Watching the core's
   * services and the store's ports is what tells "the bot is still working" from "the bot is
   * done": on SQLite a turn's queries complete without yielding to timers, so a quiet tick
   * used to mean done; PostgreSQL's queries are real I/O, and a turn spans many ticks.
   */
  watch(target: object): void {
    for (
      let proto = Object.getPrototypeOf(target) as object | null;
      proto && proto !== Object.prototype;
      proto = Object.getPrototypeOf(proto) as object | null
    ) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        const method = Object.getOwnPropertyDescriptor(proto, name)?.value as unknown;
        if (
          name === 'constructor' ||
          typeof method !== 'function' ||
          Object.prototype.hasOwnProperty.call(target, name)
        )
          continue;
        const pending = this.pending;
        Object.defineProperty(target, name, {
          configurable: true,
          writable: true,
          value(this: unknown, ...args: unknown[]) {
            const result: unknown = method.apply(this, args);
            if (result instanceof Promise) {
              pending.add(result);
              // The caller handles the outcome; this only notes that the call is over.
              result.then(
                () => pending.delete(result),
                () => pending.delete(result),
              );
            }
            return result;
          },
        });
      }
    }
  }

  /** Watches the app's services and every port of its store (see watch). */
  watchApp(app: { conversations: object; tickets: object; store: object }): void {
    this.watch(app.conversations);
    this.watch(app.tickets);
    for (const [name, port] of Object.entries(app.store))
      if (name !== 'prisma' && typeof port === 'object' && port !== null) this.watch(port);
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
