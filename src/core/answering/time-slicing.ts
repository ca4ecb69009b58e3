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

export async function runStepsPaced<T>(steps: Steps<T>, sliceMs = 20): Promise<T> {
  let sliceStart = performance.now();
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    if (performance.now() - sliceStart >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** How many examples a training loop handles between yields: a fraction of a millisecond to a few. */
export const EXAMPLES_PER_STEP = 64;

/**
 * For plain loops that may run long (thousands of articles): call the returned function once per
 * item; every `sliceMs` it gives the event loop a turn, as runStepsPaced does for steps.
 */
export function pacer(sliceMs = 20): () => Promise<void> {
  let sliceStart = performance.now();
  return async () => {
    if (performance.now() - sliceStart < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    sliceStart = performance.now();
  };
}
