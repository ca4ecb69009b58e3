import { FuzzyIndex, type FuzzyIndexLimits } from './fuzzy-index.js';
import type { Steps } from './time-slicing.js';
import type { TextAnalyzer } from './text-analyzer.js';

/** One document to index: its id and the text of each field, in the index's field order. */
export interface KeywordDocument {
  id: string;
  fields: readonly string[];
}

/** One document found for a query, scored as MiniSearch scores an OR query (BM25 per field). */
export interface KeywordHit {
  id: string;
  score: number;
  /** The query's terms that matched it, by themselves or through a typo or prefix expansion. */
  queryTerms: string[];
  /** Document term -> the fields it matched in (a query term itself, or what it was expanded to). */
  match: Record<string, string[]>;
}

/** How a query term may be widened, and how much the wider terms are worth (as MiniSearch's fuzzy and prefix weights). */
export interface ExpansionSettings {
  /** Terms are looked up with typos at this edit distance (0: none), against every indexed term without digits. */
  fuzzyDistance: (term: string) => number;
  /** Whether a term is also matched as the beginning of longer terms. */
  prefix: (term: string) => boolean;
  fuzzyWeight: number;
  prefixWeight: number;
  /** At most this many wider terms per query term: prefixes (shortest first), then typos (nearest first). */
  maxExpansions: number;
}

/** Postings gathered per chunk while an index is built (see KeywordIndex.build). */
const POSTING_CHUNK_BITS = 16;
const POSTING_CHUNK = 1 << POSTING_CHUNK_BITS;

// MiniSearch's BM25 parameters, kept so that the scores (and the thresholds fitted on them) stay as they were.
const K = 1.2;
const B = 0.7;
const D = 0.5;

/**
 * The keyword search: a BM25 index over an article's fields, scored as MiniSearch scored it
 * (per field, with field boosts; an OR query adds the terms' scores and multiplies by how many
 * query terms matched) but stored in typed arrays and searched without a result object per
 * document. At 10,000 generated articles an average question matches 7,000 of them: MiniSearch
 * built a result object, a terms array and a match record for each (19 ms median for an exact
 * search, 28 ms with typos and prefixes, GC a quarter of it); here a question adds numbers into
 * arrays allocated once, and only the best `limit` documents get their match details.
 * Typos and prefixes are found in a FuzzyIndex of the vocabulary built with the index (MiniSearch
 * walked its whole term tree for each query term), and a query term is widened to at most
 * `maxExpansions` terms.
 */
export class KeywordIndex {
  private readonly termIds = new Map<string, number>();
  /** (term id x fields + field) -> first posting; one more entry for the end. */
  private offsets = new Uint32Array(1);
  private postingDocs = new Uint32Array(0);
  private postingFreqs = new Uint16Array(0);
  /** Number of distinct documents using each term, in any field. */
  private documentFrequency = new Uint32Array(0);
  /** BM25's length normalisation of each document's field, K x (1 - B + B x length / average length), computed once. */
  private lengthNorms = new Float64Array(0);
  private readonly averageFieldLength: Float64Array;
  private readonly ids: string[] = [];
  private expander = new FuzzyIndex([]);
  // Scratch space of one search, allocated once: a question allocates only what it returns.
  private termScore = new Float64Array(0);
  private termMark = new Uint32Array(0);
  private total = new Float64Array(0);
  private matchedTerms = new Uint16Array(0);
  private totalMark = new Uint32Array(0);
  private touched = new Uint32Array(0);
  private termTouched = new Uint32Array(0);
  private epoch = 0;

  private constructor(readonly fields: readonly string[]) {
    this.averageFieldLength = new Float64Array(fields.length);
  }

  /** Indexes the documents; a generator that yields now and then (see steps.ts). */
  static *build(
    documents: readonly KeywordDocument[],
    fields: readonly string[],
    analyzer: TextAnalyzer,
  ): Steps<KeywordIndex> {
    const index = new KeywordIndex(fields);
    const F = fields.length;
    const n = documents.length;
    // Distinct raw tokens of each document's field (doc x fields + field), as MiniSearch counts a field's length.
    const fieldLengths = new Uint32Array(n * F);
    // Postings in the order they are found (document by document), grouped by term and field
    // below: each one's (term, field) key and frequency, in chunks of a fixed size, and where each
    // document's postings start. Arrays doubled as they filled held up to twice the postings, with
    // the outgrown copies garbage until a collection, and a document number per posting.
    const keyChunks: Uint32Array[] = [];
    const freqChunks: Uint16Array[] = [];
    let keys = new Uint32Array(0);
    let freqs = new Uint16Array(0);
    let at = 0;
    let count = 0;
    const documentStart = new Uint32Array(n + 1);
    const df: number[] = [];
    const lastDoc: number[] = [];
    // A field's term counts, by term id, and its distinct ids in order of first use: typed arrays
    // reused from field to field. A Map cleared for each field left a chain of its old tables
    // (each links to the next) that the young generation promoted one after another: 260 MB of
    // garbage in the old generation at 10,000 articles, the build's peak.
    let termCounts = new Uint32Array(1 << 12);
    let fieldTerms = new Uint32Array(1 << 10);
    const seen = new Set<string>();
    for (let d = 0; d < n; d++) {
      const document = documents[d]!;
      // The engine keys articles by id: a second article under one id would be scored but never shown.
      if (seen.has(document.id)) throw new Error(`KeywordIndex: the id "${document.id}" is used by two documents`);
      seen.add(document.id);
      index.ids.push(document.id);
      for (let f = 0; f < F; f++) {
        const tokens = analyzer.tokenize(document.fields[f] ?? '');
        const length = new Set(tokens).size;
        fieldLengths[d * F + f] = length;
        index.averageFieldLength[f] = (index.averageFieldLength[f]! * d + length) / (d + 1);
        let distinct = 0;
        for (const token of tokens) {
          for (const term of analyzer.terms(token)) {
            let id = index.termIds.get(term);
            if (id === undefined) {
              id = index.termIds.size;
              index.termIds.set(term, id);
              df.push(0);
              lastDoc.push(-1);
              if (id === termCounts.length) termCounts = grow(termCounts);
            }
            if (termCounts[id]!++ === 0) {
              if (distinct === fieldTerms.length) fieldTerms = grow(fieldTerms);
              fieldTerms[distinct++] = id;
            }
          }
        }
        for (let t = 0; t < distinct; t++) {
          const id = fieldTerms[t]!;
          const tf = termCounts[id]!;
          termCounts[id] = 0;
          if (at === POSTING_CHUNK || keyChunks.length === 0) {
            keys = new Uint32Array(POSTING_CHUNK);
            freqs = new Uint16Array(POSTING_CHUNK);
            keyChunks.push(keys);
            freqChunks.push(freqs);
            at = 0;
          }
          keys[at] = id * F + f;
          freqs[at] = Math.min(tf, 0xffff);
          at++;
          count++;
          if (lastDoc[id] !== d) {
            lastDoc[id] = d;
            df[id]!++;
          }
        }
      }
      documentStart[d + 1] = count;
      // A step per document: 100 long articles (12 paragraphs each) held the event loop for about 50 ms.
      yield;
    }
    // Counting sort by (term, field): stable, so each posting list stays in document order.
    const slots = index.termIds.size * F;
    const offsets = new Uint32Array(slots + 1);
    keyChunks.forEach((chunk, c) => {
      const used = Math.min(POSTING_CHUNK, count - c * POSTING_CHUNK);
      for (let i = 0; i < used; i++) offsets[chunk[i]! + 1]!++;
    });
    for (let s = 0; s < slots; s++) offsets[s + 1]! += offsets[s]!;
    const fill = offsets.slice(0, slots);
    index.postingDocs = new Uint32Array(count);
    index.postingFreqs = new Uint16Array(count);
    for (let d = 0, i = 0; d < n; d++) {
      for (const end = documentStart[d + 1]!; i < end; i++) {
        const chunk = i >>> POSTING_CHUNK_BITS;
        const offset = i & (POSTING_CHUNK - 1);
        const to = fill[keyChunks[chunk]![offset]!]!++;
        index.postingDocs[to] = d;
        index.postingFreqs[to] = freqChunks[chunk]![offset]!;
      }
    }
    index.offsets = offsets;
    index.documentFrequency = Uint32Array.from(df);
    yield;
    const vocabulary: string[] = [];
    for (const term of index.termIds.keys()) {
      // Codes ("o365", "4357", a generated "app42") are matched exactly or not at all.
      if (!/\d/.test(term)) vocabulary.push(term);
    }
    index.expander = new FuzzyIndex(vocabulary);
    index.lengthNorms = new Float64Array(n * F);
    for (let d = 0; d < n; d++) {
      for (let f = 0; f < F; f++)
        index.lengthNorms[d * F + f] = K * (1 - B + (B * fieldLengths[d * F + f]!) / index.averageFieldLength[f]!);
    }
    index.allocateScratch(n);
    return index;
  }

  /** One search's scratch space, for `n` documents. */
  private allocateScratch(n: number): void {
    this.termScore = new Float64Array(n);
    this.termMark = new Uint32Array(n);
    this.total = new Float64Array(n);
    this.matchedTerms = new Uint16Array(n);
    this.totalMark = new Uint32Array(n);
    this.touched = new Uint32Array(n);
    this.termTouched = new Uint32Array(n);
  }

  /**
   * The index as bytes, to keep in a cache (keyword-index-cache.ts) and read back with
   * `fromBytes` instead of building it again: a JSON header (fields, ids, terms in id order, the
   * typo index's vocabulary and variants), then the typed arrays, each at a multiple of 8.
   */
  toBytes(): Uint8Array {
    const fuzzy = this.expander.parts();
    const arrays: Array<Float64Array | Uint32Array | Uint16Array> = [
      this.averageFieldLength,
      this.lengthNorms,
      this.offsets,
      this.postingDocs,
      this.documentFrequency,
      fuzzy.variantStart,
      fuzzy.variantTerms,
      this.postingFreqs,
    ];
    const header: StoredHeader = {
      fields: [...this.fields],
      ids: this.ids,
      terms: [...this.termIds.keys()],
      postings: this.postingDocs.length,
      fuzzy: {
        limits: fuzzy.limits,
        sorted: fuzzy.sorted,
        variants: fuzzy.variants,
        entries: fuzzy.variantTerms.length,
      },
    };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    let size = align8(4 + json.length);
    for (const array of arrays) size = align8(size + array.byteLength);
    const out = new Uint8Array(size);
    new DataView(out.buffer).setUint32(0, json.length, true);
    out.set(json, 4);
    let at = align8(4 + json.length);
    for (const array of arrays) {
      out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
      at = align8(at + array.byteLength);
    }
    return out;
  }

  /** The index `toBytes` wrote; throws for bytes that do not hold one whole. */
  static fromBytes(bytes: Uint8Array): KeywordIndex {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const jsonLength = view.getUint32(0, true);
    if (4 + jsonLength > bytes.length) throw new Error('KeywordIndex: cut short');
    const header = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset + 4, jsonLength).toString('utf8'),
    ) as StoredHeader;
    const F = header.fields.length;
    const n = header.ids.length;
    let at = align8(4 + jsonLength);
    // Copied out of the file's bytes (which need not be aligned in memory) into arrays of their own.
    const take = <T>(Type: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number }, length: number): T => {
      const byteLength = length * Type.BYTES_PER_ELEMENT;
      if (at + byteLength > bytes.length) throw new Error('KeywordIndex: cut short');
      // Uint8Array's slice copies (a Buffer's would be a view of the file's whole buffer).
      const array = new Type(Uint8Array.prototype.slice.call(bytes, at, at + byteLength).buffer);
      at = align8(at + byteLength);
      return array;
    };
    const index = new KeywordIndex(header.fields);
    index.averageFieldLength.set(take(Float64Array, F));
    index.lengthNorms = take(Float64Array, n * F);
    index.offsets = take(Uint32Array, header.terms.length * F + 1);
    index.postingDocs = take(Uint32Array, header.postings);
    index.documentFrequency = take(Uint32Array, header.terms.length);
    const variantStart = take(Uint32Array, header.fuzzy.variants.length + 1);
    const variantTerms = take(Uint32Array, header.fuzzy.entries);
    index.postingFreqs = take(Uint16Array, header.postings);
    if (at !== bytes.length) throw new Error('KeywordIndex: longer than its header says');
    if (index.offsets[index.offsets.length - 1] !== header.postings)
      throw new Error('KeywordIndex: postings do not add up');
    header.terms.forEach((term, id) => index.termIds.set(term, id));
    index.ids.push(...header.ids);
    index.expander = new FuzzyIndex([], {}, { ...header.fuzzy, variantStart, variantTerms });
    index.allocateScratch(n);
    return index;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Whether any field of any document uses the (analysed) term. */
  has(term: string): boolean {
    return this.termIds.has(term);
  }

  /** Number of documents using the (analysed) term in any field. */
  documentsWith(term: string): number {
    const id = this.termIds.get(term);
    return id === undefined ? 0 : this.documentFrequency[id]!;
  }

  /** The query term itself (when indexed) and what it is widened to, with each one's weight (as MiniSearch weighs fuzzy and prefix matches). */
  expand(term: string, settings: ExpansionSettings): Array<{ term: string; weight: number }> {
    const out: Array<{ term: string; weight: number }> = this.termIds.has(term) ? [{ term, weight: 1 }] : [];
    const taken = new Set<string>([term]);
    let room = settings.maxExpansions;
    if (room > 0 && settings.prefix(term)) {
      for (const longer of this.expander.withPrefix(term, room)) {
        taken.add(longer);
        out.push({
          term: longer,
          weight: (settings.prefixWeight * longer.length) / (longer.length + 0.3 * (longer.length - term.length)),
        });
        room--;
      }
    }
    const distance = settings.fuzzyDistance(term);
    if (room > 0 && distance > 0) {
      // A term both a prefix and a typo away counts as a prefix, as in MiniSearch.
      for (const near of this.expander.near(term, distance, room + taken.size)) {
        if (room === 0) break;
        if (taken.has(near.term)) continue;
        out.push({
          term: near.term,
          weight: (settings.fuzzyWeight * near.term.length) / (near.term.length + near.distance),
        });
        room--;
      }
    }
    return out;
  }

  /**
   * The best `limit` documents for the (analysed, distinct) query terms, best first; ties keep
   * the order in which the documents were first matched, as MiniSearch's stable sort did.
   * `boosts` are by field, in the index's field order. With `allowed` (1 per document, in the
   * order they were indexed), only those documents are candidates: a hidden one takes no place.
   */
  search(
    queryTerms: readonly string[],
    boosts: readonly number[],
    settings: ExpansionSettings,
    limit: number,
    allowed?: Uint8Array,
  ): KeywordHit[] {
    const { best, scores, expansions } = this.rank(queryTerms, boosts, settings, limit, allowed);
    return best.map((d, rank) => this.describe(d, scores[rank]!, queryTerms, expansions));
  }

  /**
   * `search`'s best `limit` documents with their details, and the best `wider` (at least `limit`)
   * as document numbers only (in the order they were indexed), best first, from one pass: the
   * first `limit` of them are the hits. What a costlier scorer (the sentence encoder) may narrow
   * itself to.
   */
  searchWide(
    queryTerms: readonly string[],
    boosts: readonly number[],
    settings: ExpansionSettings,
    limit: number,
    wider: number,
    allowed?: Uint8Array,
  ): { hits: KeywordHit[]; documents: number[] } {
    const { best, scores, expansions } = this.rank(queryTerms, boosts, settings, Math.max(limit, wider), allowed);
    // A document equal in score to the last of `limit` is never taken ahead of an earlier one, so
    // the first `limit` of a longer list are the list `search` returns.
    const hits = best.slice(0, limit).map((d, rank) => this.describe(d, scores[rank]!, queryTerms, expansions));
    return { hits, documents: best };
  }

  private rank(
    queryTerms: readonly string[],
    boosts: readonly number[],
    settings: ExpansionSettings,
    limit: number,
    allowed?: Uint8Array,
  ): { best: number[]; scores: number[]; expansions: Array<Array<{ term: string; weight: number }>> } {
    const F = this.fields.length;
    const n = this.ids.length;
    const searchEpoch = this.nextEpoch();
    let touchedCount = 0;
    const expansions = queryTerms.map((term) => this.expand(term, settings));
    for (let q = 0; q < queryTerms.length; q++) {
      const termEpoch = this.nextEpoch();
      let termCount = 0;
      for (const { term, weight } of expansions[q]!) {
        const id = this.termIds.get(term)!;
        for (let f = 0; f < F; f++) {
          const start = this.offsets[id * F + f]!;
          const end = this.offsets[id * F + f + 1]!;
          if (start === end) continue;
          const matching = end - start;
          const idf = Math.log(1 + (n - matching + 0.5) / (matching + 0.5));
          const boost = boosts[f] ?? 1;
          for (let p = start; p < end; p++) {
            const d = this.postingDocs[p]!;
            const tf = this.postingFreqs[p]!;
            const raw = idf * (D + (tf * (K + 1)) / (tf + this.lengthNorms[d * F + f]!));
            const score = weight * boost * raw;
            if (this.termMark[d] !== termEpoch) {
              this.termMark[d] = termEpoch;
              this.termScore[d] = score;
              this.termTouched[termCount++] = d;
            } else {
              this.termScore[d]! += score;
            }
          }
        }
      }
      for (let i = 0; i < termCount; i++) {
        const d = this.termTouched[i]!;
        if (this.totalMark[d] !== searchEpoch) {
          this.totalMark[d] = searchEpoch;
          this.total[d] = this.termScore[d]!;
          this.matchedTerms[d] = 1;
          this.touched[touchedCount++] = d;
        } else {
          this.total[d]! += this.termScore[d]!;
          this.matchedTerms[d]!++;
        }
      }
    }
    // The best `limit`, by score, earlier-matched first among equals.
    const best: number[] = [];
    const scores: number[] = [];
    for (let i = 0; i < touchedCount; i++) {
      const d = this.touched[i]!;
      if (allowed && allowed[d] !== 1) continue;
      const score = this.total[d]! * this.matchedTerms[d]!;
      if (best.length === limit && score <= scores[limit - 1]!) continue;
      let at = best.length === limit ? limit - 1 : best.length;
      while (at > 0 && scores[at - 1]! < score) at--;
      best.splice(at, 0, d);
      scores.splice(at, 0, score);
      if (best.length > limit) {
        best.pop();
        scores.pop();
      }
    }
    return { best, scores, expansions };
  }

  private describe(
    d: number,
    score: number,
    queryTerms: readonly string[],
    expansions: ReadonlyArray<Array<{ term: string }>>,
  ): KeywordHit {
    const F = this.fields.length;
    const matchedQueryTerms: string[] = [];
    const match: Record<string, string[]> = {};
    for (let q = 0; q < queryTerms.length; q++) {
      const own: Record<string, string[]> = {};
      let any = false;
      for (const { term } of expansions[q]!) {
        const id = this.termIds.get(term)!;
        for (let f = 0; f < F; f++) {
          if (!this.contains(id * F + f, d)) continue;
          (own[term] ??= []).push(this.fields[f]!);
          any = true;
        }
      }
      if (any) {
        matchedQueryTerms.push(queryTerms[q]!);
        Object.assign(match, own);
      }
    }
    return { id: this.ids[d]!, score, queryTerms: matchedQueryTerms, match };
  }

  /** Whether the posting list `slot` holds document `d` (binary search: the lists are in document order). */
  private contains(slot: number, d: number): boolean {
    let lo = this.offsets[slot]!;
    let hi = this.offsets[slot + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.postingDocs[mid]!;
      if (value === d) return true;
      if (value < d) lo = mid + 1;
      else hi = mid;
    }
    return false;
  }

  private nextEpoch(): number {
    if (this.epoch === 0xffffffff) {
      this.termMark.fill(0);
      this.totalMark.fill(0);
      this.epoch = 0;
    }
    return ++this.epoch;
  }
}

/** What KeywordIndex.toBytes writes before the arrays. */
interface StoredHeader {
  fields: string[];
  ids: string[];
  terms: string[];
  postings: number;
  fuzzy: { limits: FuzzyIndexLimits; sorted: string[]; variants: string[]; entries: number };
}

function align8(at: number): number {
  return (at + 7) & ~7;
}

function grow<T extends Uint32Array | Uint16Array>(array: T): T {
  const bigger = new (array.constructor as new (length: number) => T)(array.length * 2);
  bigger.set(array);
  return bigger;
}
