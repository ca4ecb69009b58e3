import type { ScriptRunLog, ScriptRunRecord } from '../../core/scripts/script-run-log.js';
import type { PrismaClient } from './open-prisma.js';

/** Script runs in the database. */
export class PrismaScriptRunLog implements ScriptRunLog {
  constructor(private readonly prisma: PrismaClient) {}

  async record(run: ScriptRunRecord): Promise<void> {
    await this.prisma.scriptRun.create({
      data: { ...run, path: JSON.stringify(run.path), collected: JSON.stringify(run.collected) },
    });
  }

  async rate(id: string, score: number): Promise<boolean> {
    // Only a walkthrough that ended "resolved" asks for a rating; a new rating replaces the old.
    const { count } = await this.prisma.scriptRun.updateMany({
      where: { id, outcome: 'resolved' },
      data: { rating: score },
    });
    return count > 0;
  }
}
