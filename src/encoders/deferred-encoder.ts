import type { SentenceEncoder } from '../core/answering/sentence-encoder.js';

/** The encoder's model could not be loaded (its files were checked, see openEncoder). */
export class EncoderUnavailableError extends Error {
  override readonly name = 'EncoderUnavailableError';
}

/**
 * An encoder whose model loads when first asked for, or when `loadOrGiveUp` is called: the service
 * is ready once its knowledge base is (the articles' embeddings come from the model cache, no model
 * needed), and loads the model right after (TensorFlow.js and 28 MB of weights: about 0.3 s of
 * CPU). A question that needs the model before then waits for it, so answers are the same as with
 * the model loaded first.
 *
 * A model that cannot be loaded: until `loadOrGiveUp`, `embed` rejects with an
 * EncoderUnavailableError (a start that must embed its articles falls back to no encoder, see
 * app.ts); after it, `embed` gives no vectors, and the engine answers from the words alone.
 */
export class DeferredSentenceEncoder implements SentenceEncoder {
  private loading: Promise<SentenceEncoder> | undefined;
  private givenUp = false;

  constructor(
    readonly name: string,
    readonly dimensions: number,
    private readonly loader: () => Promise<SentenceEncoder>,
    /** The weights the files' check found: the caches key by them before the model is loaded. */
    readonly weights?: string,
  ) {}

  /**
   * Loads the model, once; later calls wait for the same load. A model whose weights are not those
   * checked (the package replaced while the bot ran) is not used: its vectors would be cached
   * under the other weights' name.
   */
  load(): Promise<SentenceEncoder> {
    this.loading ??= this.loader().then(
      (encoder) => {
        if (encoder.name !== this.name || encoder.dimensions !== this.dimensions)
          throw new EncoderUnavailableError(
            `the model loaded is ${encoder.name} of ${encoder.dimensions} dimensions, not ${this.name} of ${this.dimensions}`,
          );
        if (encoder.weights !== this.weights)
          throw new EncoderUnavailableError(
            `the model loaded has the weights ${encoder.weights ?? '(unnamed)'}, not ${this.weights ?? '(unnamed)'} as checked at start: restart the bot`,
          );
        return encoder;
      },
      (error: unknown) => {
        throw new EncoderUnavailableError(error instanceof Error ? error.message : String(error), { cause: error });
      },
    );
    return this.loading;
  }

  /**
   * Loads the model now (the service, once ready): true once loaded; a failure is told once and
   * leaves `embed` giving no vectors (false).
   */
  loadOrGiveUp(onFailure: (error: unknown) => void): Promise<boolean> {
    return this.load().then(
      () => true,
      (error: unknown) => {
        this.givenUp = true;
        onFailure(error);
        return false;
      },
    );
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    try {
      return await (await this.load()).embed(texts);
    } catch (error) {
      if (this.givenUp && error instanceof EncoderUnavailableError) return [];
      throw error;
    }
  }
}
