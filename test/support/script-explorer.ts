import type { Article } from '../../src/core/knowledge/article.js';
import type { Script } from '../../src/core/scripts/script.js';
import { ScriptRunner, type CheckResult, type ScriptProgress } from '../../src/core/scripts/script-runner.js';

/** One complete walk through a script, with how it ended. */
export interface WalkedPath {
  decisions: string[];
  steps: string[];
  end: 'resolved' | 'escalated' | 'loop' | 'stuck';
}

const MAX_STEPS = 60;

/**
 * Walks every path of a script: every choice, every example answer (or a generic valid one),
 * and both outcomes of every check. Paths are replayed from the start, so the real runner
 * decides everything; a path that comes back to a state it already passed is cut as a loop.
 */
export async function explorePaths(
  script: Script,
  article: (id: string) => Article | undefined,
): Promise<WalkedPath[]> {
  const paths: WalkedPath[] = [];
  const pending: number[][] = [[]];
  while (pending.length > 0) {
    const plan = pending.pop()!;
    let cursor = 0;
    const decisions: string[] = [];
    const decisionsTaken: number[] = [];
    /** The next decision among `options`; unexplored siblings are queued. */
    const decide = (label: string, options: string[]): number => {
      let pick: number;
      if (cursor < plan.length) pick = plan[cursor]!;
      else {
        pick = 0;
        for (let i = options.length - 1; i >= 1; i--) pending.push([...decisionsTaken, i]);
      }
      cursor++;
      decisionsTaken.push(pick);
      decisions.push(`${label}=${options[pick]}`);
      return pick;
    };
    const checks = {
      run: async (): Promise<CheckResult> =>
        decide('check', ['ok', 'fail']) === 0
          ? { ok: true, detail: 'ok (explorer)', ms: 1 }
          : { ok: false, detail: 'failed (explorer)', ms: 1 },
    };
    const runner = new ScriptRunner((id) => (id === script.id ? script : undefined), article, checks);
    let progress: ScriptProgress | null = await runner.start(script.id);
    const seen = new Set<string>();
    let end: WalkedPath['end'] = 'stuck';
    for (let i = 0; progress && i < MAX_STEPS; i++) {
      if (progress.ended) {
        end = progress.ended;
        break;
      }
      const session = progress.session;
      const state = `${session.step}|${JSON.stringify(session.answers)}`;
      if (seen.has(state)) {
        end = 'loop';
        break;
      }
      seen.add(state);
      const step = script.steps[session.step]!;
      if (step.kind === 'choice') {
        progress = await runner.choose(
          session,
          session.step,
          decide(
            session.step,
            step.choices.map((c) => c.label),
          ),
        );
      } else if (step.kind === 'question') {
        const answers = step.examples ?? step.validate?.one_of ?? [genericAnswer(step.validate)];
        progress = await runner.answer(session, answers[decide(session.step, answers)]!);
      } else {
        break;
      }
    }
    paths.push({ decisions, steps: progress?.session.path ?? [], end });
  }
  return paths;
}

function genericAnswer(
  rules: { min_length?: number | undefined; max_length?: number | undefined } | undefined,
): string {
  const text = 'It shows an error when I try';
  const min = rules?.min_length ?? 1;
  const max = rules?.max_length ?? 200;
  return text.padEnd(min, '.').slice(0, Math.max(min, Math.min(max, text.length)));
}
