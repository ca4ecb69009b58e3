import { createHash } from 'node:crypto';
import { cleanUserText } from '../conversation/user-text.js';
import type { Article } from './article.js';

/** pending: counted, and used once enough people confirm it; accepted: written into the article; rejected: never used. */
export type LearnedStatus = 'pending' | 'accepted' | 'rejected';

/** A question confirmed as answered by an article, as editors see it: never who asked. */
export interface LearnedPhrasing {
  id: number;
  articleId: string;
  text: string;
  /** Distinct people whose last vote confirmed it. */
  askers: number;
  /** Distinct people whose last vote on it was "not helpful". */
  notHelpful: number;
  /** Every confirmation, one person's repeats included. */
  confirmations: number;
  status: LearnedStatus;
  firstSeen: Date;
  lastSeen: Date;
}

/** One person's vote on a phrasing of an article; their last vote replaces an earlier one. */
export interface PhrasingVote {
  articleId: string;
  text: string;
  /** The form two phrasings are the same under (see learnablePhrasing). */
  textKey: string;
  /** Who voted, hashed with the phrasing (see askerHash): the store never sees a user id. */
  askerHash: string;
  helpful: boolean;
  at: Date;
}

/** What decides whether a phrasing is used. */
export type LearnedTally = Pick<LearnedPhrasing, 'askers' | 'notHelpful' | 'status'>;

/** Learned phrasings and their votes. Implementations: PrismaLearnedPhrasings, MemoryLearnedPhrasings. */
export interface LearnedPhrasings {
  /** Records a vote and returns the phrasing's tally just before and just after it. */
  vote(vote: PhrasingVote): Promise<{ before: LearnedTally; after: LearnedTally }>;
  /** Every phrasing, most confirmed first. */
  list(): Promise<LearnedPhrasing[]>;
  /** Pending phrasings confirmed by at least `minAskers` people (not helpful votes not yet subtracted). */
  candidates(minAskers: number): Promise<LearnedPhrasing[]>;
  find(id: number): Promise<LearnedPhrasing | null>;
  setStatus(id: number, status: LearnedStatus): Promise<void>;
}

/** Longer questions are not learnt: a phrasing is a sentence, and a cut one is not what was asked. */
export const MAX_LEARNED_CHARS = 200;

const EMAIL = /[^\s@<>()]+@[^\s@<>()]+\.[a-z]{2,}/i;
/**
 * Seven or more digits in a run, spaces, dots, dashes, slashes and brackets allowed between them:
 * a phone, card, account or employee number, an IP address. Hex error codes (0x80070005) are
 * what people ask about, not who they are, so a 0x prefix is let through.
 */
const DIGIT_RUN = /(?<![0-9a-z])(?!0x)\+?\d(?:[\s()./-]*\d){6,}/i;

/** Whether a question seems to carry personal data (an email address, a long number), so it must not be stored as a phrasing. */
export function looksPersonal(text: string): boolean {
  return EMAIL.test(text) || DIGIT_RUN.test(text);
}

/**
 * A question as a phrasing to learn, or null when it must not be: cleaned like all user text,
 * whitespace collapsed, at most MAX_LEARNED_CHARS, and free of personal data. `key` is the form
 * two phrasings are the same under (case and trailing punctuation ignored).
 */
export function learnablePhrasing(question: string): { text: string; key: string } | null {
  const text = cleanUserText(question).replace(/\s+/g, ' ').trim();
  if (!text || text.length > MAX_LEARNED_CHARS || looksPersonal(text)) return null;
  const key = phrasingKey(text);
  return key ? { text, key } : null;
}

/** The form phrasings are compared in: lowercase, single spaces, no trailing ?!. */
export function phrasingKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s?!.]+$/, '')
    .trim();
}

/**
 * Who voted, as stored: a hash of the person with the phrasing, so the table counts distinct
 * people without holding their ids, and one person's votes on two phrasings cannot be linked.
 */
export function askerHash(articleId: string, textKey: string, askerId: string): string {
  return createHash('sha256').update(`${articleId}\n${textKey}\n${askerId}`).digest('hex');
}

/**
 * Whether the engine uses a phrasing: pending, and confirmed by at least `minAskers` distinct
 * people once those who found the answer not helpful are taken off, so one person cannot teach
 * the bot a wrong answer.
 */
export function isUsable(tally: LearnedTally, minAskers: number): boolean {
  return tally.status === 'pending' && tally.askers - tally.notHelpful >= minAskers;
}

/**
 * The articles as the engine should learn them: each with its usable learned phrasings added
 * to its questions (those it already has left out). Phrasings of articles no longer in the
 * knowledge base are ignored. The articles given are not changed.
 */
export function withLearnedPhrasings(
  articles: readonly Article[],
  learned: readonly LearnedPhrasing[],
  minAskers: number,
): Article[] {
  const extra = new Map<string, string[]>();
  for (const phrasing of learned) {
    if (!isUsable(phrasing, minAskers)) continue;
    extra.set(phrasing.articleId, [...(extra.get(phrasing.articleId) ?? []), phrasing.text]);
  }
  if (extra.size === 0) return [...articles];
  return articles.map((article) => {
    const added = extra.get(article.id);
    if (!added) return article;
    const known = new Set(article.questions.map(phrasingKey));
    const fresh = added.filter((text) => {
      const key = phrasingKey(text);
      if (known.has(key)) return false;
      known.add(key);
      return true;
    });
    return fresh.length > 0 ? { ...article, questions: [...article.questions, ...fresh] } : article;
  });
}

export interface PhrasingLearnerDeps {
  store: LearnedPhrasings;
  minAskers: number;
  /** The article's own questions as written in its file, or undefined when there is no such article. */
  ownQuestions: (articleId: string) => readonly string[] | undefined;
  /** A phrasing started or stopped being usable: the engine should be rebuilt. */
  onUsableChanged?: () => void;
}

/** Turns askers' confirmations and "not helpful" votes into learned phrasings. */
export class PhrasingLearner {
  constructor(private readonly deps: PhrasingLearnerDeps) {}

  get minAskers(): number {
    return this.deps.minAskers;
  }

  /** The asker confirmed that `articleId` answers `question`. */
  confirm(articleId: string, question: string, askerId: string, at = new Date()): Promise<void> {
    return this.vote(articleId, question, askerId, true, at);
  }

  /** The asker found `articleId` no answer to `question`. */
  notHelpful(articleId: string, question: string, askerId: string, at = new Date()): Promise<void> {
    return this.vote(articleId, question, askerId, false, at);
  }

  private async vote(articleId: string, question: string, askerId: string, helpful: boolean, at: Date): Promise<void> {
    const phrasing = learnablePhrasing(question);
    const own = this.deps.ownQuestions(articleId);
    if (!phrasing || !own) return;
    // Asked exactly as the article words it: nothing to learn (and nothing to count against).
    if (own.some((q) => phrasingKey(q) === phrasing.key)) return;
    const { before, after } = await this.deps.store.vote({
      articleId,
      text: phrasing.text,
      textKey: phrasing.key,
      askerHash: askerHash(articleId, phrasing.key, askerId),
      helpful,
      at,
    });
    if (isUsable(before, this.deps.minAskers) !== isUsable(after, this.deps.minAskers)) this.deps.onUsableChanged?.();
  }
}
