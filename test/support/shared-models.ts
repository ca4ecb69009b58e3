import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import type { TrainedModelCache } from '../../src/core/answering/model-cache.js';
import { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { FileModelCache } from '../../src/store/model-cache.js';

/**
 * Models kept of each kind. The run's apps build from a handful of knowledge bases (the bundled
 * one, restricted and hostile copies, edits of reload tests); FileModelCache's default of 3 would
 * have them push each other out.
 */
const KEEP = 40;

/**
 * The trained models every test app of the run shares (answer models per language, the scripts'
 * triggers, triage), on disk in the folder the global setup made (model-cache-global-setup.ts).
 * An app in a fresh data folder would otherwise train them all again: about a second of CPU per app,
 * most of what a core test costs. Sharing cannot change what a test sees: a model is kept under a
 * key of exactly what it was trained on, and one read back answers as the trained one did
 * (test/answering/model-cache.test.ts, which tests the cache itself on folders of its own).
 * Run outside the projects' global setup, each test process has a folder of its own. Made at the
 * first load, not at import: child processes import the helpers beside it (slack-replica-process.ts
 * imports slack.ts), and vitest's inject works only in a test worker.
 */
let shared: TrainedModelCache | undefined;

export function sharedModelCache(): TrainedModelCache {
  shared ??= new FileModelCache(sharedModelCacheDir(), KEEP);
  return shared;
}

function sharedModelCacheDir(): string {
  const provided = inject('testModelCacheDir');
  if (provided) return provided;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helpdesk-test-models-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** LiveKnowledge.load on the run's shared models: for createApp's and startBot's `loadLibrary`. */
export const loadWithSharedModels: typeof LiveKnowledge.load = (dir, thresholds, encoder, options = {}) =>
  LiveKnowledge.load(dir, thresholds, encoder, { ...options, modelCache: sharedModelCache() });

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of the run's shared trained models (see model-cache-global-setup.ts). */
    testModelCacheDir: string;
  }
}
