import { crc32 } from 'node:zlib';
import { EXAMPLES_PER_STEP, runSteps, type Steps } from './time-slicing.js';
import type { TextAnalyzer } from './text-analyzer.js';

const EMPTY_IDS = new Int32Array(0);

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
   * Passes of the hinge model (the ranking's model). Fewer leave it short of converged on
   * knowledge bases with many phrasings per article (the only ones that train it); more cost
   * index time only.
   */
  rankingEpochs: number;
  /** The hinge model's learning rate of the first pass; pass e uses rate / (1 + e). */
  rankingLearningRate: number;
  /** The hinge model's L2 penalty per example seen (weight decay): no single rare feature decides. */
  l2: number;
  /** Ranking probabilities are softmax(scale x hinge score): a margin of 1 (what the training asks for) is worth a factor e^scale. */
  scale: number;
  /**
   * The hinge model's share of the ranking grows from 0 at this many phrasings per article on average...
   * (20, not 10: with 10-20 phrasings its small share moved the ranking by tenths of a point either way and
   * cost most of the index time; figures in the commit log).
   */
  rankingFrom: number;
  /** ...to 1 at this many (the softmax ranks better from a few phrasings, the hinge model from many). */
  rankingFull: number;
  /** Hidden units of the neural network that joins the ranking with many phrasings per article (0: no network). */
  networkHidden: number;
  /** Passes of the network's training; pass e uses networkLearningRate / (1 + e / 2). */
  networkEpochs: number;
  networkLearningRate: number;
  /** Share of hidden units switched off at random in each training step (dropout), so that no unit is relied on alone. */
  networkDropout: number;
  /** Standard deviation of the network's first-layer weights at the start. */
  networkInit: number;
  /** The network's share of the ranking model (the hinge model has the rest). */
  networkShare: number;
  /** The network is trained only when the ranking model's share (rankingShare) is at least this: below, it would cost index time for next to no say. */
  networkFrom: number;
  /** Above this many weights (features x articles) the model is not trained; see `trained`. */
  maxWeights: number;
}

export const defaultIntentModelSettings: IntentModelSettings = {
  epochs: 15,
  learningRate: 4,
  rankingEpochs: 40,
  rankingLearningRate: 1,
  l2: 3e-5,
  scale: 10,
  rankingFrom: 20,
  rankingFull: 50,
  networkHidden: 512,
  networkEpochs: 12,
  networkLearningRate: 0.3,
  networkDropout: 0.3,
  networkInit: 0.05,
  networkShare: 0.45,
  networkFrom: 0.5,
  maxWeights: 16_000_000,
};

/**
 * Two linear classifiers over the articles, trained when the index is built on the ways each
 * article is asked (its questions and title), one class per article, on the same TF-IDF features of words, word pairs and character n-grams (TextAnalyzer.features). It learns
 * which words tell articles apart, including words a stopword list would drop ("how old are
 * you" against "how are you"), and gives a probability per article, the basis of the answer's
 * confidence.
 * The softmax (multinomial logistic regression) gives probabilities; a multiclass hinge model
 * (Crammer-Singer, with L2) joins in when articles have many phrasings (rankingFrom/rankingFull):
 * with many phrasings per article it puts the right article first more often, but with about ten
 * per article (the bundled knowledge base) the softmax ranks better. With the hinge model comes a neural network over whole words
 * and word pairs (WordNetwork), which makes different mistakes; the hinge model and the network
 * rank together. The blend (assess) both ranks and makes the confidence; with few phrasings it is
 * the softmax alone, on which the bot's thresholds were calibrated.
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
  /** The network over words and word pairs (see WordNetwork); null when it is not trained. */
  private network: WordNetwork | null = null;
  private readonly networkShare: number;
  /** The hinge model's share (0-1) of the ranking, from the phrasings per article; 0 means it is not trained. */
  readonly rankingShare: number;

  private trainedFlag = false;

  private constructor(
    readonly classes: number,
    private readonly analyzer: TextAnalyzer,
    scale: number,
    networkShare: number,
    rankingShare: number,
  ) {
    this.bias = new Float32Array(classes);
    this.rankingBias = new Float32Array(classes);
    this.scale = scale;
    this.networkShare = networkShare;
    this.rankingShare = rankingShare;
  }

  /** Whether the model was trained: false for fewer than two articles or a knowledge base too large (`maxWeights`). */
  get trained(): boolean {
    return this.trainedFlag;
  }

  /** Trains a model on the examples; a generator that yields now and then (see steps.ts). */
  static *learn(
    examples: ReadonlyArray<{ text: string; label: number }>,
    classes: number,
    analyzer: TextAnalyzer,
    settings: IntentModelSettings = defaultIntentModelSettings,
  ): Steps<IntentModel> {
    // Phrasings per article on average decide which models are trained.
    const perArticle = classes > 0 ? examples.length / classes : 0;
    const rankingShare = Math.min(
      1,
      Math.max(0, (perArticle - settings.rankingFrom) / Math.max(1e-9, settings.rankingFull - settings.rankingFrom)),
    );
    const model = new IntentModel(classes, analyzer, settings.scale, settings.networkShare, rankingShare);
    // Each example's features as vocabulary ids (numbered in the order of first use), not as the
    // strings: kept as strings until the vocabulary was complete, they were most of a build's
    // memory (at 10,000 generated articles triage's 110,000 examples held about 30 million).
    const featureIds: Int32Array[] = [];
    const df: number[] = [];
    const lastExample: number[] = [];
    let fits = classes > 1;
    for (const example of examples) {
      if (!fits) break;
      const features = analyzer.features(example.text);
      const ids = new Int32Array(features.length);
      const e = featureIds.length;
      for (let i = 0; i < features.length; i++) {
        const key = features[i]!;
        let id = model.vocabulary.get(key);
        if (id === undefined) {
          id = model.vocabulary.size;
          model.vocabulary.set(key, id);
          df.push(0);
          lastExample.push(-1);
        }
        ids[i] = id;
        if (lastExample[id] !== e) {
          lastExample[id] = e;
          df[id]!++;
        }
      }
      featureIds.push(ids);
      // Stop as soon as the weight matrix would be too large: no time or memory is spent on a model that cannot be trained.
      fits = model.vocabulary.size * classes <= settings.maxWeights;
      if (featureIds.length % EXAMPLES_PER_STEP === 0) yield;
    }
    if (!fits) {
      model.vocabulary.clear();
      return model;
    }
    const n = examples.length;
    model.idf = new Float32Array(model.vocabulary.size);
    for (let id = 0; id < df.length; id++) model.idf[id] = Math.log((n + 1) / (df[id]! + 1)) + 1;
    model.unknownIdf = Math.log(n + 1) + 1;
    const vectors: SparseVector[] = [];
    const counts = new Uint32Array(model.vocabulary.size);
    const order = new Int32Array(model.vocabulary.size);
    for (let e = 0; e < featureIds.length; e++) {
      vectors.push(model.vectorOfIds(featureIds[e]!, counts, order));
      featureIds[e] = EMPTY_IDS;
      if (vectors.length % EXAMPLES_PER_STEP === 0) yield;
    }
    const labels = Int32Array.from(examples.map((e) => e.label));
    // With the hinge model ranking alone (rankingShare 1) the softmax would be trained for nothing:
    // it is left out (a third of the training time), and the hinge model's probabilities stand in for it.
    if (model.rankingShare < 1) yield* model.trainSoftmax(vectors, labels, settings);
    if (model.rankingShare > 0) {
      yield* model.trainHinge(vectors, labels, settings);
      if (settings.networkHidden > 0 && settings.networkShare > 0 && model.rankingShare >= settings.networkFrom) {
        const network = WordNetwork.create(model.vocabulary, classes, settings);
        if (network) {
          yield* network.train(vectors, labels, settings);
          model.network = network;
        }
      }
    }
    model.trainedFlag = true;
    return model;
  }

  /**
   * The trained model as bytes, to be read back with `fromBytes` (a cache on disk: a restart with
   * the same knowledge base skips the training). Layout: "HDIM", the format version, the length
   * of a JSON header (sizes, settings the model answers with, the vocabulary in id order), the
   * header, the typed arrays (little-endian, each at a multiple of 4 bytes), and the CRC-32 of
   * all that: a file cut short or changed is refused, never half read. (A CRC, not SHA-256: it
   * guards against damage, not forgery, and reads CLINC150's 94 MB model in about 70 ms instead of 200.)
   */
  toBytes(): Uint8Array {
    return runSteps(this.toBytesSteps());
  }

  /**
   * toBytes as steps (the same bytes): the vocabulary's JSON a few thousand terms at a time, the
   * arrays and their CRC a megabyte at a time. Triage's model at 10,000 articles is 66 MB, written
   * in one go for 0.2 s.
   */
  *toBytesSteps(): Steps<Uint8Array> {
    const arrays: Array<[string, Float32Array | Int32Array]> = [
      ['idf', this.idf],
      ['weights', this.weights],
      ['bias', this.bias],
      ['rankingWeights', this.rankingWeights],
      ['rankingBias', this.rankingBias],
      ...(this.network
        ? Object.entries(this.network.parts()).map(
            ([name, array]) => [`network.${name}`, array] as [string, Float32Array | Int32Array],
          )
        : []),
    ];
    const header: Omit<ModelHeader, 'vocabulary' | 'arrays'> = {
      classes: this.classes,
      scale: this.scale,
      networkShare: this.networkShare,
      rankingShare: this.rankingShare,
      unknownIdf: this.unknownIdf,
      trained: this.trainedFlag,
      network: this.network ? { hidden: this.network.hidden } : null,
    };
    const described: ModelHeader['arrays'] = arrays.map(([name, array]) => [
      name,
      array instanceof Int32Array ? 'i32' : 'f32',
      array.length,
    ]);
    // JSON.stringify({ ...header, vocabulary, arrays }), written in parts: the same text.
    const terms: string[] = [];
    let slice: string[] = [];
    for (const term of this.vocabulary.keys()) {
      slice.push(term);
      if (slice.length === 4096) {
        terms.push(JSON.stringify(slice).slice(1, -1));
        slice = [];
        yield;
      }
    }
    if (slice.length > 0) terms.push(JSON.stringify(slice).slice(1, -1));
    const text = `${JSON.stringify(header).slice(0, -1)},"vocabulary":[${terms.join(',')}],"arrays":${JSON.stringify(described)}}`;
    yield;
    const json = new TextEncoder().encode(text);
    yield;
    const start = align4(HEADER_AT + json.length);
    const body = arrays.reduce((sum, [, array]) => sum + array.byteLength, 0);
    const out = new Uint8Array(start + body + CHECKSUM_BYTES);
    const view = new DataView(out.buffer);
    out.set(MAGIC, 0);
    view.setUint32(4, INTENT_MODEL_FORMAT, true);
    view.setUint32(8, json.length, true);
    out.set(json, HEADER_AT);
    let at = start;
    let crc = crc32(out.subarray(0, at));
    for (const [, array] of arrays) {
      const bytes = littleEndianBytes(array);
      for (let from = 0; from < bytes.length; from += 1 << 20) {
        const part = bytes.subarray(from, from + (1 << 20));
        out.set(part, at);
        crc = crc32(part, crc);
        at += part.length;
        yield;
      }
    }
    new DataView(out.buffer).setUint32(at, crc, true);
    return out;
  }

  /**
   * A model read back from `toBytes`, answering with `analyzer` (the one it was trained with:
   * the cache's key says so). Throws ModelFormatError for bytes that are not a whole model of
   * this format version (cut short, changed, another version). The model's arrays are views on
   * `bytes` where they are aligned (no copy of CLINC150's 94 MB): the bytes must not change afterwards.
   */
  static fromBytes(bytes: Uint8Array, analyzer: TextAnalyzer): IntentModel {
    if (bytes.length < HEADER_AT + CHECKSUM_BYTES || MAGIC.some((b, i) => bytes[i] !== b))
      throw new ModelFormatError('not an intent model');
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const format = view.getUint32(4, true);
    if (format !== INTENT_MODEL_FORMAT) throw new ModelFormatError(`format ${format}, not ${INTENT_MODEL_FORMAT}`);
    const end = bytes.length - CHECKSUM_BYTES;
    if (crc32(bytes.subarray(0, end)) !== view.getUint32(end, true))
      throw new ModelFormatError('checksum mismatch (cut short or changed)');
    const jsonLength = view.getUint32(8, true);
    if (HEADER_AT + jsonLength > end) throw new ModelFormatError('header past the end');
    let header: ModelHeader;
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(HEADER_AT, HEADER_AT + jsonLength))) as ModelHeader;
    } catch {
      throw new ModelFormatError('unreadable header');
    }
    if (
      !Number.isInteger(header.classes) ||
      header.classes < 0 ||
      !Array.isArray(header.vocabulary) ||
      !Array.isArray(header.arrays) ||
      !(header.network === null || Number.isInteger(header.network.hidden))
    ) {
      throw new ModelFormatError('header of the wrong shape');
    }
    const arrays = new Map<string, Float32Array | Int32Array>();
    let at = align4(HEADER_AT + jsonLength);
    for (const [name, type, length] of header.arrays) {
      const byteLength = 4 * length;
      if (!Number.isInteger(length) || length < 0 || at + byteLength > end)
        throw new ModelFormatError(`array ${name} past the end`);
      let array: Float32Array | Int32Array;
      if (!BIG_ENDIAN && (bytes.byteOffset + at) % 4 === 0) {
        const offset = bytes.byteOffset + at;
        array =
          type === 'i32'
            ? new Int32Array(bytes.buffer, offset, length)
            : new Float32Array(bytes.buffer, offset, length);
      } else {
        array = type === 'i32' ? new Int32Array(length) : new Float32Array(length);
        new Uint8Array(array.buffer).set(bytes.subarray(at, at + byteLength));
        if (BIG_ENDIAN) swapBytes(array);
      }
      arrays.set(name, array);
      at += byteLength;
    }
    if (at !== end) throw new ModelFormatError('length does not match the header');
    const f32 = (name: string, length: number): Float32Array => {
      const array = arrays.get(name);
      if (!(array instanceof Float32Array) || array.length !== length)
        throw new ModelFormatError(`array ${name} missing or of the wrong size`);
      return array;
    };
    const { classes } = header;
    const features = header.vocabulary.length;
    const model = new IntentModel(classes, analyzer, header.scale, header.networkShare, header.rankingShare);
    header.vocabulary.forEach((key, id) => model.vocabulary.set(key, id));
    model.unknownIdf = header.unknownIdf;
    model.trainedFlag = header.trained;
    model.idf = f32('idf', header.trained ? features : (arrays.get('idf')?.length ?? 0));
    const weights = arrays.get('weights')?.length ?? 0;
    model.weights = f32('weights', weights === 0 ? 0 : features * classes);
    model.bias = f32('bias', classes);
    const rankingWeights = arrays.get('rankingWeights')?.length ?? 0;
    model.rankingWeights = f32('rankingWeights', rankingWeights === 0 ? 0 : features * classes);
    model.rankingBias = f32('rankingBias', classes);
    if (header.network) {
      const row = arrays.get('network.row');
      if (!(row instanceof Int32Array) || row.length !== features)
        throw new ModelFormatError('array network.row missing or of the wrong size');
      const inputs = row.reduce((most, r) => Math.max(most, r + 1), 0);
      const hidden = header.network.hidden;
      model.network = WordNetwork.fromParts(row, classes, hidden, {
        input: f32('network.input', inputs * hidden),
        inputBias: f32('network.inputBias', hidden),
        output: f32('network.output', hidden * classes),
        outputBias: f32('network.outputBias', classes),
      });
    }
    return model;
  }

  /** The TF-IDF vector of a text; unknown features count in the norm (they make the text less like any article) but carry no weight. */
  vector(text: string): SparseVector {
    return this.vectorOf(this.analyzer.features(text));
  }

  /**
   * The model's view of a text, computed once per question:
   * - `probabilities`: the softmax's probability of each article (sums to 1), or the ranking's
   *   when the softmax is not trained (rankingShare 1); all zeros when the text has no known
   *   feature or the model is not trained;
   * - `ranking`: what orders the articles: the ranking model (the hinge model's softmax(scale x
   *   score), mixed with the network's probabilities when there is a network) and the softmax,
   *   mixed by `rankingShare`;
   * - `confidence`: what the answer's confidence is made from, mixed the same way, but with the
   *   hinge model's probability tempered by the network's agreement (hinge x sqrt(network))
   *   instead of the mix: the network is sure of itself on questions no article answers too, so
   *   a confidence from the mix separates in-scope from out-of-scope questions worse.
   * Without a network, `ranking` and `confidence` are the same array; with few phrasings (no
   * hinge model) all three are the softmax's.
   */
  assess(
    vector: SparseVector,
    allowed?: Uint8Array,
  ): { probabilities: Float64Array; ranking: Float64Array; confidence: Float64Array } {
    const share = this.rankingShare;
    const softmax = share < 1 ? conditioned(this.score(vector, this.weights, this.bias, 1), allowed) : null;
    if (share === 0) return { probabilities: softmax!, ranking: softmax!, confidence: softmax! };
    const hinge = conditioned(this.score(vector, this.rankingWeights, this.rankingBias, this.scale), allowed);
    const network =
      this.network && vector.idx.length > 0 ? conditioned(this.network.probabilities(vector), allowed) : null;
    const ranking = new Float64Array(this.classes);
    const confidence = network ? new Float64Array(this.classes) : ranking;
    for (let k = 0; k < this.classes; k++) {
      const h = hinge[k]!;
      const s = softmax ? softmax[k]! : 0;
      ranking[k] =
        share * (network ? (1 - this.networkShare) * h + this.networkShare * network[k]! : h) + (1 - share) * s;
      if (network) confidence[k] = share * h * Math.sqrt(network[k]!) + (1 - share) * s;
    }
    return { probabilities: softmax ?? ranking, ranking, confidence };
  }

  private score(vector: SparseVector, weights: Float32Array, bias: Float32Array, scale: number): Float64Array {
    const scores = new Float64Array(this.classes);
    if (!this.trained || vector.idx.length === 0) return scores;
    const c = this.classes;
    linearScores(vector, weights, bias, scores);
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
    return {
      idx: Int32Array.from(idx),
      val: Float32Array.from(val, (v) => v * scale),
      known: norm > 0 ? known / norm : 0,
    };
  }

  /**
   * vectorOf for features given as vocabulary ids (every one known), with the same arithmetic in
   * the same order: the same vector to the last bit. `counts` (zeros) and `order` are scratch
   * space of the vocabulary's size; `counts` is left as zeros.
   */
  private vectorOfIds(ids: Int32Array, counts: Uint32Array, order: Int32Array): SparseVector {
    let distinct = 0;
    for (let i = 0; i < ids.length; i++) if (counts[ids[i]!]!++ === 0) order[distinct++] = ids[i]!;
    const idx = new Int32Array(distinct);
    const weights = new Float64Array(distinct);
    let norm = 0;
    for (let t = 0; t < distinct; t++) {
      const id = order[t]!;
      const weight = (1 + Math.log(counts[id]!)) * this.idf[id]!;
      counts[id] = 0;
      norm += weight * weight;
      idx[t] = id;
      weights[t] = weight;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    let known = 0;
    for (let t = 0; t < distinct; t++) known += weights[t]! * weights[t]!;
    return { idx, val: Float32Array.from(weights, (v) => v * scale), known: norm > 0 ? known / norm : 0 };
  }

  /** Stochastic gradient descent on the softmax cross-entropy, in a fixed pseudo-random order (same data, same model). */
  private *trainSoftmax(vectors: SparseVector[], labels: Int32Array, settings: IntentModelSettings): Steps<void> {
    const c = this.classes;
    this.weights = new Float32Array(this.vocabulary.size * c);
    const order = Int32Array.from(vectors.keys());
    const scores = new Float64Array(c);
    const active = new Int32Array(c);
    const random = seededRandom(12345);
    let seen = 0;
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      shuffle(order, random);
      const rate = settings.learningRate / (1 + epoch);
      for (const example of order) {
        if (++seen % EXAMPLES_PER_STEP === 0) yield;
        const v = vectors[example]!;
        linearScores(v, this.weights, this.bias, scores);
        softmaxInPlace(scores);
        scores[labels[example]!]! -= 1;
        const n = classesToUpdate(scores, active);
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
  private *trainHinge(vectors: SparseVector[], labels: Int32Array, settings: IntentModelSettings): Steps<void> {
    const c = this.classes;
    const weights = new Float32Array(this.vocabulary.size * c);
    const bias = this.rankingBias;
    const order = Int32Array.from(vectors.keys());
    const scores = new Float64Array(c);
    let scale = 1;
    const random = seededRandom(12345);
    let seen = 0;
    for (let epoch = 0; epoch < settings.rankingEpochs; epoch++) {
      shuffle(order, random);
      const rate = settings.rankingLearningRate / (1 + epoch);
      for (const example of order) {
        if (++seen % EXAMPLES_PER_STEP === 0) yield;
        const v = vectors[example]!;
        linearScores(v, weights, bias, scores);
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

/**
 * The byte layout of IntentModel.toBytes. Raise it whenever the layout, or what training does
 * with the same examples (features, training loops, settings' meaning), changes: cached models of
 * another version are then retrained, never read. 2: a CRC-32 instead of format 1's SHA-256.
 */
export const INTENT_MODEL_FORMAT = 2;

/** Bytes that are not a whole model of this format (see IntentModel.fromBytes). */
export class ModelFormatError extends Error {
  override readonly name = 'ModelFormatError';
}

interface ModelHeader {
  classes: number;
  scale: number;
  networkShare: number;
  rankingShare: number;
  unknownIdf: number;
  trained: boolean;
  network: { hidden: number } | null;
  vocabulary: string[];
  arrays: Array<[name: string, type: 'f32' | 'i32', length: number]>;
}

const MAGIC = [0x48, 0x44, 0x49, 0x4d]; // "HDIM"
const HEADER_AT = 12;
/** The CRC-32 of everything before it, little-endian (format 1 had a SHA-256 of 32 bytes). */
const CHECKSUM_BYTES = 4;
const BIG_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** The array's bytes, little-endian whatever the machine. */
function littleEndianBytes(array: Float32Array | Int32Array): Uint8Array {
  if (!BIG_ENDIAN) return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  const copy = array.slice();
  swapBytes(copy);
  return new Uint8Array(copy.buffer);
}

function swapBytes(array: Float32Array | Int32Array): void {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let i = 0; i < bytes.length; i += 4) {
    [bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3]] = [bytes[i + 3]!, bytes[i + 2]!, bytes[i + 1]!, bytes[i]!];
  }
}

/**
 * With `allowed` (1 for each article the asker may be given), each model's distribution
 * conditioned on the allowed articles: the hidden ones' probabilities are zero and the rest
 * renormalised to sum to 1, as if the hidden articles were not there. The blend is made of the
 * conditioned parts, so what the asker sees never depends on how sure the model was of an article
 * they cannot see. In place; all zeros stays all zeros.
 */
function conditioned(probabilities: Float64Array, allowed: Uint8Array | undefined): Float64Array {
  if (!allowed) return probabilities;
  let sum = 0;
  for (let k = 0; k < probabilities.length; k++) {
    if (allowed[k] === 1) sum += probabilities[k]!;
    else probabilities[k] = 0;
  }
  if (sum > 0) for (let k = 0; k < probabilities.length; k++) probabilities[k]! /= sum;
  return probabilities;
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

/**
 * A neural network with one hidden layer of rectified linear units over the text's words and
 * word pairs only (the "w:" and "b:" features, TF-IDF weighted, L2-normalised among themselves),
 * trained with softmax cross-entropy by stochastic gradient descent with dropout on the hidden
 * layer. The hinge model weighs every feature, mostly pieces of words, for each article on its
 * own; the network learns combinations of whole words shared between articles. They make
 * different mistakes, so the ranking is better for the pair than for either. Everything it learns comes from the articles' own phrasings; nothing is downloaded.
 * Deterministic: one seeded pseudo-random sequence for initial weights, order and dropout.
 */
class WordNetwork {
  /** First layer, input-major: input[row * hidden + unit]. */
  private readonly input: Float32Array;
  private readonly inputBias: Float32Array;
  /** Second layer, unit-major: output[unit * classes + class]. */
  private readonly output: Float32Array;
  private readonly outputBias: Float32Array;
  private readonly random = seededRandom(42);

  /** A network over the model's words and word pairs, or null when its larger layer would exceed `maxWeights`. */
  static create(
    vocabulary: ReadonlyMap<string, number>,
    classes: number,
    settings: IntentModelSettings,
  ): WordNetwork | null {
    const row = new Int32Array(vocabulary.size).fill(-1);
    let inputs = 0;
    for (const [key, id] of vocabulary) if (key.startsWith('w:') || key.startsWith('b:')) row[id] = inputs++;
    if (Math.max(inputs, classes) * settings.networkHidden > settings.maxWeights) return null;
    return new WordNetwork(row, inputs, classes, settings.networkHidden);
  }

  private constructor(
    /** For each of the model's features, its row in `input`, or -1 when it is not a word or word pair. */
    private readonly row: Int32Array,
    inputs: number,
    private readonly classes: number,
    readonly hidden: number,
    trained?: { input: Float32Array; inputBias: Float32Array; output: Float32Array; outputBias: Float32Array },
  ) {
    // Zeros for now: `train` draws the starting weights.
    this.input = trained?.input ?? new Float32Array(inputs * hidden);
    this.inputBias = trained?.inputBias ?? new Float32Array(hidden);
    this.output = trained?.output ?? new Float32Array(hidden * classes);
    this.outputBias = trained?.outputBias ?? new Float32Array(classes);
  }

  /** A trained network from its parts (IntentModel.fromBytes; sizes checked there). */
  static fromParts(
    row: Int32Array,
    classes: number,
    hidden: number,
    trained: { input: Float32Array; inputBias: Float32Array; output: Float32Array; outputBias: Float32Array },
  ): WordNetwork {
    return new WordNetwork(
      row,
      trained.inputBias.length === hidden ? trained.input.length / hidden : 0,
      classes,
      hidden,
      trained,
    );
  }

  /** What answering reads, for IntentModel.toBytes. */
  parts(): {
    row: Int32Array;
    input: Float32Array;
    inputBias: Float32Array;
    output: Float32Array;
    outputBias: Float32Array;
  } {
    return {
      row: this.row,
      input: this.input,
      inputBias: this.inputBias,
      output: this.output,
      outputBias: this.outputBias,
    };
  }

  probabilities(vector: SparseVector): Float64Array {
    const scores = new Float64Array(this.classes);
    this.forward(this.words(vector), new Float64Array(this.hidden), scores);
    return softmaxInPlace(scores);
  }

  /** The vector's words and word pairs, as rows of `input` (idx), normalised among themselves. */
  private words(vector: SparseVector): LinearInput {
    const rows: number[] = [];
    const values: number[] = [];
    let norm = 0;
    for (let j = 0; j < vector.idx.length; j++) {
      const row = this.row[vector.idx[j]!]!;
      if (row < 0) continue;
      rows.push(row);
      values.push(vector.val[j]!);
      norm += vector.val[j]! * vector.val[j]!;
    }
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    return { idx: Int32Array.from(rows), val: Float32Array.from(values, (v) => v * scale) };
  }

  /** Hidden layer (rectified) into `h`, raw class scores into `scores`; `mask` (training) switches units off and scales the rest. */
  private forward(x: LinearInput, h: Float64Array, scores: Float64Array, mask?: Float64Array): void {
    const units = this.hidden;
    const c = this.classes;
    linearScores(x, this.input, this.inputBias, h);
    for (let u = 0; u < units; u++) h[u] = h[u]! > 0 ? h[u]! * (mask ? mask[u]! : 1) : 0;
    for (let k = 0; k < c; k++) scores[k] = this.outputBias[k]!;
    for (let u = 0; u < units; u++) {
      const value = h[u]!;
      if (value === 0) continue;
      const offset = u * c;
      for (let k = 0; k < c; k++) scores[k]! += value * this.output[offset + k]!;
    }
  }

  *train(vectors: SparseVector[], labels: Int32Array, settings: IntentModelSettings): Steps<void> {
    const units = this.hidden;
    const c = this.classes;
    // Random starting weights (millions of them for a large knowledge base: drawn a slice at a time).
    const gaussian = () => Math.sqrt(-2 * Math.log(this.random() + 1e-12)) * Math.cos(2 * Math.PI * this.random());
    for (let q = 0; q < this.input.length; q++) {
      this.input[q] = gaussian() * settings.networkInit;
      if (q % 65_536 === 65_535) yield;
    }
    const outputScale = Math.sqrt(2 / units);
    for (let q = 0; q < this.output.length; q++) this.output[q] = gaussian() * outputScale;
    const inputs: LinearInput[] = [];
    for (const v of vectors) {
      inputs.push(this.words(v));
      if (inputs.length % 1024 === 0) yield;
    }
    const order = Int32Array.from(vectors.keys());
    const h = new Float64Array(units);
    const mask = new Float64Array(units);
    const gradient = new Float64Array(units);
    const scores = new Float64Array(c);
    const active = new Int32Array(c);
    const keep = 1 / (1 - settings.networkDropout);
    let seen = 0;
    for (let epoch = 0; epoch < settings.networkEpochs; epoch++) {
      shuffle(order, this.random);
      const rate = settings.networkLearningRate / (1 + epoch / 2);
      for (const example of order) {
        if (++seen % EXAMPLES_PER_STEP === 0) yield;
        const x = inputs[example]!;
        for (let u = 0; u < units; u++) mask[u] = this.random() < settings.networkDropout ? 0 : keep;
        this.forward(x, h, scores, mask);
        softmaxInPlace(scores);
        scores[labels[example]!]! -= 1;
        const n = classesToUpdate(scores, active);
        // Back through the second layer (updated on the way), then into the first.
        for (let u = 0; u < units; u++) {
          const value = h[u]!;
          gradient[u] = 0;
          if (value === 0) continue;
          const offset = u * c;
          let g = 0;
          for (let a = 0; a < n; a++) {
            const k = active[a]!;
            g += scores[k]! * this.output[offset + k]!;
            this.output[offset + k]! -= rate * value * scores[k]!;
          }
          gradient[u] = g * mask[u]!;
        }
        for (let k = 0; k < c; k++) this.outputBias[k]! -= rate * scores[k]!;
        for (let u = 0; u < units; u++) this.inputBias[u]! -= rate * gradient[u]!;
        for (let j = 0; j < x.idx.length; j++) {
          const offset = x.idx[j]! * units;
          const step = rate * x.val[j]!;
          for (let u = 0; u < units; u++) this.input[offset + u]! -= step * gradient[u]!;
        }
      }
    }
  }
}

/** A sparse input: indices and values. */
type LinearInput = Pick<SparseVector, 'idx' | 'val'>;

/**
 * Bias plus weights x vector for every output, into `scores` (weights input-major:
 * weights[input * outputs + output]): the linear models' class scores, the network's hidden layer.
 */
function linearScores(vector: LinearInput, weights: Float32Array, bias: Float32Array, scores: Float64Array): void {
  const c = bias.length;
  for (let k = 0; k < c; k++) scores[k] = bias[k]!;
  for (let j = 0; j < vector.idx.length; j++) {
    const offset = vector.idx[j]! * c;
    const x = vector.val[j]!;
    for (let k = 0; k < c; k++) scores[k]! += x * weights[offset + k]!;
  }
}

/**
 * The classes whose gradient (probability minus target) is worth applying, into `active`; returns
 * how many. After a few passes that is a handful of the articles, so updates stay cheap.
 */
function classesToUpdate(gradient: Float64Array, active: Int32Array): number {
  let n = 0;
  for (let k = 0; k < gradient.length; k++) if (gradient[k]! > 1e-4 || gradient[k]! < -1e-4) active[n++] = k;
  return n;
}

/** A small linear congruential generator: the same sequence for the same seed, so the same data makes the same model. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function shuffle(order: Int32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}
