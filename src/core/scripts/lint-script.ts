import { nextSteps, type Script } from './script.js';
import { validateAnswer } from './script-runner.js';

/** A problem in a script; errors disable it, warnings do not. */
export interface ScriptProblem {
  file: string;
  line?: number;
  field: string;
  message: string;
  severity: 'error' | 'warning';
}

/**
 * Checks a script as a graph: every target exists, every step is reachable from the start,
 * every path can end in resolve or escalate (no dead ends, no cycles without an exit), and
 * everything the runner needs is there (saved answers a branch reads, articles it links).
 */
export function lintScript(
  script: Script,
  articleIds: ReadonlySet<string>,
  lineOf: (stepId: string) => number | undefined = () => undefined,
): ScriptProblem[] {
  const problems: ScriptProblem[] = [];
  const error = (field: string, message: string, step?: string) =>
    problems.push({
      file: script.path,
      field,
      message,
      severity: 'error',
      ...(step && lineOf(step) ? { line: lineOf(step)! } : {}),
    });
  const steps = script.steps;
  if (!steps[script.start]) error('start', `the start step "${script.start}" does not exist`);
  for (const [id, step] of Object.entries(steps)) {
    for (const target of nextSteps(step)) {
      if (!steps[target]) error(`steps.${id}`, `leads to "${target}", which is not a step`, id);
    }
    if (step.kind === 'article' && !articleIds.has(step.article))
      error(`steps.${id}.article`, `links the article "${step.article}", which does not exist`, id);
    if (step.kind === 'question' && step.validate?.pattern) {
      try {
        new RegExp(step.validate.pattern);
      } catch {
        error(`steps.${id}.validate.pattern`, `"${step.validate.pattern}" is not a valid regular expression`, id);
      }
    }
    if (step.kind === 'question' && step.examples) {
      for (const example of step.examples) {
        const problem = validateAnswer(example, step.validate);
        if (problem)
          error(`steps.${id}.examples`, `the example "${example}" does not pass the step's own validation`, id);
      }
    }
    if (step.kind === 'branch') {
      const saved = Object.values(steps).some(
        (s) => (s.kind === 'question' || s.kind === 'choice' || s.kind === 'check') && s.save_as === step.on,
      );
      if (!saved) error(`steps.${id}.on`, `branches on "${step.on}", which no step saves`, id);
      step.cases.forEach((c, i) => {
        if (c.equals === undefined && c.one_of === undefined && c.matches === undefined)
          error(`steps.${id}.cases.${i}`, 'a case needs equals, one_of or matches', id);
        if (c.matches !== undefined) {
          try {
            new RegExp(c.matches, 'i');
          } catch {
            error(`steps.${id}.cases.${i}.matches`, `"${c.matches}" is not a valid regular expression`, id);
          }
        }
      });
    }
  }
  if (problems.length > 0) return problems;

  // Reachable from the start.
  const reachable = new Set<string>();
  const stack = [script.start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (reachable.has(id)) continue;
    reachable.add(id);
    stack.push(...nextSteps(steps[id]!));
  }
  for (const id of Object.keys(steps)) {
    if (!reachable.has(id)) error(`steps.${id}`, 'is never reached from the start step', id);
  }
  // Every step must be able to reach an end (resolve or escalate); otherwise it is a dead end or a closed loop.
  const canEnd = new Set(
    Object.entries(steps)
      .filter(([, s]) => s.kind === 'resolve' || s.kind === 'escalate')
      .map(([id]) => id),
  );
  for (let changed = true; changed;) {
    changed = false;
    for (const [id, step] of Object.entries(steps)) {
      if (!canEnd.has(id) && nextSteps(step).some((t) => canEnd.has(t))) {
        canEnd.add(id);
        changed = true;
      }
    }
  }
  for (const id of reachable) {
    if (!canEnd.has(id))
      error(`steps.${id}`, 'can never reach a resolve or escalate step (a dead end or a loop with no exit)', id);
  }
  // Automatic steps that loop among themselves would spin without asking the user anything.
  const automatic = (id: string) => ['message', 'check', 'branch', 'article'].includes(steps[id]!.kind);
  for (const id of reachable) {
    if (!automatic(id)) continue;
    const seen = new Set<string>();
    const walk = [id];
    while (walk.length > 0) {
      const current = walk.pop()!;
      for (const target of nextSteps(steps[current]!)) {
        if (target === id) {
          error(`steps.${id}`, 'is in a loop of automatic steps that never waits for the user', id);
          walk.length = 0;
          break;
        }
        if (automatic(target) && !seen.has(target)) {
          seen.add(target);
          walk.push(target);
        }
      }
    }
  }
  return problems;
}
