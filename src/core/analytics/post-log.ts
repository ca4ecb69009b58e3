/**
 * When a periodic post (the editors' weekly content gaps) last went out, kept where every
 * process sees it, to the second. Moving it is a compare-and-set, so of two processes that find
 * a post due, one posts.
 */
export interface PostLog {
  /** When the post named `name` last went out (or its first period began); null before that. */
  last(name: string): Promise<Date | null>;
  /** Starts the first period at `at` when nothing is kept yet; a second start changes nothing. */
  begin(name: string, at: Date): Promise<void>;
  /** Moves the time from `from` to `to` if it is still `from`: true for the one caller that moved it. */
  move(name: string, from: Date, to: Date): Promise<boolean>;
}

/** A time as the log keeps it: whole seconds since the epoch. */
export function postLogSeconds(at: Date): number {
  return Math.floor(at.getTime() / 1000);
}
