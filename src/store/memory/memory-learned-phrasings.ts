import type {
  LearnedPhrasing,
  LearnedPhrasings,
  LearnedStatus,
  LearnedTally,
  PhrasingVote,
} from '../../core/knowledge/learned-phrasings.js';

/** Learned phrasings in memory, counted as PrismaLearnedPhrasings counts them: for core tests. */
export class MemoryLearnedPhrasings implements LearnedPhrasings {
  private readonly rows: Array<LearnedPhrasing & { textKey: string; votes: Map<string, boolean> }> = [];

  async vote(vote: PhrasingVote): Promise<{ before: LearnedTally; after: LearnedTally }> {
    let row = this.rows.find((r) => r.articleId === vote.articleId && r.textKey === vote.textKey);
    if (!row) {
      row = {
        id: this.rows.length + 1,
        articleId: vote.articleId,
        text: vote.text,
        textKey: vote.textKey,
        askers: 0,
        notHelpful: 0,
        confirmations: 0,
        status: 'pending',
        firstSeen: vote.at,
        lastSeen: vote.at,
        votes: new Map(),
      };
      this.rows.push(row);
    }
    const before = tally(row);
    row.votes.set(vote.askerHash, vote.helpful);
    if (vote.helpful) row.confirmations += 1;
    row.lastSeen = vote.at;
    row.askers = [...row.votes.values()].filter(Boolean).length;
    row.notHelpful = row.votes.size - row.askers;
    return { before, after: tally(row) };
  }

  async list(): Promise<LearnedPhrasing[]> {
    return this.rows.map(view).sort((a, b) => b.askers - a.askers || a.id - b.id);
  }

  async candidates(minAskers: number): Promise<LearnedPhrasing[]> {
    return (await this.list()).filter((p) => p.status === 'pending' && p.askers >= minAskers);
  }

  async find(id: number): Promise<LearnedPhrasing | null> {
    const row = this.rows.find((r) => r.id === id);
    return row ? view(row) : null;
  }

  async setStatus(id: number, status: LearnedStatus): Promise<void> {
    const row = this.rows.find((r) => r.id === id);
    if (row) row.status = status;
  }

  /** Every phrasing in the order first seen (what a test would read from the LearnedPhrasing table). */
  all(): LearnedPhrasing[] {
    return this.rows.map(view);
  }

  /** Every vote as stored: the phrasing, the asker's hash, the last vote. */
  votes(): Array<{ phrasingId: number; askerHash: string; helpful: boolean }> {
    return this.rows.flatMap((row) =>
      [...row.votes].map(([askerHash, helpful]) => ({ phrasingId: row.id, askerHash, helpful })),
    );
  }
}

function tally(row: LearnedPhrasing): LearnedTally {
  return { askers: row.askers, notHelpful: row.notHelpful, status: row.status };
}

function view(row: LearnedPhrasing & { textKey: string; votes: Map<string, boolean> }): LearnedPhrasing {
  const { textKey: _key, votes: _votes, ...phrasing } = row;
  return { ...phrasing };
}
