import { describe, expect, it, vi } from 'vitest';
import { encoderChoices, loadEncoder } from '../../src/encoders/encoder-registry.js';

// A model that cannot be read (a half-installed package): start-up must say what to do.
vi.mock('../../src/encoders/use-lite-encoder.js', () => ({
  UseLiteEncoder: { load: () => Promise.reject(new Error("ENOENT: no such file or directory, open '.../model.json'")) },
}));

describe('the encoder registry', () => {
  it('offers none and each registered encoder', () => {
    expect(encoderChoices).toEqual(['none', 'use-lite']);
  });

  it('loads nothing for none', async () => {
    await expect(loadEncoder('none')).resolves.toBeNull();
  });

  it('says which encoder failed, why, and how to go on without it', async () => {
    await expect(loadEncoder('use-lite')).rejects.toThrow(
      "Cannot load the sentence encoder ENCODER=use-lite: ENOENT: no such file or directory, open '.../model.json'. Reinstall the packages (npm ci), or set ENCODER=none to answer without it.",
    );
  });
});
