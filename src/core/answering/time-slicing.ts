/**
 * Long computations (building the answer index, training the models) are written as generators
 * that yield now and then. Run to the end at once (`runSteps`), they are ordinary synchronous
 * code; run with `runStepsPaced`, they give the event loop a turn every `sliceMs`, so a bot
 * rebuilding a large knowledge base keeps answering from the old one meanwhile.
 */
export type Steps<T> = Generator<void, T, void>;

export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * How a paced computation shares the event loop: a turn every `sliceMs` of work, and `signal`,
 * which ends it at its next turn by throwing the signal's reason (a service stopped while it
 * builds must not go on building for minutes: see openApp's close).
 */
export interface Pacing {
  sliceMs?: number;
  signal?: AbortSignal | undefined;
}

/** The slice when none is given: a request waits about this long behind a long computation. */
const SLICE_MS = 20;

export async function runStepsPaced<T>(steps: Steps<T>, { sliceMs = SLICE_MS, signal }: Pacing = {}): Promise<T> {
  signal?.throwIfAborted();
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      sliceStart = performance.now();
    }
  }
}

/** How many examples a training loop handles between yields: a fraction of a millisecond to a few. */
export const EXAMPLES_PER_STEP = 64;

/**
 * For plain loops that may run long (thousands of articles): call the returned function once per
 * item; every `sliceMs` it gives the event loop a turn (and throws once `signal` is aborted), as
 * runStepsPaced does for steps.
 */
export function pacer({ sliceMs = SLICE_MS, signal }: Pacing = {}): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    sliceStart = performance.now();
  };
}
