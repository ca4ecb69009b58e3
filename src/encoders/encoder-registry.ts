import type { SentenceEncoder } from '../core/answering/sentence-encoder.js';
import { DeferredSentenceEncoder } from './deferred-encoder.js';

/**
 * The sentence encoders ENCODER can name. Each is loaded only when chosen (a dynamic import), so
 * `ENCODER=none` never loads TensorFlow.js. Another encoder is one file exporting a loader and one
 * entry here: its size, a check of its files that loads nothing and says which weights they are
 * (see SentenceEncoder.weights), and its loader.
 */
const encoders = {
  'use-lite': {
    dimensions: 512,
    check: async () => (await (await import('./use-lite-files.js')).useLiteFiles()).weights,
    load: async (): Promise<SentenceEncoder> => (await import('./use-lite-encoder.js')).UseLiteEncoder.load(),
  },
} satisfies Record<
  string,
  { dimensions: number; check(): Promise<string | undefined>; load(): Promise<SentenceEncoder> }
>;

export type EncoderName = keyof typeof encoders;

/** `none`: the purely lexical engine (keyword search and the models it learns from the articles). */
export const encoderChoices = ['none', ...(Object.keys(encoders) as EncoderName[])] as const;
export type EncoderChoice = (typeof encoderChoices)[number];
export const defaultEncoder: EncoderChoice = 'use-lite';

/** Loads the chosen encoder, or null for `none`; a model that cannot be loaded is an error saying how to go on without it. */
export async function loadEncoder(choice: EncoderChoice): Promise<SentenceEncoder | null> {
  if (choice === 'none') return null;
  try {
    return await encoders[choice].load();
  } catch (error) {
    throw cannotLoad(choice, error);
  }
}

/**
 * The chosen encoder with its files checked (and its weights named) but its model not yet loaded
 * (see DeferredSentenceEncoder), or null for `none`: the service's start. Files that are missing or
 * damaged are the same error as loadEncoder's.
 */
export async function openEncoder(choice: EncoderChoice): Promise<DeferredSentenceEncoder | null> {
  if (choice === 'none') return null;
  const encoder = encoders[choice];
  let weights: string | undefined;
  try {
    weights = await encoder.check();
  } catch (error) {
    throw cannotLoad(choice, error);
  }
  return new DeferredSentenceEncoder(
    choice,
    encoder.dimensions,
    () => loadEncoder(choice) as Promise<SentenceEncoder>,
    weights,
  );
}

function cannotLoad(choice: EncoderChoice, error: unknown): Error {
  return new Error(
    `Cannot load the sentence encoder ENCODER=${choice}: ${(error as Error).message}. Reinstall the packages (npm ci), or set ENCODER=none to answer without it.`,
    { cause: error },
  );
}
