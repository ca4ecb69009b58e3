import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { Logger } from '../../src/core/logger.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { RecordingNotifier } from '../support/test-app.js';

const kb = path.resolve(import.meta.dirname, '../../knowledge-base');
const broken = async () => {
  throw new Error('Cannot load the sentence encoder ENCODER=use-lite: ENOENT model.json');
};

function recordingLogger(): { logger: Logger; warnings: string[] } {
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (_o, message) => warnings.push(String(message)), error() {} };
  return { logger, warnings };
}

describe('the sentence encoder at start-up', () => {
  it('left to its default, a model that cannot load leaves the bot answering from the words alone, at the lexical thresholds, with a warning', async () => {
    const { logger, warnings } = recordingLogger();
    const config = loadConfig({ DATA_DIR: '/nonexistent-unused', KB_DIR: kb });
    expect(config.encoder).toBe('use-lite');
    const app = await createApp(config, logger, new RecordingNotifier(), {
      store: new MemoryStore(),
      loadEncoder: broken,
    });
    try {
      expect(warnings).toContainEqual(
        expect.stringMatching(/sentence encoder could not be loaded: answering from the articles' words alone/),
      );
      const result = await app.knowledge.snapshot.engine.answer('how do I reset my password');
      expect(result.explanation.threshold).toEqual({ answer: 0.295, suggest: 0.07 });
      expect(result.outcome).toBe('answered');
    } finally {
      await app.close();
    }
  });

  it('chosen with ENCODER, a model that cannot load stops start-up with the reason', async () => {
    const { logger } = recordingLogger();
    const config = loadConfig({ DATA_DIR: '/nonexistent-unused', KB_DIR: kb, ENCODER: 'use-lite' });
    await expect(
      createApp(config, logger, new RecordingNotifier(), { store: new MemoryStore(), loadEncoder: broken }),
    ).rejects.toThrow(/Cannot load the sentence encoder ENCODER=use-lite/);
  });
});
