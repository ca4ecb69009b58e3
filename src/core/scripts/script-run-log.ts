/** How a guided script ended, for reports and for rating. */
export interface ScriptRunRecord {
  id: string;
  conversationKey: string;
  scriptId: string;
  outcome: 'resolved' | 'escalated' | 'human' | 'abandoned';
  path: string[];
  collected: Record<string, unknown>;
  ticketKey: string | null;
  startedAt: Date;
}

/** Finished script runs. Implementations: PrismaScriptRunLog. */
export interface ScriptRunLog {
  record(run: ScriptRunRecord): Promise<void>;
  /** The employee's 1-5 rating of a resolved run; false when there is no such resolved run. */
  rate(id: string, score: number): Promise<boolean>;
}
