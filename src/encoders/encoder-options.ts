import path from 'node:path';
import type { SentenceEncoder } from '../core/answering/sentence-encoder.js';
import { CachedSentenceEncoder } from './embedding-cache.js';
import { defaultEncoder, encoderChoices, loadEncoder, type EncoderChoice } from './encoder-registry.js';

/**
 * The `--encoder` and `--cache` options of the measuring tools (bench, bench:clinc, kb:eval), for
 * node:util parseArgs. Their cache is not the bot's ($DATA_DIR/encoder-cache): the bot drops what
 * its own knowledge base no longer uses, which would throw away a benchmark's embeddings.
 */
export const encoderCliOptions = {
  encoder: { type: 'string', default: defaultEncoder },
  cache: { type: 'string', default: 'data/bench-encoder-cache' },
} as const;

export const encoderCliUsage = `[--encoder ${encoderChoices.join('|')}] [--cache DIR]`;

/** The encoder --encoder names (null for none) and, for the articles' phrasings, the same encoder cached in --cache. */
export async function encoderFromCli(values: {
  encoder: string;
  cache: string;
}): Promise<{ encoder: SentenceEncoder | null; phrasingEncoder?: CachedSentenceEncoder }> {
  if (!(encoderChoices as readonly string[]).includes(values.encoder))
    throw new Error(`--encoder must be one of ${encoderChoices.join(', ')}, not "${values.encoder}"`);
  const encoder = await loadEncoder(values.encoder as EncoderChoice);
  return encoder
    ? { encoder, phrasingEncoder: await CachedSentenceEncoder.open(encoder, path.resolve(values.cache)) }
    : { encoder };
}
