import type { SentenceEncoder } from '../core/answering/sentence-encoder.js';

/**
 * The sentence encoders ENCODER can name. Each is loaded only when chosen (a dynamic import), so
 * `ENCODER=none` never loads TensorFlow.js. Another encoder is one file exporting a loader and one
 * line here.
 */
const loaders = {
  'use-lite': async () => (await import('./use-lite-encoder.js')).UseLiteEncoder.load(),
} satisfies Record<string, () => Promise<SentenceEncoder>>;

export type EncoderName = keyof typeof loaders;

/** `none`: the purely lexical engine (keyword search and the models it learns from the articles). */
export const encoderChoices = ['none', ...(Object.keys(loaders) as EncoderName[])] as const;
export type EncoderChoice = (typeof encoderChoices)[number];
export const defaultEncoder: EncoderChoice = 'use-lite';

/** Loads the chosen encoder, or null for `none`; a model that cannot be loaded is an error saying how to go on without it. */
export async function loadEncoder(choice: EncoderChoice): Promise<SentenceEncoder | null> {
  if (choice === 'none') return null;
  try {
    return await loaders[choice]();
  } catch (error) {
    throw new Error(
      `Cannot load the sentence encoder ENCODER=${choice}: ${(error as Error).message}. Reinstall the packages (npm ci), or set ENCODER=none to answer without it.`,
      { cause: error },
    );
  }
}
