import { createHash } from 'node:crypto';
import { INTENT_MODEL_FORMAT, IntentModel, type IntentModelSettings } from './intent-model.js';
import { runStepsPaced, type Pacing, type Steps } from './time-slicing.js';
import type { TextAnalyzer } from './text-analyzer.js';

/**
 * Trained answer models kept between starts, by a key that says exactly what they were trained
 * on (see `intentModelKeySteps`): a restart or a reload with the same knowledge base reads the model
 * back instead of training it (CLINC150's size: about 40 s of CPU). A cache may lose anything at
 * any time: `get` answers null for what it does not have, and neither call should throw for a
 * cache that cannot be read or written (the engine trains, and serves, regardless).
 * The file store is src/store/model-cache.ts; the in-memory twin src/store/memory/memory-model-cache.ts.
 */
export interface TrainedModelCache {
  get(key: string): Promise<Uint8Array | null>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The entry under `key` could not be read back (cut short, changed): forget it. */
  drop(key: string): Promise<void>;
}

/** How a build keeps its trained model between starts, and tells what it did. */
export interface ModelCacheOptions {
  /** Where trained models are kept, by what they were trained on (see intentModelKeySteps). */
  modelCache?: TrainedModelCache;
  /** Which model this is ("answer", "triggers", "triage"): the cache keeps the newest few of each. */
  modelKind?: string;
  /** Told where the model came from (`ms`: the read, or the training and the write) and of a cached model that was unusable. */
  progress?: (event: ModelProgress) => void;
}

export type ModelProgress =
  { kind: 'model'; source: 'cache' | 'trained'; ms: number } | { kind: 'warning'; message: string };

/**
 * The model for these examples read from the cache, or undefined (a miss, or an entry that cannot
 * be read back: dropped, with a warning); and the key to store a model trained instead under.
 */
export async function cachedIntentModel(
  ids: readonly string[],
  examples: ReadonlyArray<{ text: string; label: number }>,
  analyzer: TextAnalyzer,
  settings: IntentModelSettings,
  options: ModelCacheOptions & { modelCache: TrainedModelCache },
): Promise<{ key: string; model?: IntentModel }> {
  const key = await runStepsPaced(
    intentModelKeySteps(options.modelKind ?? 'answer', ids, examples, analyzer, settings),
  );
  const started = performance.now();
  const bytes = await options.modelCache.get(key).catch(() => null);
  if (!bytes) return { key };
  try {
    const model = IntentModel.fromBytes(bytes, analyzer);
    if (model.classes !== ids.length) throw new Error(`${model.classes} classes, not ${ids.length}`);
    options.progress?.({ kind: 'model', source: 'cache', ms: Math.round(performance.now() - started) });
    return { key, model };
  } catch (error) {
    options.progress?.({
      kind: 'warning',
      message: `the cached ${options.modelKind ?? 'answer'} model is unusable (${error instanceof Error ? error.message : String(error)}): training it again`,
    });
    await options.modelCache.drop(key).catch(() => {});
    return { key };
  }
}

/** Keeps a model trained after a miss (a cache that cannot be written is told as a warning, and costs only the next start's training). */
export async function keepTrainedModel(
  key: string,
  model: IntentModel,
  trainMs: number,
  options: ModelCacheOptions & { modelCache: TrainedModelCache },
): Promise<void> {
  const started = performance.now();
  if (model.trained) {
    await options.modelCache.put(key, await runStepsPaced(model.toBytesSteps())).catch((error: unknown) =>
      options.progress?.({
        kind: 'warning',
        message: `the trained ${options.modelKind ?? 'answer'} model could not be cached: ${String(error)}`,
      }),
    );
  }
  options.progress?.({ kind: 'model', source: 'trained', ms: Math.round(performance.now() - started + trainMs) });
}

/** IntentModel.learn (paced; `signal` stops it), or the model the cache has for the same examples. */
export async function learnOrLoad(
  ids: readonly string[],
  examples: ReadonlyArray<{ text: string; label: number }>,
  analyzer: TextAnalyzer,
  settings: IntentModelSettings,
  options: ModelCacheOptions & Pick<Pacing, 'signal'> = {},
): Promise<IntentModel> {
  const { modelCache } = options;
  const cached = modelCache
    ? await cachedIntentModel(ids, examples, analyzer, settings, { ...options, modelCache })
    : null;
  if (cached?.model) return cached.model;
  const started = performance.now();
  const model = await runStepsPaced(IntentModel.learn(examples, ids.length, analyzer, settings), {
    signal: options.signal,
  });
  if (cached && modelCache)
    await keepTrainedModel(cached.key, model, performance.now() - started, { ...options, modelCache });
  return model;
}

/**
 * A SHA-256 over values given one by one (`field`), each with its length before it, so that no two
 * different inputs hash the same text; hashed a few thousand at a time (one update per value took
 * 0.1 s for CLINC150's 15,000 phrasings). `digest` gives the hex once every field is in.
 */
export function fieldHash(): { field: (value: string) => void; digest: () => string } {
  const hash = createHash('sha256');
  let pending: string[] = [];
  return {
    field(value) {
      pending.push(`${value.length}:`, value);
      if (pending.length >= 8192) {
        hash.update(pending.join(''));
        pending = [];
      }
    },
    digest() {
      hash.update(pending.join(''));
      return hash.digest('hex');
    },
  };
}

/**
 * The cache key of the model trained on these examples: `<kind>-` and the SHA-256 over the model format version,
 * the analyzer's fingerprint, the settings, the classes' ids (articles, categories) in order and every example's text
 * and label (learned phrasings included: they are examples like the files' questions). Any
 * change to what training reads changes the key.
 */
// As steps (a step per 1,024 examples), run paced by cachedIntentModel.
function* intentModelKeySteps(
  kind: string,
  ids: readonly string[],
  examples: ReadonlyArray<{ text: string; label: number }>,
  analyzer: TextAnalyzer,
  settings: IntentModelSettings,
): Steps<string> {
  const { field, digest } = fieldHash();
  field(`intent-model/${INTENT_MODEL_FORMAT}`);
  field(analyzer.fingerprint());
  field(JSON.stringify(Object.entries(settings).sort(([a], [b]) => (a < b ? -1 : 1))));
  field(String(ids.length));
  for (const id of ids) field(id);
  field(String(examples.length));
  let seen = 0;
  for (const { text, label } of examples) {
    field(String(label));
    field(text);
    if (++seen % 1024 === 0) yield;
  }
  return `${kind.replace(/[^a-z]/g, '') || 'model'}-${digest()}`;
}
