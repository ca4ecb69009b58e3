import type { TrainedModelCache } from '../../core/answering/model-cache.js';

/** The trained model cache in memory (tests, and tools that build an engine more than once): the newest `keep` models of any kind. */
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
    for (const old of this.models.keys()) {
      if (this.models.size <= this.keep) break;
      this.models.delete(old);
    }
  }

  async drop(key: string): Promise<void> {
    this.models.delete(key);
  }

  get size(): number {
    return this.models.size;
  }
}
