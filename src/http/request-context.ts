import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';

/**
 * The id of the request (or queued item) being worked on, for everything that runs on its behalf:
 * log lines (src/logger.ts adds it), the turn handed to the core (as data, `Turn.requestId`), and
 * work it queues. Kept at the edge: the core receives the id as a value, never this store.
 */
const context = new AsyncLocalStorage<{ requestId: string }>();

/** A usable incoming X-Request-Id: 1-64 letters, digits and . _ : - (a proxy's UUID or trace id); anything else is replaced. */
const SANE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * A new id: 16 hex digits, short enough to read out from an error message. From randomUUID, which
 * draws from a buffer of random bytes it refills now and then, where randomBytes(8) asked the
 * system for 8 bytes on every request (0.02 ms of a message's 3.2 in a replica's profile).
 */
export function newRequestId(): string {
  const uuid = randomUUID();
  // xxxxxxxx-xxxx-4xxx-yxxx-...: random hex digits only, without the dashes, the version's 4 and the variant's y.
  return uuid.slice(0, 8) + uuid.slice(9, 13) + uuid.slice(15, 18) + uuid.slice(20, 21);
}

/** The incoming header's id when it is sane, else a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const given = Array.isArray(header) ? header[0] : header;
  return given !== undefined && SANE_ID.test(given) ? given : newRequestId();
}

export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}

/** Runs `fn` (and everything it starts) on behalf of the request `requestId`. */
export function withRequestId<T>(requestId: string, fn: () => T): T {
  return context.run({ requestId }, fn);
}

type Listener = (...args: unknown[]) => void;

/**
 * Makes the listeners later added to `emitter` run in the current request's context. An incoming
 * request's body arrives in 'data' and 'end' events emitted from the connection's context, not the
 * request's: without this, whatever runs after the body is read (a receiver's handler, the inbox)
 * has no request id. removeListener still finds a listener by the function it was added with.
 */
export function bindToRequest(emitter: EventEmitter): void {
  const bound = new WeakMap<Listener, Listener>();
  const wrap = (listener: Listener): Listener => {
    let wrapped = bound.get(listener);
    if (!wrapped) {
      // Our store only, not the whole async context (AsyncResource.bind, which Node 20 builds with a
      // deprecation wrapper on each call: 0.05 ms of a message in a replica's profile).
      const store = context.getStore();
      wrapped =
        store === undefined
          ? listener
          : function (this: unknown, ...args: unknown[]) {
              context.run(store, () => listener.apply(this, args));
            };
      bound.set(listener, wrapped);
    }
    return wrapped;
  };
  for (const method of ['on', 'addListener', 'once', 'prependListener', 'prependOnceListener'] as const) {
    const original = emitter[method].bind(emitter) as (event: string | symbol, listener: Listener) => EventEmitter;
    emitter[method] = ((event: string | symbol, listener: Listener) =>
      original(event, wrap(listener))) as EventEmitter[typeof method];
  }
  for (const method of ['removeListener', 'off'] as const) {
    const original = emitter[method].bind(emitter) as (event: string | symbol, listener: Listener) => EventEmitter;
    emitter[method] = ((event: string | symbol, listener: Listener) =>
      original(event, bound.get(listener) ?? listener)) as EventEmitter[typeof method];
  }
}
