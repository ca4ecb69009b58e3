import { describe, expect, it } from 'vitest';
import { IntentModel, defaultIntentModelSettings } from '../../src/core/answering/intent-model.js';
import { TextAnalyzer } from '../../src/core/answering/text-analyzer.js';
import { runSteps } from '../../src/core/answering/time-slicing.js';

const examples = [
  { text: 'my printer is offline', label: 0 },
  { text: 'the printer jams', label: 0 },
  { text: 'reset my password', label: 1 },
  { text: 'forgot my password', label: 1 },
];

describe('IntentModel', () => {
  it('learns a vocabulary of every feature and vectors of unit length', () => {
    const model = runSteps(IntentModel.learn(examples, 2, new TextAnalyzer()));
    expect(model.trained).toBe(true);
    const vector = model.vector('my printer is offline');
    expect(vector.idx.length).toBeGreaterThan(0);
    expect(vector.known).toBe(1);
    let norm = 0;
    for (const v of vector.val) norm += v * v;
    expect(norm).toBeCloseTo(1, 5);
    expect(model.assess(vector).probabilities[0]).toBeGreaterThan(0.5);
  });

  it('stopped by maxWeights, keeps no vocabulary: a text has no known feature and every probability is 0', () => {
    // The features are numbered as they are read; a model that stops part way must not keep them without their weights.
    const model = runSteps(
      IntentModel.learn(examples, 2, new TextAnalyzer(), { ...defaultIntentModelSettings, maxWeights: 40 }),
    );
    expect(model.trained).toBe(false);
    const vector = model.vector('my printer is offline');
    expect(vector.idx).toHaveLength(0);
    expect(vector.known).toBe(0);
    expect([...model.assess(vector).probabilities]).toEqual([0, 0]);
    expect(IntentModel.fromBytes(model.toBytes(), new TextAnalyzer()).trained).toBe(false);
  });
});
