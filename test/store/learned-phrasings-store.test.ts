/**
 * The LearnedPhrasings port: the Prisma implementation (on SQLite, and on PostgreSQL in the
 * postgres project, there with two stores on one schema as two replicas have) and the in-memory
 * twin the core tests use, held to the same behaviour.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LearnedPhrasings, PhrasingVote } from '../../src/core/knowledge/learned-phrasings.js';
import { MemoryLearnedPhrasings } from '../../src/store/memory/memory-learned-phrasings.js';
import type { Store } from '../../src/store/open-store.js';
import { onPostgres, openTestStore } from '../support/test-database.js';
import { tempDir } from '../support/test-app.js';

const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function prismaStores(): Promise<[LearnedPhrasings, LearnedPhrasings]> {
  const tmp = tempDir();
  closers.push(tmp.cleanup);
  const first = await openTestStore(tmp.dir);
  const second: Store = onPostgres ? await openTestStore(tmp.dir) : first;
  closers.push(() => first.close(), ...(second === first ? [] : [() => second.close()]));
  return [first.learned, second.learned];
}

const implementations: Array<[string, () => Promise<[LearnedPhrasings, LearnedPhrasings]>]> = [
  ['PrismaLearnedPhrasings', prismaStores],
  [
    'MemoryLearnedPhrasings',
    async () => {
      const store = new MemoryLearnedPhrasings();
      return [store, store];
    },
  ],
];

const vote = (
  askerHash: string,
  helpful: boolean,
  at = new Date('2026-12-01T10:00:00Z'),
  text = 'zorblax code',
): PhrasingVote => ({
  articleId: 'mfa-setup',
  text,
  textKey: text.toLowerCase(),
  askerHash,
  helpful,
  at,
});

describe.each(implementations)('%s', (_name, open) => {
  it("keeps each asker's last vote: distinct askers, not helpful and every confirmation counted, first and last seen", async () => {
    const [store] = await open();
    expect(await store.vote(vote('a', true))).toEqual({
      before: { askers: 0, notHelpful: 0, status: 'pending' },
      after: { askers: 1, notHelpful: 0, status: 'pending' },
    });
    await store.vote(vote('a', true, new Date('2026-12-01T11:00:00Z'), 'Zorblax Code'));
    await store.vote(vote('b', false));
    const { before, after } = await store.vote(vote('b', true, new Date('2026-12-02T09:00:00Z')));
    expect(before).toEqual({ askers: 1, notHelpful: 1, status: 'pending' });
    expect(after).toEqual({ askers: 2, notHelpful: 0, status: 'pending' });
    const [row, ...rest] = await store.list();
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      articleId: 'mfa-setup',
      text: 'zorblax code',
      askers: 2,
      notHelpful: 0,
      confirmations: 3,
      status: 'pending',
    });
    expect(row!.firstSeen.toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(row!.lastSeen.toISOString()).toBe('2026-12-02T09:00:00.000Z');
    expect(await store.find(row!.id)).toEqual(row);
    expect(await store.find(row!.id + 100)).toBeNull();
  });

  it('lists as candidates only pending phrasings with enough askers; a rejected one never again', async () => {
    const [store] = await open();
    for (const who of ['a', 'b', 'c']) await store.vote(vote(who, true));
    await store.vote(vote('a', true, undefined, 'other words'));
    expect((await store.candidates(3)).map((p) => p.text)).toEqual(['zorblax code']);
    expect((await store.candidates(1)).map((p) => p.text).sort()).toEqual(['other words', 'zorblax code']);
    const id = (await store.candidates(3))[0]!.id;
    await store.setStatus(id, 'rejected');
    await store.vote(vote('d', true));
    expect(await store.candidates(3)).toEqual([]);
    expect(await store.find(id)).toMatchObject({ status: 'rejected', askers: 4 });
  });

  it('counts every asker once when many vote on a new phrasing at the same moment', async () => {
    const [one, two] = await open();
    const askers = Array.from({ length: 12 }, (_, i) => `asker-${i}`);
    const results = await Promise.all(askers.map((who, i) => (i % 2 ? two : one).vote(vote(who, i % 4 !== 3))));
    const [row] = await one.list();
    expect(row).toMatchObject({ askers: 9, notHelpful: 3, confirmations: 9 });
    // Counted one after another: each confirmation saw its own tally, so exactly one of them saw the
    // phrasing cross the threshold (and rebuilt the engine).
    const seen = results.filter((_, i) => i % 4 !== 3).map((r) => r.after.askers);
    expect(seen.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
