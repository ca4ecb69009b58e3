import type {
  LearnedPhrasing,
  LearnedPhrasings,
  LearnedStatus,
  LearnedTally,
  PhrasingVote,
} from '../../core/knowledge/learned-phrasings.js';
import type { PrismaClient } from './open-prisma.js';

type Row = Awaited<ReturnType<PrismaClient['learnedPhrasing']['findUniqueOrThrow']>>;

/** Learned phrasings and each asker's last vote (by hash) in the database. */
export class PrismaLearnedPhrasings implements LearnedPhrasings {
  constructor(private readonly prisma: PrismaClient) {}

  async vote(vote: PhrasingVote): Promise<{ before: LearnedTally; after: LearnedTally }> {
    try {
      return await this.voteOnce(vote);
    } catch (error) {
      // Two first votes on a new phrasing at once: one created the row; count this one on it.
      if ((error as { code?: string }).code !== 'P2002') throw error;
      return this.voteOnce(vote);
    }
  }

  private voteOnce(vote: PhrasingVote): Promise<{ before: LearnedTally; after: LearnedTally }> {
    const { articleId, text, textKey, askerHash, helpful, at } = vote;
    return this.prisma.$transaction(async (tx) => {
      // Writing the phrasing's row first locks it, so concurrent votes on it are counted one after
      // another. Update, else create, rather than an upsert: an upsert takes an id from the sequence
      // even when it updates, and editors type these ids.
      const where = { articleId_textKey: { articleId, textKey } };
      const updated = await tx.learnedPhrasing.updateMany({
        where: { articleId, textKey },
        data: { lastSeen: at, ...(helpful ? { confirmations: { increment: 1 } } : {}) },
      });
      const row =
        updated.count > 0
          ? await tx.learnedPhrasing.findUniqueOrThrow({ where })
          : await tx.learnedPhrasing.create({
              data: { articleId, text, textKey, confirmations: helpful ? 1 : 0, firstSeen: at, lastSeen: at },
            });
      await tx.learnedPhrasingVote.upsert({
        where: { phrasingId_askerHash: { phrasingId: row.id, askerHash } },
        create: { phrasingId: row.id, askerHash, helpful, at },
        update: { helpful, at },
      });
      const askers = await tx.learnedPhrasingVote.count({ where: { phrasingId: row.id, helpful: true } });
      const notHelpful = await tx.learnedPhrasingVote.count({ where: { phrasingId: row.id, helpful: false } });
      await tx.learnedPhrasing.update({ where: { id: row.id }, data: { askers, notHelpful } });
      const status = row.status as LearnedStatus;
      return {
        before: { askers: row.askers, notHelpful: row.notHelpful, status },
        after: { askers, notHelpful, status },
      };
    });
  }

  async list(): Promise<LearnedPhrasing[]> {
    return (await this.prisma.learnedPhrasing.findMany({ orderBy: [{ askers: 'desc' }, { id: 'asc' }] })).map(view);
  }

  async candidates(minAskers: number): Promise<LearnedPhrasing[]> {
    const rows = await this.prisma.learnedPhrasing.findMany({
      where: { status: 'pending', askers: { gte: minAskers } },
      orderBy: { id: 'asc' },
    });
    return rows.map(view);
  }

  async find(id: number): Promise<LearnedPhrasing | null> {
    const row = await this.prisma.learnedPhrasing.findUnique({ where: { id } });
    return row ? view(row) : null;
  }

  async setStatus(id: number, status: LearnedStatus): Promise<void> {
    await this.prisma.learnedPhrasing.updateMany({ where: { id }, data: { status } });
  }
}

function view(row: Row): LearnedPhrasing {
  const { textKey: _key, ...phrasing } = row;
  return { ...phrasing, status: row.status as LearnedStatus };
}
