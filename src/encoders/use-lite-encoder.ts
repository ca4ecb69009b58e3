import { existsSync } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type * as TensorFlow from '@tensorflow/tfjs-core';
import { normalize, type SentenceEncoder } from '../core/answering/sentence-encoder.js';
import { SentencePieceTokenizer } from './sentence-piece-tokenizer.js';
import { useLiteFiles } from './use-lite-files.js';

// TensorFlow.js ships CommonJS bundles of about 1 MB each: `import` makes Node scan them for named
// exports first, which more than doubles their share of the start-up; `require` does not.
const require = createRequire(import.meta.url);
const { tf, loadGraphModel } = loadTensorFlow();

/**
 * From dist/, the one file `npm run build` made of TensorFlow.js (dist/vendor: its packages are
 * dev dependencies, not installed in production); from src/ (tsx, tests), the packages.
 */
function loadTensorFlow(): {
  tf: typeof TensorFlow;
  loadGraphModel: typeof import('@tensorflow/tfjs-converter').loadGraphModel;
} {
  const bundled = path.join(import.meta.dirname, '../vendor/tensorflow.cjs');
  if (existsSync(bundled)) {
    const { core, converter } = require(bundled) as {
      core: typeof TensorFlow;
      converter: typeof import('@tensorflow/tfjs-converter');
    };
    return { tf: core, loadGraphModel: converter.loadGraphModel };
  }
  const tf = require('@tensorflow/tfjs-core') as typeof TensorFlow;
  const { loadGraphModel } = require('@tensorflow/tfjs-converter') as typeof import('@tensorflow/tfjs-converter');
  require('@tensorflow/tfjs-backend-wasm');
  return { tf, loadGraphModel };
}

/** Control symbols at the start of the vocabulary (unknown, <s>, </s>, three spares). */
const RESERVED_PIECES = 6;
/** Texts per model call: bounds the tensors' memory on a knowledge base of thousands of phrasings. */
const BATCH = 64;

/**
 * The Universal Sentence Encoder lite (Cer et al. 2018; Apache-2.0), 512 dimensions, run by
 * TensorFlow.js on its WebAssembly backend: about ten times faster than the pure-JavaScript CPU
 * backend, and no native add-on to build. Everything is read from the installed package's files:
 * nothing is fetched, at load or later.
 */
export class UseLiteEncoder implements SentenceEncoder {
  readonly name = 'use-lite';
  readonly dimensions = 512;
  /** Times the model has run (batches), the warm-up at load included: for logs and tests. */
  runs = 0;

  private constructor(
    private readonly model: GraphModel,
    private readonly tokenizer: SentencePieceTokenizer,
    /** Which weights (the package's version and files, see useLiteFiles): the embedding caches key by it. */
    readonly weights: string,
  ) {}

  static async load(): Promise<UseLiteEncoder> {
    const files = await useLiteFiles();
    const { modelJson } = files;
    const [vocabulary, weights] = await Promise.all([
      readFile(files.vocabularyFile, 'utf8').then((text) => JSON.parse(text) as Array<[string, number]>),
      readAll(files.weightFiles),
    ]);
    // Debug checks off: they re-read every tensor for NaNs.
    tf.env().set('PROD', true);
    await tf.setBackend('wasm');
    await tf.ready();
    const model = await loadGraphModel({
      load: () =>
        Promise.resolve({
          modelTopology: modelJson.modelTopology,
          weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
          weightData: weights,
        }),
    });
    const encoder = new UseLiteEncoder(model, new SentencePieceTokenizer(vocabulary, RESERVED_PIECES), files.weights);
    // The model's first run costs several times the next ones (TensorFlow.js sets up its kernels
    // and the graph's execution order, V8 compiles the WebAssembly): paid here, not by the first
    // question after the start (with a warm cache nothing else is embedded before it).
    await encoder.embed(['warm up']);
    return encoder;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      // The WebAssembly backend runs a batch synchronously and its promises settle as microtasks:
      // without a macrotask turn between batches, embedding a knowledge base's phrasings at a cold
      // start held the event loop for seconds (/healthz waited 6.8-8.2 s at CLINC150's size).
      if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      out.push(...(await this.embedBatch(texts.slice(start, start + BATCH))));
    }
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
      this.runs++;
      const output = (await this.model.executeAsync({ indices, values })) as TensorFlow.Tensor;
      const data = (await output.data()) as Float32Array;
      output.dispose();
      return texts.map((_, row) => normalize(data.slice(row * this.dimensions, (row + 1) * this.dimensions)));
    } finally {
      indices.dispose();
      values.dispose();
    }
  }
}

/**
 * The files' bytes one after another in one buffer, read straight into it: reading each file and
 * concatenating copies the 28 MB of weights twice, which took longer than the reading.
 */
async function readAll(files: readonly string[]): Promise<ArrayBuffer> {
  const sizes = await Promise.all(files.map(async (file) => (await stat(file)).size));
  const buffer = new ArrayBuffer(sizes.reduce((sum, size) => sum + size, 0));
  let offset = 0;
  for (const [i, file] of files.entries()) {
    const handle = await open(file);
    try {
      for (let done = 0; done < sizes[i]!;) {
        const { bytesRead } = await handle.read(
          new Uint8Array(buffer, offset + done, sizes[i]! - done),
          0,
          sizes[i]! - done,
          done,
        );
        if (bytesRead === 0) throw new Error(`${file}: shorter than its size (${done} of ${sizes[i]} bytes read)`);
        done += bytesRead;
      }
    } finally {
      await handle.close();
    }
    offset += sizes[i]!;
  }
  return buffer;
}
