/**
 * A switch shared by the twins of one MemoryStore: while `down`, every call fails as it would on a
 * database that is away, so tests can check the core's answer to that.
 */
export class Outage {
  down = false;

  check(): void {
    if (this.down) throw new Error('database unavailable');
  }
}

/** A unique constraint refused a row, with the code Prisma gives it (P2002). */
export class UniqueViolation extends Error {
  readonly code = 'P2002';
  constructor(what: string) {
    super(`Unique constraint failed on ${what}`);
  }
}

/** A JSON text column's round trip: the caller gets a copy, never the object it saved. */
export function throughJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The clock that stamps rows where the database would use now(). */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
