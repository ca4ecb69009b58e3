import { randomUUID } from 'node:crypto';
import type { AnswerEngine, AskOptions } from '../answering/answer-engine.js';
import { canSee, type Membership } from '../knowledge/audience.js';
import type { Article } from '../knowledge/article.js';
import { messagesFor, type Say } from '../messages/catalogue.js';
import type { Choice, Reply } from '../conversation/turn.js';
import type { Priority, Tier } from '../tickets/ticket.js';
import type { Script } from './script.js';
import type { ScriptRunLog, ScriptRunRecord } from './script-run-log.js';
import type { ScriptOutput, ScriptProgress, ScriptRunner, ScriptSession } from './script-runner.js';

/** Action ids of script buttons. */
export const scriptActions = {
  start: 'script.start',
  choice: 'script.choice',
  restart: 'script.restart',
  resume: 'script.resume',
  stop: 'script.stop',
  rate: 'script.rate',
} as const;

/** What the conversation must do after a script turn. */
export interface ScriptTurn {
  replies: Reply[];
  session: ScriptSession | null;
  /** An escalate step was reached: open a ticket with this. */
  escalate?: {
    tier: Tier;
    priority: Priority;
    collected: Record<string, unknown>;
    script: Script;
    session: ScriptSession;
  };
  /** The id of the script that ended resolved in this turn: the employee confirmed it fixed their problem. */
  resolved?: string;
}

export interface ScriptDialogueDeps {
  runner: ScriptRunner;
  scripts: () => ReadonlyMap<string, Script>;
  /** An engine over the scripts' triggers, to start a script straight from a question. */
  triggerEngine: () => AnswerEngine | null;
  runs: ScriptRunLog;
  /** A session silent for longer than this is ended politely. */
  timeoutMinutes: number;
  now?: () => Date;
}

// English, German, French and Spanish: the walkthrough's buttons are in the asker's language, and so may be what they type.
const STOP =
  /^((stop|cancel|quit|exit|end)( (it|this|the walkthrough))?|stopp|abbrechen|beenden|anleitung beenden|arr[eê]ter?|annuler|arr[eê]ter la proc[eé]dure|parar|detener|cancelar|detener la gu[ií]a)[!. ]*$/i;
const CONTINUE = /^(continue|resume|go on|weiter|weitermachen|fortsetzen|continuer|reprendre|seguir|continuar)[!. ]*$/i;
/** Where a caller has no language at hand: the default language's words. */
const DEFAULT_SAY = messagesFor(undefined);
const TALK_TO_HUMAN_ACTION = 'ticket.open';

/** Guided scripts inside a conversation: starting, answering, pausing, timing out, ending. */
export class ScriptDialogue {
  constructor(private readonly deps: ScriptDialogueDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  script(id: string): Script | undefined {
    return this.deps.scripts().get(id);
  }

  /**
   * A script someone in these audiences may be offered or started on: its own audience allows
   * them, and so does every article its article steps show (a walkthrough must not show an
   * article its walker could not be given).
   */
  visibleScript(id: string, membership: Membership): Script | undefined {
    const script = this.script(id);
    if (!script || !canSee({ audiences: script.audience }, membership)) return undefined;
    for (const step of Object.values(script.steps)) {
      if (step.kind !== 'article') continue;
      const article = this.deps.runner.articleById(step.article);
      if (article && !canSee(article, membership)) return undefined;
    }
    return script;
  }

  /** Ends a session that has been silent too long; returns the notice to show, if it did. */
  expire(session: ScriptSession | undefined, conversationKey: string, say: Say = DEFAULT_SAY): Promise<string | null> {
    if (!session) return Promise.resolve(null);
    const idle = this.now().getTime() - new Date(session.updatedAt).getTime();
    if (idle <= this.deps.timeoutMinutes * 60_000) return Promise.resolve(null);
    const title = this.script(session.scriptId)?.title ?? say('script.untitled');
    return this.finish(session, conversationKey, 'abandoned', null).then(() =>
      say('script.timedOut', { title, minutes: this.deps.timeoutMinutes }),
    );
  }

  /**
   * A question answered by an article: start its script right away when the question matches
   * the script's own triggers, otherwise offer it with a "Walk me through it" button.
   */
  async forAnswer(
    article: Article,
    question: string,
    conversationKey: string,
    membership: Membership,
    say: Say = DEFAULT_SAY,
  ): Promise<{ start?: ScriptTurn; offer?: Choice }> {
    const script = article.script ? this.visibleScript(article.script, membership) : undefined;
    if (!script) return {};
    const triggered = this.deps.triggerEngine()?.ask(question, undefined, this.allowScripts(membership));
    if (triggered?.outcome === 'answered' && triggered.article.id === script.id) {
      const started = await this.start(script.id, conversationKey, say);
      return {
        start: {
          ...started,
          replies: [{ kind: 'text', markdown: say('script.startNow', { title: script.title }) }, ...started.replies],
        },
      };
    }
    const offer = this.offerFor(article, membership, say);
    return offer ? { offer } : {};
  }

  /** The "Walk me through it" button for an article that links a working script these audiences may walk. */
  offerFor(article: Article, membership: Membership, say: Say = DEFAULT_SAY): Choice | undefined {
    const script = article.script ? this.visibleScript(article.script, membership) : undefined;
    return script
      ? { label: say('script.offer'), action: { id: scriptActions.start, value: script.id }, style: 'primary' }
      : undefined;
  }

  /** No article answers for sure, but the question is one of a script's triggers: start that script. */
  async forUnsureQuestion(
    question: string,
    conversationKey: string,
    membership: Membership,
    say: Say = DEFAULT_SAY,
  ): Promise<ScriptTurn | null> {
    const triggered = this.deps.triggerEngine()?.ask(question, undefined, this.allowScripts(membership));
    const script = triggered?.outcome === 'answered' ? this.visibleScript(triggered.article.id, membership) : undefined;
    if (!script) return null;
    const started = await this.start(script.id, conversationKey, say);
    return {
      ...started,
      replies: [{ kind: 'text', markdown: say('script.startNow', { title: script.title }) }, ...started.replies],
    };
  }

  async start(scriptId: string, conversationKey: string, say: Say = DEFAULT_SAY): Promise<ScriptTurn> {
    return this.turn(await this.deps.runner.start(scriptId), conversationKey, say);
  }

  /**
   * Text while a script waits: the answer to a question, a choice typed out, "stop" or
   * "continue". Anything else returns null, and the conversation treats it as a new question
   * (the session stays, paused, with a way back).
   */
  async onText(
    session: ScriptSession,
    text: string,
    conversationKey: string,
    say: Say = DEFAULT_SAY,
  ): Promise<ScriptTurn | null> {
    if (STOP.test(text)) {
      await this.finish(session, conversationKey, 'abandoned', null);
      return { session: null, replies: [{ kind: 'text', markdown: say('script.stoppedByText') }] };
    }
    if (CONTINUE.test(text)) return this.reprompt(session, say);
    if (this.deps.runner.isWaitingForText(session)) {
      const progress = await this.deps.runner.answer(session, text, say);
      return progress ? this.turn(progress, conversationKey, say) : null;
    }
    const index = this.deps.runner.matchChoice(session, text);
    if (index === null) return null;
    const progress = await this.deps.runner.choose(session, session.step, index);
    return progress ? this.turn(progress, conversationKey, say) : null;
  }

  /** The note under an answer given while a script is paused. */
  pausedNote(session: ScriptSession, say: Say = DEFAULT_SAY): Reply {
    const title = this.script(session.scriptId)?.title ?? say('script.untitled');
    return {
      kind: 'text',
      markdown: say('script.paused', { title }),
      choices: [
        {
          label: say('script.continue'),
          action: { id: scriptActions.resume, value: session.scriptId },
          style: 'primary',
        },
        { label: say('script.stop'), action: { id: scriptActions.stop, value: session.scriptId } },
      ],
    };
  }

  /** A script button. Values are references only: they must match the live session. */
  async onAction(
    actionId: string,
    value: string | undefined,
    session: ScriptSession | undefined,
    conversationKey: string,
    membership: Membership,
    say: Say = DEFAULT_SAY,
  ): Promise<ScriptTurn | 'stale'> {
    switch (actionId) {
      case scriptActions.start: {
        // The button names a script; whether this person may walk it is decided here, not by the button.
        if (!value || !this.visibleScript(value, membership)) return 'stale';
        if (session) await this.finish(session, conversationKey, 'abandoned', null);
        return this.start(value, conversationKey, say);
      }
      case scriptActions.choice: {
        const match = /^([a-z0-9-]+):([a-z0-9_-]+):(\d+)$/.exec(value ?? '');
        if (!session || !match || match[1] !== session.scriptId) return 'stale';
        const progress = await this.deps.runner.choose(session, match[2]!, Number(match[3]));
        return progress ? this.turn(progress, conversationKey, say) : 'stale';
      }
      case scriptActions.restart: {
        if (!session || value !== session.scriptId) return 'stale';
        await this.finish(session, conversationKey, 'abandoned', null);
        const started = await this.start(session.scriptId, conversationKey, say);
        return { ...started, replies: [{ kind: 'text', markdown: say('script.startingOver') }, ...started.replies] };
      }
      case scriptActions.resume:
        return session && value === session.scriptId ? this.reprompt(session, say) : 'stale';
      case scriptActions.stop:
        if (!session || value !== session.scriptId) return 'stale';
        await this.finish(session, conversationKey, 'abandoned', null);
        return { session: null, replies: [{ kind: 'text', markdown: say('script.stopped') }] };
      case scriptActions.rate: {
        const match = /^([0-9a-f-]{36}):([1-5])$/.exec(value ?? '');
        if (!match || !(await this.deps.runs.rate(match[1]!, Number(match[2])))) return 'stale';
        return { session: session ?? null, replies: [{ kind: 'text', markdown: say('script.rateThanks') }] };
      }
      default:
        return 'stale';
    }
  }

  /** The trigger engine's filter: its "articles" are the scripts, by id. */
  private allowScripts(membership: Membership): AskOptions {
    return { allow: (entry) => this.visibleScript(entry.id, membership) !== undefined };
  }

  /** Records how a session ended. */
  async finish(
    session: ScriptSession,
    conversationKey: string,
    outcome: ScriptRunRecord['outcome'],
    ticketKey: string | null,
  ): Promise<string> {
    const id = randomUUID();
    await this.deps.runs.record({
      id,
      conversationKey,
      scriptId: session.scriptId,
      outcome,
      path: session.path,
      collected: collected(session),
      ticketKey,
      startedAt: new Date(session.startedAt),
    });
    return id;
  }

  /**
   * A readable account of a session, for a ticket's description: in `say`'s words, the engineers'
   * (their language); the answers, the checks' own details and the step ids are as they were.
   */
  summary(session: ScriptSession, say: Say): string {
    const script = this.script(session.scriptId);
    const lines = [say('eng.script.summary', { title: script?.title ?? session.scriptId, id: session.scriptId })];
    for (const [name, value] of Object.entries(session.answers)) lines.push(`- ${name}: ${value}`);
    for (const [name, check] of Object.entries(session.checks))
      lines.push(
        say('eng.script.check', {
          name,
          target: check.target,
          result: say(check.ok ? 'eng.script.checkOk' : 'eng.script.checkFailed'),
          detail: check.detail,
        }),
      );
    lines.push(say('eng.script.steps', { path: session.path.join(' > ') }));
    return lines.join('\n');
  }

  private reprompt(session: ScriptSession, say: Say): ScriptTurn {
    const prompt = this.deps.runner.prompt(session);
    const refreshed = { ...session, updatedAt: this.now().toISOString() };
    return { session: refreshed, replies: prompt ? [this.toReply(prompt, session, say)] : [] };
  }

  private async turn(progress: ScriptProgress, conversationKey: string, say: Say): Promise<ScriptTurn> {
    const replies: Reply[] = [];
    let escalate: ScriptTurn['escalate'];
    let resolved: string | undefined;
    const session = progress.session;
    for (const output of progress.outputs) {
      if (output.kind === 'resolved') {
        const runId = await this.finish(session, conversationKey, 'resolved', null);
        resolved = session.scriptId;
        replies.push({
          kind: 'text',
          markdown: `${output.markdown}\n\n${say('script.ratePrompt')}`,
          choices: [1, 2, 3, 4, 5].map((score) => ({
            label: ['😞 1', '🙁 2', '😐 3', '🙂 4', '😀 5'][score - 1]!,
            action: { id: scriptActions.rate, value: `${runId}:${score}` },
          })),
        });
      } else if (output.kind === 'escalate') {
        const script = this.script(session.scriptId)!;
        replies.push({ kind: 'text', markdown: output.markdown });
        escalate = {
          tier: output.tier,
          priority: output.priority,
          collected: collected(session),
          script,
          session,
        };
      } else {
        replies.push(this.toReply(output, session, say));
      }
    }
    return {
      replies,
      session: progress.ended ? null : session,
      ...(escalate ? { escalate } : {}),
      ...(resolved ? { resolved } : {}),
    };
  }

  private toReply(output: ScriptOutput, session: ScriptSession, say: Say): Reply {
    if (output.kind === 'say' && output.missingArticle)
      return {
        kind: 'text',
        markdown: `${output.markdown}${say('script.articleMissing', { article: output.missingArticle })}`,
      };
    if (output.kind !== 'ask') return { kind: 'text', markdown: output.markdown };
    const choices: Choice[] = output.choices.map((label, i) => ({
      label,
      action: { id: scriptActions.choice, value: `${session.scriptId}:${output.step}:${i}` },
    }));
    choices.push({ label: say('script.startOver'), action: { id: scriptActions.restart, value: session.scriptId } });
    choices.push({ label: say('button.talkToHuman'), action: { id: TALK_TO_HUMAN_ACTION } });
    const question = output.choices.length === 0 ? `\n\n_${say('script.typeAnswer')}_` : '';
    return {
      kind: 'text',
      markdown: `${output.error ? `⚠️ ${output.error}\n\n` : ''}${output.markdown}${question}`,
      choices,
    };
  }
}

function collected(session: ScriptSession): Record<string, unknown> {
  return { script: session.scriptId, answers: session.answers, checks: session.checks, path: session.path };
}
