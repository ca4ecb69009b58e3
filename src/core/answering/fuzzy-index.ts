/** A term the FuzzyIndex found for another, and how far they are apart (Levenshtein edits). */
export interface NearTerm {
  term: string;
  distance: number;
}

/** Bounds that keep a lookup's cost independent of what it is asked. */
export interface FuzzyIndexLimits {
  /** The largest edit distance `near` can be asked for. */
  maxDistance: number;
  /**
   * Letters deleted from each vocabulary term to index it (its variants): the index holds about
   * (length + 1) variants a term at 1, length^2 / 2 at 2. See `near` for what 1 finds at distance 2.
   */
  indexedDeletions: number;
  /** Terms longer than this are neither indexed nor looked up (a 500-letter "word" is no typo of anything). */
  maxTermLength: number;
}

/** A FuzzyIndex's contents (see FuzzyIndex.parts): its limits, the sorted vocabulary, and the variants in slot order with their terms. */
export interface FuzzyIndexParts {
  limits: FuzzyIndexLimits;
  sorted: string[];
  variants: string[];
  variantStart: Uint32Array;
  variantTerms: Uint32Array;
}

const defaultLimits: FuzzyIndexLimits = { maxDistance: 2, indexedDeletions: 1, maxTermLength: 24 };

/**
 * Typo tolerance over a fixed vocabulary, built once: a symmetric-delete index (every term under
 * each of its variants with up to `indexedDeletions` letters deleted), so that finding the terms
 * near a word costs a lookup per deletion variant of that word (about 300 for a 24-letter word at
 * distance 2) instead of a walk over the vocabulary; candidates are confirmed by a bounded
 * Levenshtein distance. Prefix lookups go through the same vocabulary, sorted.
 */
export class FuzzyIndex {
  private readonly sorted: string[];
  private readonly known: Set<string>;
  /** Deletion variant -> its slot: the indices into `sorted` of the terms that have it are variantTerms[variantStart[slot] .. variantStart[slot + 1]]. */
  private readonly variants: Map<string, number>;
  private readonly variantStart: Uint32Array;
  private readonly variantTerms: Uint32Array;
  private readonly limits: FuzzyIndexLimits;

  constructor(terms: Iterable<string>, limits: Partial<FuzzyIndexLimits> = {}, built?: FuzzyIndexParts) {
    if (built) {
      // Read back (see parts): the same index, without computing the deletions again.
      this.limits = built.limits;
      this.sorted = built.sorted;
      this.known = new Set(built.sorted);
      this.variants = new Map();
      built.variants.forEach((variant, slot) => this.variants.set(variant, slot));
      this.variantStart = built.variantStart;
      this.variantTerms = built.variantTerms;
      return;
    }
    this.limits = { ...defaultLimits, ...limits };
    this.known = new Set(terms);
    this.sorted = [...this.known].sort();
    const lists = new Map<string, number[]>();
    this.sorted.forEach((term, i) => {
      if (term.length > this.limits.maxTermLength) return;
      for (const variant of deletions(term, this.limits.indexedDeletions)) {
        const list = lists.get(variant);
        if (list === undefined) lists.set(variant, [i]);
        else if (list[list.length - 1] !== i) list.push(i);
      }
    });
    this.variants = new Map();
    this.variantStart = new Uint32Array(lists.size + 1);
    let total = 0;
    for (const list of lists.values()) total += list.length;
    this.variantTerms = new Uint32Array(total);
    let slot = 0;
    for (const [variant, list] of lists) {
      this.variants.set(variant, slot);
      this.variantTerms.set(list, this.variantStart[slot]!);
      this.variantStart[++slot] = this.variantStart[slot - 1]! + list.length;
    }
  }

  /** What the index is made of, to keep it (KeywordIndex.toBytes) and build it again with `new FuzzyIndex([], {}, parts)`. */
  parts(): FuzzyIndexParts {
    return {
      limits: this.limits,
      sorted: this.sorted,
      variants: [...this.variants.keys()],
      variantStart: this.variantStart,
      variantTerms: this.variantTerms,
    };
  }

  get size(): number {
    return this.sorted.length;
  }

  has(term: string): boolean {
    return this.known.has(term);
  }

  /**
   * The vocabulary's terms within `maxDistance` edits (Levenshtein) of `term`, the term itself
   * excluded, nearest first, then alphabetically; at most `limit`; nothing for a term longer than
   * `maxTermLength`. A term is found when deleting at most `maxDistance` letters from the query and
   * at most `indexedDeletions` from the term makes them equal: with 1 (the default), every term one
   * edit away, and two edits away (a swap, two extra letters, an extra and a wrong letter) except
   * two letters missing from the query, two wrong letters, or one of each. The full distance-2
   * index is about length / 2 times larger (a million variants for 50,000 words); on the bundled
   * question files both find the same articles.
   */
  near(term: string, maxDistance: number, limit: number): NearTerm[] {
    const distance = Math.min(maxDistance, this.limits.maxDistance);
    if (distance <= 0 || limit <= 0 || term.length === 0 || term.length > this.limits.maxTermLength) return [];
    const seen = new Set<number>();
    const found: NearTerm[] = [];
    for (const variant of deletions(term, distance)) {
      const slot = this.variants.get(variant);
      if (slot === undefined) continue;
      for (let p = this.variantStart[slot]!, end = this.variantStart[slot + 1]!; p < end; p++) {
        const i = this.variantTerms[p]!;
        if (seen.has(i)) continue;
        seen.add(i);
        const candidate = this.sorted[i]!;
        if (candidate === term) continue;
        const d = levenshtein(term, candidate, distance);
        if (d <= distance) found.push({ term: candidate, distance: d });
      }
    }
    found.sort((a, b) => a.distance - b.distance || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    return found.length > limit ? found.slice(0, limit) : found;
  }

  /**
   * The vocabulary's terms that start with `prefix` and are longer, shortest first, then
   * alphabetically; at most `limit`. Costs a pass over the terms with that prefix (the sorted
   * vocabulary's range), holding only the `limit` shortest.
   */
  withPrefix(prefix: string, limit: number): string[] {
    if (prefix.length === 0 || limit <= 0) return [];
    const found: string[] = [];
    for (let i = this.lowerBound(prefix); i < this.sorted.length; i++) {
      const term = this.sorted[i]!;
      if (!term.startsWith(prefix)) break;
      if (term.length === prefix.length) continue;
      // In alphabetical order: a term goes before only strictly longer ones, so ties stay alphabetical.
      if (found.length === limit && term.length >= found[limit - 1]!.length) continue;
      let at = found.length === limit ? limit - 1 : found.length;
      while (at > 0 && found[at - 1]!.length > term.length) at--;
      found.splice(at, 0, term);
      if (found.length > limit) found.pop();
    }
    return found;
  }

  /** The first position in the sorted vocabulary whose term is not before `text`. */
  private lowerBound(text: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < text) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** The term and every variant of it with up to `distance` letters deleted (distinct). */
function deletions(term: string, distance: number): Set<string> {
  const out = new Set<string>([term]);
  let frontier = [term];
  for (let d = 0; d < distance; d++) {
    const next: string[] = [];
    for (const word of frontier) {
      if (word.length <= 1) continue;
      for (let i = 0; i < word.length; i++) {
        const variant = word.slice(0, i) + word.slice(i + 1);
        if (!out.has(variant)) {
          out.add(variant);
          next.push(variant);
        }
      }
    }
    frontier = next;
  }
  return out;
}

/** Levenshtein distance of a and b, or `bound + 1` as soon as it must exceed `bound`. */
export function levenshtein(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > bound) return bound + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}
