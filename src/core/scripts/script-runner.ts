import type { Article } from '../knowledge/article.js';
import type { Priority, Tier } from '../tickets/ticket.js';
import { messagesFor, type Say } from '../messages/catalogue.js';
import type { Check, Script, Step } from './script.js';

/** The outcome of an automatic check, kept with the session and attached to any ticket. */
export interface CheckResult {
  ok: boolean;
  /** What happened, for people: "HTTP 200 in 120 ms", "timed out after 3000 ms". */
  detail: string;
  ms: number;
}

/** Runs automatic checks (HTTP, DNS, TCP). Implementations live outside the core. */
export interface CheckRunner {
  run(check: Check): Promise<CheckResult>;
}

/** Where an employee is in a script; persisted with the conversation, so it survives restarts. */
export interface ScriptSession {
  scriptId: string;
  /** The step waiting for the employee (a choice or a question). */
  step: string;
  answers: Record<string, string>;
  checks: Record<string, CheckResult & { step: string; target: string }>;
  /** Steps visited, in order. */
  path: string[];
  startedAt: string;
  updatedAt: string;
}

/** What a script says, as data; the conversation turns it into replies. */
export type ScriptOutput =
  /** `missingArticle`: the step's article is not loaded; the dialogue says so in the conversation's words. */
  | { kind: 'say'; markdown: string; missingArticle?: string }
  | { kind: 'ask'; markdown: string; step: string; choices: string[]; error?: string }
  | { kind: 'resolved'; markdown: string }
  | { kind: 'escalate'; markdown: string; tier: Tier; priority: Priority };

export interface ScriptProgress {
  /** The session after this action (at its end, the final state, for the record). */
  session: ScriptSession;
  outputs: ScriptOutput[];
  /** Set when the script reached a resolve or escalate step. */
  ended?: 'resolved' | 'escalated';
}

/** More automatic steps than this in one go means a loop that lint should have caught. */
const MAX_AUTOMATIC_STEPS = 50;

/**
 * Runs guided scripts one employee action at a time: automatic steps (messages, checks,
 * branches, article links) run on their own; choice and question steps wait.
 */
export class ScriptRunner {
  constructor(
    private readonly script: (id: string) => Script | undefined,
    private readonly article: (id: string) => Article | undefined,
    private readonly checks: CheckRunner,
    /** Values for ${VARIABLE:-default} in check targets. */
    private readonly variables: Readonly<Record<string, string>> = {},
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The article an article step shows, as the runner would look it up. */
  articleById(id: string): Article | undefined {
    return this.article(id);
  }

  async start(scriptId: string): Promise<ScriptProgress> {
    const script = this.script(scriptId);
    if (!script) throw new Error(`unknown script ${scriptId}`);
    const at = this.now().toISOString();
    const session: ScriptSession = {
      scriptId,
      step: script.start,
      answers: {},
      checks: {},
      path: [],
      startedAt: at,
      updatedAt: at,
    };
    return this.runFrom(script, session, script.start);
  }

  /** The prompt of the step the session waits at (to show it again after a pause or a restart). */
  prompt(session: ScriptSession): ScriptOutput | null {
    const script = this.script(session.scriptId);
    const step = script?.steps[session.step];
    return step ? ask(session.step, step) : null;
  }

  /** The employee picked choice `index` at `stepId`; a press for another step is stale. */
  async choose(session: ScriptSession, stepId: string, index: number): Promise<ScriptProgress | null> {
    const script = this.script(session.scriptId);
    const step = script?.steps[stepId];
    if (!script || session.step !== stepId || step?.kind !== 'choice') return null;
    const choice = step.choices[index];
    if (!choice) return null;
    const next = {
      ...session,
      answers: { ...session.answers, ...(step.save_as ? { [step.save_as]: choice.label } : {}) },
    };
    return this.runFrom(script, next, choice.next);
  }

  /** A choice typed instead of pressed: matches a label, ignoring case and punctuation. */
  matchChoice(session: ScriptSession, text: string): number | null {
    const step = this.script(session.scriptId)?.steps[session.step];
    if (step?.kind !== 'choice') return null;
    const norm = (s: string) =>
      s
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, ' ')
        .trim();
    const typed = norm(text);
    const exact = step.choices.findIndex((c) => norm(c.label) === typed);
    if (exact !== -1) return exact;
    // "yes" for "Yes, websites open"; only when exactly one label starts with it.
    const starts = step.choices.map((c, i) => (norm(c.label).split(' ')[0] === typed ? i : -1)).filter((i) => i !== -1);
    return starts.length === 1 ? starts[0]! : null;
  }

  isWaitingForText(session: ScriptSession): boolean {
    return this.script(session.scriptId)?.steps[session.step]?.kind === 'question';
  }

  /** A typed answer at a question step: checked, saved, and on to the next step; an invalid one is asked again. */
  async answer(
    session: ScriptSession,
    text: string,
    say: Say = messagesFor(undefined),
  ): Promise<ScriptProgress | null> {
    const script = this.script(session.scriptId);
    const step = script?.steps[session.step];
    if (!script || step?.kind !== 'question') return null;
    const value = text.trim();
    const problem = validateAnswer(value, step.validate, say);
    if (problem)
      return {
        session: { ...session, updatedAt: this.now().toISOString() },
        outputs: [{ ...ask(session.step, step), error: problem }],
      };
    return this.runFrom(script, { ...session, answers: { ...session.answers, [step.save_as]: value } }, step.next);
  }

  private async runFrom(script: Script, start: ScriptSession, stepId: string): Promise<ScriptProgress> {
    const outputs: ScriptOutput[] = [];
    const session: ScriptSession = {
      ...start,
      path: [...start.path],
      checks: { ...start.checks },
      answers: { ...start.answers },
    };
    let current = stepId;
    for (let i = 0; i < MAX_AUTOMATIC_STEPS; i++) {
      const step = script.steps[current];
      if (!step) throw new Error(`script ${script.id}: step ${current} does not exist`);
      session.path.push(current);
      session.updatedAt = this.now().toISOString();
      switch (step.kind) {
        case 'message':
          outputs.push({ kind: 'say', markdown: step.text });
          current = step.next;
          break;
        case 'article': {
          const article = this.article(step.article);
          const intro = step.text ? `${step.text}\n\n` : '';
          outputs.push(
            article
              ? { kind: 'say', markdown: `${intro}**${article.title}**\n\n${article.answer}` }
              : { kind: 'say', markdown: intro, missingArticle: step.article },
          );
          current = step.next;
          break;
        }
        case 'check': {
          if (step.text) outputs.push({ kind: 'say', markdown: step.text });
          const target = this.resolveTarget(step.check);
          const result = await this.checks.run({ ...step.check, ...target.patch } as Check).catch((error: unknown) => ({
            ok: false,
            detail: `check failed: ${error instanceof Error ? error.message : String(error)}`,
            ms: 0,
          }));
          session.checks[step.save_as ?? current] = { ...result, step: current, target: target.label };
          if (step.save_as) session.answers[step.save_as] = result.ok ? 'ok' : 'fail';
          current = result.ok ? step.on_ok : step.on_fail;
          break;
        }
        case 'branch': {
          const value = session.answers[step.on] ?? '';
          const hit = step.cases.find((c) => matches(value, c));
          current = hit ? hit.next : step.default;
          break;
        }
        case 'choice':
        case 'question':
          session.step = current;
          outputs.push(ask(current, step));
          return { session, outputs };
        case 'resolve':
          outputs.push({ kind: 'resolved', markdown: step.text });
          return { session, outputs, ended: 'resolved' };
        case 'escalate':
          session.step = current;
          outputs.push({
            kind: 'escalate',
            markdown: step.text,
            tier: step.tier ?? script.escalate.tier,
            priority: step.priority ?? script.escalate.priority,
          });
          return { session, outputs, ended: 'escalated' };
      }
    }
    throw new Error(`script ${script.id}: more than ${MAX_AUTOMATIC_STEPS} automatic steps in a row from ${stepId}`);
  }

  /** Fills ${NAME:-default} from the configured variables. */
  private resolveTarget(check: Check): { patch: Partial<Check>; label: string } {
    const fill = (s: string) =>
      s.replace(
        /\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g,
        (_m, name: string, fallback?: string) => this.variables[name] ?? fallback ?? '',
      );
    if (check.type === 'http') {
      const url = fill(check.url);
      return { patch: { url }, label: url };
    }
    const host = fill(check.host);
    return { patch: { host }, label: check.type === 'tcp' ? `${host}:${check.port}` : host };
  }
}

function ask(stepId: string, step: Step): Extract<ScriptOutput, { kind: 'ask' }> {
  if (step.kind === 'choice')
    return { kind: 'ask', markdown: step.text, step: stepId, choices: step.choices.map((c) => c.label) };
  if (step.kind === 'question') return { kind: 'ask', markdown: step.text, step: stepId, choices: [] };
  throw new Error(`step ${stepId} does not wait for the employee`);
}

/**
 * Checks a typed answer against a question step's rules; null when it passes. The step's own
 * `error` is the editor's words; without one, the bot's, in the asker's language (`say`).
 */
export function validateAnswer(
  value: string,
  rules: Extract<Step, { kind: 'question' }>['validate'],
  say: Say = messagesFor(undefined),
): string | null {
  if (!value) return rules?.error ?? say('script.answerMissing');
  if (!rules) return null;
  const fail = () => rules.error ?? say('script.answerInvalid');
  if (rules.min_length !== undefined && value.length < rules.min_length) return fail();
  if (rules.max_length !== undefined && value.length > rules.max_length) return fail();
  if (rules.pattern !== undefined && !new RegExp(rules.pattern).test(value)) return fail();
  if (rules.one_of && !rules.one_of.some((option) => option.toLowerCase() === value.toLowerCase())) {
    return rules.error ?? say('script.answerOneOf', { choices: rules.one_of.join(', ') });
  }
  return null;
}

function matches(
  value: string,
  c: { equals?: string | undefined; one_of?: string[] | undefined; matches?: string | undefined },
): boolean {
  const v = value.toLowerCase();
  if (c.equals !== undefined && v === c.equals.toLowerCase()) return true;
  if (c.one_of?.some((o) => o.toLowerCase() === v)) return true;
  return c.matches !== undefined && new RegExp(c.matches, 'i').test(value);
}
