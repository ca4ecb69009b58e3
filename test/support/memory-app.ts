import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { loadEncoder } from '../../src/encoders/encoder-registry.js';
import { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { RecordingNotifier } from './test-app.js';
import { lexicalEnv } from './lexical-env.js';
import { loadWithSharedModels } from './shared-models.js';

/** The app on in-memory ports. */
export type MemoryApp = App<MemoryStore>;

const bundledKb = path.resolve(import.meta.dirname, '../../knowledge-base');

// The store is in memory; what the app still keeps in files (the trained models' and the encoder's
// caches) goes to a folder of this test process's own, never into the checkout.
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'helpdesk-memory-app-'));
process.once('exit', () => rmSync(dataDir, { recursive: true, force: true }));

/** The test configuration: the bundled knowledge base, the store in memory, caches in a temporary folder. */
export function memoryConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    DATA_DIR: dataDir,
    KB_DIR: bundledKb,
    ...lexicalEnv,
    ...env,
  });
}

/**
 * The bundled knowledge base, scripts and engine, built as the app builds them: once per test
 * file (in beforeAll), then handed to every startMemoryApp of the file.
 */
export async function loadTestLibrary(env: Record<string, string> = {}): Promise<LiveKnowledge> {
  const config = memoryConfig(env);
  const encoder = await loadEncoder(config.encoder);
  return loadWithSharedModels(
    config.kbDir,
    config.thresholds,
    encoder && { encoder, cacheDir: config.encoderCacheDir },
  );
}

/**
 * The real app, wired as createApp wires it, on a MemoryStore (a new one, or the one given: the
 * same store under a second app is a restart). Core tests use it; tests of the database itself
 * keep startTestApp.
 */
export async function startMemoryApp(
  options: { library?: LiveKnowledge; store?: MemoryStore; env?: Record<string, string> } = {},
): Promise<{ app: MemoryApp; notifier: RecordingNotifier; store: MemoryStore }> {
  const config = memoryConfig(options.env);
  const store = options.store ?? new MemoryStore();
  const notifier = new RecordingNotifier();
  const library = options.library;
  const app = await createApp(config, silentLogger, notifier, {
    store,
    loadLibrary: library ? async () => library : loadWithSharedModels,
  });
  return { app, notifier, store };
}
