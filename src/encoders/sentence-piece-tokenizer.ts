/** Word-boundary marker of SentencePiece vocabularies: a piece starting with it begins a word. */
const BOUNDARY = '\u2581';

/**
 * Splits text into the pieces of a SentencePiece unigram vocabulary ([piece, log-probability]
 * pairs, the id being the position): the split whose pieces' log-probabilities sum highest
 * (Viterbi). A character no piece covers becomes the unknown id, consecutive unknowns one id, as
 * the model saw them in training.
 */
export class SentencePieceTokenizer {
  private readonly pieces = new Map<string, { id: number; score: number }>();
  private readonly longest: number;
  private readonly unknownScore: number;

  constructor(
    vocabulary: ReadonlyArray<readonly [string, number]>,
    /** Ids below this are control symbols (unknown, start, end, ...), never produced from text. */
    reserved: number,
    private readonly unknownId = 0,
  ) {
    let longest = 1;
    let lowest = 0;
    for (let id = reserved; id < vocabulary.length; id++) {
      const [piece, score] = vocabulary[id]!;
      this.pieces.set(piece, { id, score });
      longest = Math.max(longest, [...piece].length);
      lowest = Math.min(lowest, score);
    }
    this.longest = longest;
    // Below every real piece, so an unknown character is only chosen when nothing else covers it.
    this.unknownScore = lowest - 10;
  }

  encode(text: string): number[] {
    const normalized = text.normalize('NFKC');
    if (normalized.length === 0) return [];
    const symbols = [...`${BOUNDARY}${normalized.replace(/ /g, BOUNDARY)}`];
    const n = symbols.length;
    const best = new Float64Array(n + 1).fill(-Infinity);
    const from = new Int32Array(n + 1);
    const ids = new Int32Array(n + 1);
    best[0] = 0;
    for (let start = 0; start < n; start++) {
      if (best[start] === -Infinity) continue;
      let piece = '';
      for (let length = 1; length <= this.longest && start + length <= n; length++) {
        piece += symbols[start + length - 1];
        const known = this.pieces.get(piece);
        const score = known ? known.score : length === 1 ? this.unknownScore : undefined;
        if (score === undefined) continue;
        const total = best[start]! + score;
        if (total > best[start + length]!) {
          best[start + length] = total;
          from[start + length] = start;
          ids[start + length] = known ? known.id : this.unknownId;
        }
      }
    }
    const reversed: number[] = [];
    for (let end = n; end > 0; end = from[end]!) reversed.push(ids[end]!);
    const out: number[] = [];
    for (let i = reversed.length - 1; i >= 0; i--) {
      const id = reversed[i]!;
      if (id === this.unknownId && out.at(-1) === this.unknownId) continue;
      out.push(id);
    }
    return out;
  }
}
