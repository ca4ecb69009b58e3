import type { Logger } from '../logger.js';

/** A unit of durable work as stored: an inbound delivery or an outbound notification. */
export interface QueuedItem {
  seq: number;
  key: string;
  kind: string;
  orderKey: string;
  payload: string;
  attempts: number;
  createdAt: Date;
}

/** What to queue: `key` is the delivery's own id, so a repeat of it is recognised. */
export interface NewQueueItem {
  key: string;
  kind: string;
  orderKey: string;
  payload: string;
}

/**
 * The durable inbox and outbox. Implementations: PrismaWorkQueueStore (and MemoryWorkQueueStore
 * for tests of the worker). Every method throws when the database cannot answer.
 */
export interface WorkQueueStore {
  /** Stores an item; false when an item with this key is already stored (a repeated delivery). */
  enqueue(item: NewQueueItem): Promise<boolean>;
  /**
   * Stores an item and, in the same write, claims it for `worker` until `leaseUntil` when it may
   * run now (no earlier item of its order key is unfinished), as `claim` would: the process that
   * received a delivery starts on it without a claim round. 'repeat' when an item with this key is
   * already stored; 'queued' when stored but not claimable now (it waits for `claim`). The items
   * `completing` (finished by `worker`) are marked done first, in the same transaction, as
   * `complete` would: the write that stores the next delivery also records the last one's end.
   */
  enqueueClaimed(
    item: NewQueueItem,
    worker: string,
    now: Date,
    leaseUntil: Date,
    completing?: readonly number[],
  ): Promise<QueuedItem | 'queued' | 'repeat'>;
  /**
   * Claims up to `limit` items of these kinds (the ones this process can do: a Teams-only replica
   * leaves Slack's work alone) that are due and not leased by a live claim, oldest first, for
   * `worker` until `leaseUntil`. Of items sharing an order key only the oldest unfinished one
   * can be claimed, so they run one at a time and in order, across processes.
   */
  claim(worker: string, kinds: string[], limit: number, now: Date, leaseUntil: Date): Promise<QueuedItem[]>;
  /** Extends the lease of items this worker still holds. */
  extend(worker: string, seqs: number[], leaseUntil: Date): Promise<void>;
  /** Marks items done in one write; returns those it marked (not one whose claim was lost: another worker took it over). */
  complete(seqs: readonly number[], worker: string, now: Date): Promise<number[]>;
  /** Gives a claimed item back, to be tried again from `runAfter`. */
  release(seq: number, worker: string, error: string, runAfter: Date): Promise<void>;
  /** Marks an item failed for good. */
  fail(seq: number, worker: string, error: string, now: Date): Promise<void>;
  /** Forgets items finished before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

/** A handler's way to say "trying again will not help" (a channel that does not exist, a malformed payload). */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Does one kind of item. Throwing means "try again later", unless it throws a PermanentFailure. */
export type WorkHandler = (payload: unknown, item: QueuedItem) => Promise<void>;

/** Told when an item is given up on, so the person waiting on it can be told. */
export type GiveUpHandler = (payload: unknown, item: QueuedItem, error: unknown) => Promise<void>;

export interface WorkQueueOptions {
  store: WorkQueueStore;
  logger: Logger;
  /** This process's name in claims. */
  workerId: string;
  /** Items done at once by this process. Default 4: enough to overlap chat API calls, well under the database pool. */
  concurrency?: number;
  /** How long a claim holds before another process may take the item over. Default 60 s; renewed while the item runs. */
  leaseMs?: number;
  /** How often to look for work queued by other processes or due for a retry. Default 1 s. */
  pollMs?: number;
  /**
   * How long a finished item may wait for its 'done' to be written with the next delivery's own
   * write, before it is written alone. Default 100 ms. While anything stored here waits (for a slot,
   * or for an earlier item of its order key), it is written at once.
   */
  completeDelayMs?: number;
  /** Retries stop this long after the item was queued. Default 1 hour (about as long as Slack retries a delivery). */
  giveUpAfterMs?: number;
  /** First retry delay, doubled each attempt up to maxBackoffMs. Defaults 1 s and 60 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  now?: () => Date;
  /**
   * Request ids (the service passes its HTTP edge's): the id of the request queuing an item, and a
   * way to run an item's work under an id, so its log lines and turn carry the id of the request
   * that queued it (when this process queued it; else the item's key).
   */
  requestIds?: RequestIds;
}

/** The caller's request id, and running work on behalf of one. */
export interface RequestIds {
  current(): string | undefined;
  run<T>(requestId: string, work: () => Promise<T>): Promise<T>;
}

/** Request ids remembered for items this process queued: about a minute of busy traffic. */
const REMEMBERED_REQUEST_IDS = 10_000;

const KEEP_DONE_MS = 24 * 60 * 60_000;

/**
 * Runs durable work: items written to the store before they were acknowledged (or when the change
 * they tell of was made) are claimed with a lease, handed to the handler of their kind, and marked
 * done. A handler that fails is retried with backoff; a process that dies leaves its claims to
 * run out, and then another process (or this one, restarted) takes them over.
 *
 * A finished item's 'done' rides on the next write the queue makes anyway (the next delivery's
 * enqueue), or is written within `completeDelayMs`: under traffic a message costs two writes (its
 * delivery kept, its turn) instead of three. Until then the item stays claimed (its lease renewed),
 * so nothing else runs it; a process that dies meanwhile leaves it to be run again after its lease,
 * which the handlers, idempotent by key, answer once.
 */
export class WorkQueue {
  private readonly handlers = new Map<string, { run: WorkHandler; giveUp?: GiveUpHandler }>();
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly giveUpAfterMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private again = false;
  private running = false;
  private lastPrune = 0;
  private storeDownSince: number | undefined;
  private claiming: Promise<unknown> = Promise.resolve();
  /** Slots held by enqueues that claim their item as they store it (enqueueClaimed). */
  private reserved = 0;
  /** Item key to the id of the request that queued it (not stored: another process uses the key). */
  private readonly requestOf = new Map<string, string>();
  private readonly completeDelayMs: number;
  /** Items finished here whose 'done' is not written yet, by seq. */
  private readonly finished = new Map<number, QueuedItem>();
  private finishTimer: NodeJS.Timeout | undefined;
  /** Finished items in a write that marks them done (they hold their slots until it ends). */
  private completing = 0;
  /**
   * Order keys with items stored here and not started (behind an unfinished item of their key, or
   * for a slot), and how many: while there are any, a finished item's 'done' is written at once.
   */
  private readonly waiting = new Map<string, number>();
  /** Writes of finished items, one at a time. */
  private finishing: Promise<void> = Promise.resolve();

  constructor(private readonly options: WorkQueueOptions) {
    this.concurrency = options.concurrency ?? 4;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.pollMs = options.pollMs ?? 1_000;
    this.giveUpAfterMs = options.giveUpAfterMs ?? 60 * 60_000;
    this.backoffMs = options.backoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.completeDelayMs = options.completeDelayMs ?? 100;
    this.now = options.now ?? (() => new Date());
  }

  /** Registers the handler for one kind of item. */
  handle(kind: string, run: WorkHandler, giveUp?: GiveUpHandler): void {
    this.handlers.set(kind, { run, ...(giveUp ? { giveUp } : {}) });
  }

  /**
   * Stores an item and wakes the worker. Resolves once the item is durable; false for a repeated
   * key. Rejects when the store cannot take it: the caller must not acknowledge then.
   */
  async enqueue(item: NewQueueItem): Promise<boolean> {
    const { store, workerId } = this.options;
    // With a free slot, the item is claimed in the write that stores it and started here: no claim
    // round (three reads and a write) between a delivery and its work. The slot is held meanwhile.
    // Finished items whose 'done' is not written hold their slots; this write frees them.
    const startHere = this.running && this.handlers.has(item.kind) && this.freeSlots() + this.finished.size > 0;
    let claimed: QueuedItem | undefined;
    let added: boolean;
    if (startHere) {
      this.reserved++;
      // The finished items' 'done' in the same write: taken out so that no other write takes them too.
      const completing = this.takeFinished();
      this.completing += completing.length;
      try {
        const now = this.now();
        const leaseUntil = new Date(now.getTime() + this.leaseMs);
        const seqs = completing.map((done) => done.seq);
        const result = await store.enqueueClaimed(item, workerId, now, leaseUntil, seqs);
        added = result !== 'repeat';
        if (typeof result === 'object') claimed = result;
      } catch (error) {
        this.putBackFinished(completing);
        throw error;
      } finally {
        this.reserved--;
        this.completing -= completing.length;
      }
    } else {
      added = await store.enqueue(item);
    }
    if (added && !claimed) {
      this.waiting.set(item.orderKey, (this.waiting.get(item.orderKey) ?? 0) + 1);
      // It waits for a slot or for an earlier item of its key: finished ones hold both until written.
      if (this.finished.size > 0) void this.writeFinished();
    }
    const requestId = this.options.requestIds?.current();
    if (added && requestId) {
      if (this.requestOf.size >= REMEMBERED_REQUEST_IDS) this.requestOf.delete(this.requestOf.keys().next().value!);
      this.requestOf.set(item.key, requestId);
      // The link from the request to the item, for an item another process takes.
      this.options.logger.debug({ key: item.key, kind: item.kind, requestId }, 'queued');
    }
    // Stopped meanwhile: the claim runs out and the item is taken over (here after a restart, or elsewhere).
    if (claimed && this.running) this.begin(claimed);
    else if (added) this.wake();
    return added;
  }

  /** Starts working: at once, then on every wake and every poll. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    // Long work keeps its claim: the lease is renewed well before it runs out.
    this.heartbeat = setInterval(() => void this.renewLeases(), Math.max(1_000, Math.floor(this.leaseMs / 3)));
    this.heartbeat.unref();
    this.wake();
  }

  /** Stops claiming new work and waits for the work in flight. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    await this.pumping;
    await Promise.allSettled([...this.inFlight.values()]);
    await this.writeFinished();
  }

  /** Looks for work now (after an enqueue, a finished item, or a poll). */
  wake(): void {
    if (!this.running) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.again && this.running) {
        this.again = false;
        this.wake();
      }
    });
  }

  /**
   * Waits until nothing is in flight and nothing is claimable now (tests, shutdown). Items waiting
   * for a retry later, or leased by another live process, are not waited for.
   */
  async drain(): Promise<void> {
    for (let round = 0; round < 10_000; round++) {
      await this.pumping;
      if (this.inFlight.size > 0) {
        await Promise.race([...this.inFlight.values()]);
        continue;
      }
      await this.writeFinished();
      this.again = false;
      const claimed = await this.pumpOnce();
      if (claimed === 0 && this.inFlight.size === 0) return;
    }
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      await this.pumpOnce();
    } while (this.again && this.running);
  }

  /**
   * One claim round: fills the free slots. Returns how many items it started. Rounds run one at a
   * time (drain's and the pump's may be asked for at once): two rounds side by side would both see
   * the same free slots and claim past the concurrency.
   */
  private pumpOnce(): Promise<number> {
    const round = this.claiming.then(() => this.claimRound());
    this.claiming = round.catch(() => undefined);
    return round;
  }

  private async claimRound(): Promise<number> {
    const free = this.freeSlots();
    if (free <= 0) return 0;
    const now = this.now();
    let items: QueuedItem[];
    try {
      await this.prune(now);
      items = await this.options.store.claim(
        this.options.workerId,
        [...this.handlers.keys()],
        free,
        now,
        new Date(now.getTime() + this.leaseMs),
      );
      if (this.storeDownSince !== undefined) {
        this.options.logger.info(
          { downForMs: now.getTime() - this.storeDownSince },
          'the database answers again: queued work resumes',
        );
        this.storeDownSince = undefined;
      }
    } catch (error) {
      // Logged once per outage, not once per poll; the next poll tries again.
      if (this.storeDownSince === undefined) {
        this.storeDownSince = now.getTime();
        this.options.logger.error(
          { err: error },
          'cannot read the work queue (database unavailable?); retrying every poll',
        );
      }
      return 0;
    }
    for (const item of items) this.begin(item);
    return items.length;
  }

  /**
   * Slots for more work: the concurrency less what runs, what an enqueue is claiming, and what has
   * finished but is not marked done yet. So at most `concurrency` items of this process are ever
   * claimed and not done: after a crash, no more than that can be handled (and posted) again.
   */
  private freeSlots(): number {
    return this.concurrency - this.inFlight.size - this.reserved - this.finished.size - this.completing;
  }

  /**
   * Runs a claimed item in a slot. The slot's end looks for more work when something stored here
   * waits for a slot or for an item before it; what other processes stored, and retries that come
   * due, are found by the poll (every pollMs), so the end of each message does not cost a read.
   */
  private begin(item: QueuedItem): void {
    const behind = this.waiting.get(item.orderKey);
    if (behind !== undefined) {
      if (behind > 1) this.waiting.set(item.orderKey, behind - 1);
      else this.waiting.delete(item.orderKey);
    }
    const run = this.run(item).finally(() => {
      this.inFlight.delete(item.seq);
      if (this.waiting.size > 0) this.wake();
    });
    this.inFlight.set(item.seq, run);
  }

  private async run(item: QueuedItem): Promise<void> {
    const ids = this.options.requestIds;
    if (!ids) return this.runItem(item);
    const requestId = this.requestOf.get(item.key) ?? item.key;
    return ids.run(requestId, () => this.runItem(item)).finally(() => this.requestOf.delete(item.key));
  }

  private async runItem(item: QueuedItem): Promise<void> {
    const { logger } = this.options;
    const handler = this.handlers.get(item.kind);
    let payload: unknown;
    try {
      if (!handler) throw new PermanentFailure(`no handler for work of kind ${item.kind}`);
      try {
        payload = JSON.parse(item.payload) as unknown;
      } catch (error) {
        throw new PermanentFailure('the stored payload is not JSON', { cause: error });
      }
      await handler.run(payload, item);
    } catch (error) {
      await this.failed(item, payload, error).catch((storeError: unknown) => {
        // The claim runs out and the item is tried again: nothing is lost.
        logger.error(
          { err: storeError, key: item.key },
          'cannot record a failed attempt; the item will be retried after its lease',
        );
      });
      return;
    }
    this.finished.set(item.seq, item);
    // Something stored here waits (for its slot, or for it), or nothing more will be written: its
    // 'done' now. Otherwise the next delivery's write takes it, or the timer.
    if (!this.running || this.waiting.size > 0) await this.writeFinished();
    else this.finishTimer ??= setTimeout(() => void this.writeFinished(), this.completeDelayMs);
  }

  /** The finished items not yet written, taken out of `finished` for one write. */
  private takeFinished(): QueuedItem[] {
    const items = [...this.finished.values()];
    this.finished.clear();
    clearTimeout(this.finishTimer);
    this.finishTimer = undefined;
    return items;
  }

  /** Finished items a write could not mark, for the next write. */
  private putBackFinished(items: QueuedItem[]): void {
    for (const item of items) this.finished.set(item.seq, item);
    if (items.length > 0 && this.running)
      this.finishTimer ??= setTimeout(() => void this.writeFinished(), Math.max(this.completeDelayMs, 1_000));
  }

  /** Writes the finished items' 'done' now, in one write; never throws. */
  private writeFinished(): Promise<void> {
    this.finishing = this.finishing.then(async () => {
      const items = this.takeFinished();
      if (items.length === 0) return;
      const { store, logger, workerId } = this.options;
      let marked: Set<number>;
      this.completing += items.length;
      try {
        marked = new Set(
          await store.complete(
            items.map((item) => item.seq),
            workerId,
            this.now(),
          ),
        );
      } catch (error) {
        // Done but not marked: tried again with the next write; if never, it runs again after its
        // lease, and the handlers are idempotent by key.
        logger.error(
          { err: error, keys: items.map((item) => item.key) },
          'cannot mark work done; trying again, else it will be retried after its lease',
        );
        this.putBackFinished(items);
        return;
      } finally {
        this.completing -= items.length;
      }
      for (const item of items)
        if (!marked.has(item.seq))
          logger.warn(
            { key: item.key, kind: item.kind },
            'finished work whose claim had been taken over by another process',
          );
      // Their slots are free, and a later item of their order keys may be too.
      if (this.waiting.size > 0) this.wake();
    });
    return this.finishing;
  }

  private async failed(item: QueuedItem, payload: unknown, error: unknown): Promise<void> {
    const { store, logger, workerId } = this.options;
    const now = this.now();
    const message = describe(error);
    const expired = now.getTime() - item.createdAt.getTime() >= this.giveUpAfterMs;
    if (error instanceof PermanentFailure || expired) {
      logger.error(
        { err: error, key: item.key, kind: item.kind, attempts: item.attempts },
        `giving up on queued work: ${message}`,
      );
      await store.fail(item.seq, workerId, message, now);
      const giveUp = this.handlers.get(item.kind)?.giveUp;
      if (giveUp && payload !== undefined) {
        await giveUp(payload, item, error).catch((tellError: unknown) =>
          logger.error({ err: tellError, key: item.key }, 'could not tell anyone about the given-up work'),
        );
      }
      return;
    }
    const delay = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** Math.max(0, item.attempts - 1));
    logger.warn(
      { err: error, key: item.key, kind: item.kind, attempts: item.attempts, retryInMs: delay },
      `queued work failed; retrying: ${message}`,
    );
    await store.release(item.seq, workerId, message, new Date(now.getTime() + delay));
  }

  private async renewLeases(): Promise<void> {
    if (this.inFlight.size === 0 && this.finished.size === 0) return;
    try {
      await this.options.store.extend(
        this.options.workerId,
        [...this.inFlight.keys(), ...this.finished.keys()],
        new Date(this.now().getTime() + this.leaseMs),
      );
    } catch (error) {
      this.options.logger.warn({ err: error }, 'cannot renew work leases');
    }
  }

  private async prune(now: Date): Promise<void> {
    if (now.getTime() - this.lastPrune < 60 * 60_000) return;
    this.lastPrune = now.getTime();
    await this.options.store.prune(new Date(now.getTime() - KEEP_DONE_MS));
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
