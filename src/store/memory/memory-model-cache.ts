import type { TrainedModelCache } from '../../core/answering/model-cache.js';

/**
 * The trained model cache in memory (tests, and tools that build an engine more than once): the
 * newest `keep` entries of each kind (the key's part before its "-": answer, triage, keywordsanswer...),
 * as the file store keeps them, so that an engine's other entries never push its model out.
 */
export class MemoryModelCache implements TrainedModelCache {
  private readonly models = new Map<string, Uint8Array>();

  constructor(private readonly keep = 4) {}

  async get(key: string): Promise<Uint8Array | null> {
    const bytes = this.models.get(key);
    if (!bytes) return null;
    // Most recently used last.
    this.models.delete(key);
    this.models.set(key, bytes);
    return bytes;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    this.models.delete(key);
    this.models.set(key, bytes.slice());
    const kind = kindOf(key);
    const same = [...this.models.keys()].filter((other) => kindOf(other) === kind);
    for (const old of same.slice(0, Math.max(0, same.length - this.keep))) this.models.delete(old);
  }

  async drop(key: string): Promise<void> {
    this.models.delete(key);
  }

  get size(): number {
    return this.models.size;
  }
}

function kindOf(key: string): string {
  return key.slice(0, Math.max(0, key.indexOf('-')));
}
