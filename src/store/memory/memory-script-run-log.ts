import type { ScriptRunLog, ScriptRunRecord } from '../../core/scripts/script-run-log.js';
import { Outage, UniqueViolation, throughJson } from './outage.js';

/** Finished script runs in memory, as PrismaScriptRunLog keeps them: for core tests. */
export class MemoryScriptRunLog implements ScriptRunLog {
  private readonly runs: Array<ScriptRunRecord & { rating: number | null }> = [];

  constructor(private readonly outage = new Outage()) {}

  async record(run: ScriptRunRecord): Promise<void> {
    this.outage.check();
    if (this.runs.some((r) => r.id === run.id)) throw new UniqueViolation('ScriptRun.id');
    this.runs.push({ ...throughJson(run), startedAt: new Date(run.startedAt), rating: null });
  }

  async rate(id: string, score: number): Promise<boolean> {
    this.outage.check();
    // Only a walkthrough that ended "resolved" takes a rating; a new rating replaces the old.
    const run = this.runs.find((r) => r.id === id && r.outcome === 'resolved');
    if (run) run.rating = score;
    return Boolean(run);
  }

  /** Every run recorded, oldest first, with its rating. */
  all(): Array<ScriptRunRecord & { rating: number | null }> {
    return this.runs.map((r) => ({ ...throughJson(r), startedAt: new Date(r.startedAt) }));
  }
}
