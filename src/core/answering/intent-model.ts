import type { TextAnalyzer } from './text-analyzer.js';

/** A sparse, L2-normalised TF-IDF vector: feature ids and their weights. */
export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
  /** Share (0-1) of the text's TF-IDF weight (squared) in features the articles use: low for a text about something else. */
  known: number;
}

export interface IntentModelSettings {
  /** Passes of stochastic gradient descent of the softmax (the confidence's model). */
  epochs: number;
  /** The softmax's learning rate of the first pass; pass e uses rate / (1 + e). */
  learningRate: number;
  /**
   * Passes of the hinge model (the ranking's model). 20 left it short of converged on CLINC150
   * (val, whole engine: right first 93.27% -> 93.37%, best in-scope accuracy at 50%
   * out-of-scope recall 93.10% -> 93.27% with 40); it costs index time only, and only for
   * knowledge bases with many phrasings per article.
   */
  rankingEpochs: number;
  /** The hinge model's learning rate of the first pass; pass e uses rate / (1 + e). */
  rankingLearningRate: number;
  /** The hinge model's L2 penalty per example seen (weight decay): no single rare feature decides. */
  l2: number;
  /** Ranking probabilities are softmax(scale x hinge score): a margin of 1 (what the training asks for) is worth a factor e^scale. */
  scale: number;
  /** The hinge model's share of the ranking grows from 0 at this many phrasings per article on average... */
  rankingFrom: number;
  /** ...to 1 at this many (the softmax ranks better from a few phrasings, the hinge model from many). */
  rankingFull: number;
  /** Above this many weights (features x articles) the model is not trained; see `trained`. */
  maxWeights: number;
}

export const defaultIntentModelSettings: IntentModelSettings = { epochs: 15, learningRate: 4, rankingEpochs: 40, rankingLearningRate: 1, l2: 3e-5, scale: 10, rankingFrom: 10, rankingFull: 50, maxWeights: 16_000_000 };

/**
 * Two linear classifiers over the articles, trained when the index is built on the ways each
 * article is asked (its questions and title), one class per article, on the same TF-IDF features of words, word pairs and character n-grams (TextAnalyzer.features). It learns
 * which words tell articles apart, including words a stopword list would drop ("how old are
 * you" against "how are you"), and gives a probability per article, the basis of the answer's
 * confidence.
 * The softmax (multinomial logistic regression) gives probabilities; a multiclass hinge model
 * (Crammer-Singer, with L2) joins in when articles have many phrasings (rankingFrom/rankingFull):
 * on CLINC150 (100 per intent) it puts the right article first more often (92.9% against 92.0%,
 * val, at the time it was added), but with about ten phrasings per article (the bundled knowledge base, CLINC150 with 10
 * shots) the softmax ranks better. The blend of the two (rankingProbabilities) both ranks and
 * makes the confidence; with few phrasings it is the softmax alone, on which the bot's
 * thresholds were calibrated.
 *
 * Weights are dense features x articles matrices. A knowledge base too large for it
 * (`maxWeights`, 64 MB each) gets no model (`trained` is false): the engine then ranks and
 * calibrates with the keyword search alone, as it did before the model existed.
 */
export class IntentModel {
  private readonly vocabulary = new Map<string, number>();
  private idf: Float32Array = new Float32Array(0);
  private unknownIdf = 1;
  /** Weights, feature-major: weights[feature * classes + class]. */
  private weights: Float32Array = new Float32Array(0);
  private bias: Float32Array;
  /** The hinge model's weights and bias, laid out as `weights` and `bias`. */
  private rankingWeights: Float32Array = new Float32Array(0);
  private rankingBias: Float32Array;
  private readonly scale: number;
  /** The hinge model's share (0-1) of the ranking, from the phrasings per article; 0 means it is not trained. */
  readonly rankingShare: number;
  readonly trained: boolean;

  constructor(
    examples: ReadonlyArray<{ text: string; label: number }>,
    readonly classes: number,
    private readonly analyzer: TextAnalyzer,
    settings: IntentModelSettings = defaultIntentModelSettings,
  ) {
    this.bias = new Float32Array(classes);
    this.rankingBias = new Float32Array(classes);
    this.scale = settings.scale;
    const perArticle = classes > 0 ? examples.length / classes : 0;
    this.rankingShare = Math.min(1, Math.max(0, (perArticle - settings.rankingFrom) / Math.max(1e-9, settings.rankingFull - settings.rankingFrom)));
    const featureLists: string[][] = [];
    const df = new Map<string, number>();
    let fits = classes > 1;
    for (const example of examples) {
      if (!fits) break;
      const features = analyzer.features(example.text);
      featureLists.push(features);
      for (const key of new Set(features)) df.set(key, (df.get(key) ?? 0) + 1);
      // Stop as soon as the weight matrix would be too large: no time or memory is spent on a model that cannot be trained.
      fits = df.size * classes <= settings.maxWeights;
    }
    this.trained = fits;
    if (!fits) return;
    for (const key of df.keys()) this.vocabulary.set(key, this.vocabulary.size);
    const n = examples.length;
    this.idf = new Float32Array(this.vocabulary.size);
    for (const [key, id] of this.vocabulary) this.idf[id] = Math.log((n + 1) / ((df.get(key) ?? 0) + 1)) + 1;
    this.unknownIdf = Math.log(n + 1) + 1;
    const vectors = featureLists.map((features) => this.vectorOf(features));
    const labels = Int32Array.from(examples.map((e) => e.label));
    // With the hinge model ranking alone (rankingShare 1) the softmax would be trained for nothing:
    // it is left out, and the hinge model's probabilities stand in for it (CLINC150, 100 phrasings
    // per article: 21 of the 60 seconds the model took to train).
    if (this.rankingShare < 1) this.trainSoftmax(vectors, labels, settings);
    if (this.rankingShare > 0) this.trainHinge(vectors, labels, settings);
  }

  /** The TF-IDF vector of a text; unknown features count in the norm (they make the text less like any article) but carry no weight. */
  vector(text: string): SparseVector {
    return this.vectorOf(this.analyzer.features(text));
  }

  /** Probability of each article for a text (sums to 1), or all zeros when the text has no known feature or the model is not trained: the softmax's, or the hinge model's when it ranks alone (rankingShare 1). */
  probabilities(vector: SparseVector): Float64Array {
    if (this.rankingShare >= 1) return this.score(vector, this.rankingWeights, this.rankingBias, this.scale);
    return this.score(vector, this.weights, this.bias, 1);
  }

  /**
   * What orders the articles: the hinge model's softmax(scale x score) and the softmax's
   * probabilities, mixed by `rankingShare`. Given the softmax's probabilities of the same vector.
   */
  rankingProbabilities(vector: SparseVector, probabilities: Float64Array): Float64Array {
    // Nothing to mix: the softmax alone, or (rankingShare 1) `probabilities` are already the hinge model's.
    if (this.rankingShare === 0 || this.rankingShare >= 1) return probabilities;
    const hinge = this.score(vector, this.rankingWeights, this.rankingBias, this.scale);
    for (let k = 0; k < hinge.length; k++) hinge[k] = this.rankingShare * hinge[k]! + (1 - this.rankingShare) * probabilities[k]!;
    return hinge;
  }

  private score(vector: SparseVector, weights: Float32Array, bias: Float32Array, scale: number): Float64Array {
    const scores = new Float64Array(this.classes);
    if (!this.trained || vector.idx.length === 0) return scores;
    const c = this.classes;
    for (let k = 0; k < c; k++) scores[k] = bias[k]!;
    for (let j = 0; j < vector.idx.length; j++) {
      const offset = vector.idx[j]! * c;
      const x = vector.val[j]!;
      for (let k = 0; k < c; k++) scores[k]! += x * weights[offset + k]!;
    }
    if (scale !== 1) for (let k = 0; k < c; k++) scores[k]! *= scale;
    return softmaxInPlace(scores);
  }

  private vectorOf(features: string[]): SparseVector {
    const counts = new Map<string, number>();
    for (const key of features) counts.set(key, (counts.get(key) ?? 0) + 1);
    const idx: number[] = [];
    const val: number[] = [];
    let norm = 0;
    for (const [key, tf] of counts) {
      const id = this.vocabulary.get(key);
      const weight = (1 + Math.log(tf)) * (id === undefined ? this.unknownIdf : this.idf[id]!);
      norm += weight * weight;
      if (id === undefined) continue;
      idx.push(id);
      val.push(weight);
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    let known = 0;
    for (const v of val) known += v * v;
    return { idx: Int32Array.from(idx), val: Float32Array.from(val, (v) => v * scale), known: norm > 0 ? known / norm : 0 };
  }

  /** Stochastic gradient descent on the softmax cross-entropy, in a fixed pseudo-random order (same data, same model). */
  private trainSoftmax(vectors: SparseVector[], labels: Int32Array, settings: IntentModelSettings): void {
    const c = this.classes;
    this.weights = new Float32Array(this.vocabulary.size * c);
    const order = Int32Array.from(vectors.keys());
    const scores = new Float64Array(c);
    const active = new Int32Array(c);
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      const rate = settings.learningRate / (1 + epoch);
      for (const example of order) {
        const v = vectors[example]!;
        for (let k = 0; k < c; k++) scores[k] = this.bias[k]!;
        for (let j = 0; j < v.idx.length; j++) {
          const offset = v.idx[j]! * c;
          const x = v.val[j]!;
          for (let k = 0; k < c; k++) scores[k]! += x * this.weights[offset + k]!;
        }
        softmaxInPlace(scores);
        scores[labels[example]!]! -= 1;
        // Only classes with a gradient worth applying are updated: after a few passes that is a handful.
        let n = 0;
        for (let k = 0; k < c; k++) if (scores[k]! > 1e-4 || scores[k]! < -1e-4) active[n++] = k;
        for (let a = 0; a < n; a++) {
          const k = active[a]!;
          this.bias[k]! -= rate * scores[k]!;
        }
        for (let j = 0; j < v.idx.length; j++) {
          const offset = v.idx[j]! * c;
          const x = rate * v.val[j]!;
          for (let a = 0; a < n; a++) {
            const k = active[a]!;
            this.weights[offset + k]! -= x * scores[k]!;
          }
        }
      }
    }
  }

  /**
   * Stochastic gradient descent on the multiclass hinge loss (Crammer and Singer): when the
   * right article does not beat the best wrong one by a margin of 1, the example's features move
   * towards the right article and away from that wrong one. Every step also shrinks all weights
   * a little (L2, kept as one scale factor so that the step stays sparse). Fixed pseudo-random
   * order: same data, same model.
   */
  private trainHinge(vectors: SparseVector[], labels: Int32Array, settings: IntentModelSettings): void {
    const c = this.classes;
    const weights = new Float32Array(this.vocabulary.size * c);
    const bias = this.rankingBias;
    const order = Int32Array.from(vectors.keys());
    const scores = new Float64Array(c);
    let scale = 1;
    let seed = 12345;
    const random = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (let epoch = 0; epoch < settings.rankingEpochs; epoch++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
      const rate = settings.rankingLearningRate / (1 + epoch);
      for (const example of order) {
        const v = vectors[example]!;
        for (let k = 0; k < c; k++) scores[k] = bias[k]!;
        for (let j = 0; j < v.idx.length; j++) {
          const offset = v.idx[j]! * c;
          const x = v.val[j]!;
          for (let k = 0; k < c; k++) scores[k]! += x * weights[offset + k]!;
        }
        const right = labels[example]!;
        let wrong = -1;
        let wrongScore = -Infinity;
        for (let k = 0; k < c; k++) {
          if (k !== right && scores[k]! > wrongScore) {
            wrongScore = scores[k]!;
            wrong = k;
          }
        }
        const violated = (scores[right]! - wrongScore) * scale < 1;
        scale *= 1 - rate * settings.l2;
        if (!violated) continue;
        const step = rate / scale;
        bias[right]! += step;
        bias[wrong]! -= step;
        for (let j = 0; j < v.idx.length; j++) {
          const offset = v.idx[j]! * c;
          const x = step * v.val[j]!;
          weights[offset + right]! += x;
          weights[offset + wrong]! -= x;
        }
      }
    }
    for (let q = 0; q < weights.length; q++) weights[q]! *= scale;
    for (let k = 0; k < c; k++) bias[k]! *= scale;
    this.rankingWeights = weights;
  }
}

function softmaxInPlace(scores: Float64Array): Float64Array {
  let max = -Infinity;
  for (const s of scores) if (s > max) max = s;
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    scores[k] = Math.exp(scores[k]! - max);
    sum += scores[k]!;
  }
  for (let k = 0; k < scores.length; k++) scores[k]! /= sum;
  return scores;
}
