import { createHash, randomUUID } from 'node:crypto';
import type { Answerer } from '../answering/multilingual-engine.js';
import { apologise } from '../apology.js';
import type { QuestionLog, QuestionRecord } from '../analytics/question-log.js';
import { CoreError, isCoreError, refusalText } from '../errors.js';
import type { Article } from '../knowledge/article.js';
import { canSee, EVERYONE_ONLY, type Membership } from '../knowledge/audience.js';
import type { PhrasingLearner } from '../knowledge/learned-phrasings.js';
import { visibleAnswer } from '../knowledge/visible-answer.js';
import { DEFAULT_LANGUAGE, LANGUAGE_CODE, type LanguageCode } from '../language/languages.js';
import { childLogger, type Logger } from '../logger.js';
import { messagesFor, statusText, wording, type Say } from '../messages/catalogue.js';
import { scriptActions, type ScriptDialogue, type ScriptTurn } from '../scripts/script-dialogue.js';
import { FORM_DEFAULT_CATEGORY, FORM_DEFAULT_PRIORITY, validateTicketForm } from '../tickets/ticket-form.js';
import { openStatuses } from '../tickets/ticket-state-machine.js';
import type { TicketService } from '../tickets/ticket-service.js';
import type { Actor, Priority, Ticket, Tier } from '../tickets/ticket.js';
import type { ConversationState, ConversationStore, StoredMessage } from './conversation-store.js';
import { KeyedQueue } from './keyed-queue.js';
import { spokenSmallTalk } from './small-talk.js';
import { cleanTurn, cleanUserText, cutText } from './user-text.js';
import { actions, type ArticleRef, type Reply, type TicketCard, type Turn } from './turn.js';

export interface ConversationOptions {
  /** Base URL for links to whole articles; without it the link is the article's path in the repository. */
  kbBaseUrl?: string;
  /** Longer messages are politely refused. */
  maxTextChars?: number;
}

export interface ConversationDeps {
  /** A function, so a reloaded knowledge base takes effect on the next turn. */
  engine: () => Answerer;
  store: ConversationStore;
  questions: QuestionLog;
  tickets: TicketService;
  logger: Logger;
  /** Guided scripts; without them the bot answers and opens tickets only. */
  scripts?: ScriptDialogue;
  /** Learns the questions askers confirm as phrasings of their articles; without it nothing is learnt. */
  learning?: PhrasingLearner;
  /**
   * Which audiences a turn's user belongs to (AudienceDirectory): they decide which articles and
   * scripts the person may be given. Without it, everyone gets the articles for `all` only.
   */
  audiences?: { membershipOf(channel: string, userId: string): Promise<Membership> };
  /** The deployment's language (DEFAULT_LANGUAGE): spoken until a question or small talk says otherwise. */
  defaultLanguage?: LanguageCode;
  options?: ConversationOptions;
}

const RECENT_QUESTIONS = 20;
/** Deliveries remembered per conversation: a redelivery comes within minutes, behind a handful of others at most. */
const REMEMBERED_DELIVERIES = 8;
const TRANSCRIPT_FOR_TICKET = 50;

/** The single entry point of the bot: a normalised turn in, replies as plain data out. */
export class ConversationService {
  private readonly queue = new KeyedQueue();
  private readonly maxTextChars: number;

  /** The language this conversation is spoken in: its last question's, else the deployment's. */
  private languageOf(state: ConversationState): LanguageCode {
    return state.language ?? this.defaultLanguage;
  }

  /**
   * The deployment's language (DEFAULT_LANGUAGE): spoken in a conversation until it has one of its
   * own, and what engineers' shared views (triage cards and their lines) are worded in.
   */
  get defaultLanguage(): LanguageCode {
    return this.deps.defaultLanguage ?? DEFAULT_LANGUAGE;
  }

  /**
   * The language to speak to a person in where the chat has no turn to hand (a form it opens, a
   * list of their tickets, a notice while the bot starts): the conversation's when there is one
   * (`conversationKey`), else that of the person's latest conversation in that chat, else the
   * deployment's. A store that cannot say (down) is not a reason to say nothing: the deployment's.
   */
  async languageFor(person: {
    channel: string;
    userId: string;
    conversationKey?: string | undefined;
  }): Promise<LanguageCode> {
    try {
      const stored = person.conversationKey ? await this.deps.store.load(person.conversationKey) : null;
      if (stored?.language) return stored.language;
      return (await this.deps.store.latestLanguage(person.channel, person.userId)) ?? this.defaultLanguage;
    } catch (error) {
      this.deps.logger.warn(
        { err: error, channel: person.channel },
        "cannot read the person's language; using the default",
      );
      return this.defaultLanguage;
    }
  }
  /**
   * The questions asked in the turn under way, by conversation (a conversation's turns run one at
   * a time): recorded with the turn's state and transcript, in the one write that saves the turn.
   */
  private readonly askedInTurn = new Map<string, QuestionRecord[]>();
  /** The language of each conversation's turn under way, once its state is loaded: for its apology if it fails. */
  private readonly spokenInTurn = new Map<string, LanguageCode>();
  /** Each turn's membership, asked for once and only when the turn needs it. */
  private readonly memberships = new WeakMap<Turn, Promise<Membership>>();

  constructor(private readonly deps: ConversationDeps) {
    this.maxTextChars = deps.options?.maxTextChars ?? 4000;
  }

  /**
   * Handles one turn. Unexpected failures become a polite reply and a log line; with `retryable`
   * (work from the durable inbox, which tries again later) they are thrown instead, so a database
   * outage delays the answer rather than replacing it with an apology.
   */
  handle(turn: Turn, options: { retryable?: boolean } = {}): Promise<Reply[]> {
    return this.queue.run(turn.conversationKey, async () => {
      try {
        return await this.handleInOrder(cleanTurn(turn));
      } catch (error) {
        // Refused or failed, the person is told in the conversation's language.
        const language = this.spokenInTurn.get(turn.conversationKey) ?? this.defaultLanguage;
        if (isCoreError(error))
          return [
            {
              kind: 'text',
              markdown: refusalText(error, messagesFor(language)),
              ...(language !== DEFAULT_LANGUAGE ? { language } : {}),
            },
          ];
        if (options.retryable) throw error;
        // The request's id is the reference: the person can quote it, and every log line of the turn has it.
        const logger = turn.requestId ? childLogger(this.deps.logger, { requestId: turn.requestId }) : this.deps.logger;
        return [
          {
            kind: 'text',
            markdown: apologise(logger, error, 'turn', {
              context: { conversation: turn.conversationKey, action: turn.action?.id },
              requestId: turn.requestId,
              language,
            }),
            ...(language !== DEFAULT_LANGUAGE ? { language } : {}),
          },
        ];
      } finally {
        this.askedInTurn.delete(turn.conversationKey);
        this.spokenInTurn.delete(turn.conversationKey);
      }
    });
  }

  private async handleInOrder(turn: Turn): Promise<Reply[]> {
    if (!turn.conversationKey || !turn.user?.id) throw new CoreError('INVALID_INPUT', wording('refused.badTurn'));
    const stored = await this.deps.store.load(turn.conversationKey);
    const seen = turn.deliveryId ? stored?.delivered?.find((d) => d.id === turn.deliveryId) : undefined;
    if (seen) return seen.replies as Reply[];
    // Un-addressed messages (thread chatter) are ignored unless they continue this user's own conversation.
    if (turn.addressed === false && (!stored || stored.ownerId !== turn.user.id)) return [];
    const state: ConversationState = stored ?? { ownerId: turn.user.id };
    // A form the chat showed in the person's language (Slack's modal) starts the conversation in it.
    if (!state.language && turn.language && LANGUAGE_CODE.test(turn.language)) state.language = turn.language;
    this.spokenInTurn.set(turn.conversationKey, this.languageOf(state));
    const transcript: StoredMessage[] = [];
    const now = new Date();
    if (turn.text !== undefined)
      transcript.push({ author: 'user', authorId: turn.user.id, text: cutText(turn.text, this.maxTextChars), at: now });
    else if (turn.action)
      transcript.push({ author: 'user', authorId: turn.user.id, text: `[pressed ${turn.action.id}]`, at: now });

    const asked: QuestionRecord[] = [];
    this.askedInTurn.set(turn.conversationKey, asked);
    const replies = turn.form
      ? await this.onForm(turn, turn.form, state, transcript)
      : turn.action
        ? await this.onAction(turn, state, transcript)
        : await this.onText(turn, turn.text ?? '', state, transcript);

    // What a channel adds around a reply ("Source:") is worded in the language the core spoke.
    const spoken = this.languageOf(state);
    if (spoken !== DEFAULT_LANGUAGE) for (const reply of replies) reply.language ??= spoken;
    for (const reply of replies) transcript.push({ author: 'bot', text: reply.markdown, at: new Date() });
    if (turn.deliveryId)
      state.delivered = [...(state.delivered ?? []), { id: turn.deliveryId, replies }].slice(-REMEMBERED_DELIVERIES);
    await this.deps.store.save(
      turn.conversationKey,
      { channel: turn.channel, userId: turn.user.id },
      state,
      transcript,
      asked,
    );
    return replies;
  }

  private async onText(
    turn: Turn,
    raw: string,
    state: ConversationState,
    transcript: StoredMessage[],
  ): Promise<Reply[]> {
    const text = raw.trim();
    if (!text) return [{ kind: 'text', markdown: messagesFor(this.languageOf(state))('intro') }];
    if (text.length > this.maxTextChars) {
      const say = messagesFor(this.languageOf(state));
      return [{ kind: 'text', markdown: say('tooLong', { length: text.length, max: this.maxTextChars }) }];
    }
    const spoken = spokenSmallTalk(text);
    const talk = spoken?.kind ?? null;
    // German or French small talk ("hallo", "merci") sets the language spoken here before any question does.
    if (spoken?.language) state.language = spoken.language;
    const say = messagesFor(this.languageOf(state));
    if (talk === 'human') return this.openTicket(turn, state, transcript);
    const relayed = await this.relayToOpenTicket(turn, text, state);
    if (relayed) return [relayed];
    const scripts = this.deps.scripts;
    const notices: Reply[] = [];
    const expired = await scripts?.expire(state.script, turn.conversationKey, say);
    if (expired) {
      delete state.script;
      notices.push({ kind: 'text', markdown: expired });
    }
    if (scripts && state.script) {
      const scripted = await scripts.onText(state.script, text, turn.conversationKey, say);
      if (scripted) return this.applyScript(turn, state, transcript, scripted);
    }
    if (talk === 'greeting' || talk === 'help') return [...notices, { kind: 'text', markdown: say('intro') }];
    if (talk === 'thanks') return [...notices, { kind: 'text', markdown: say('thanks') }];
    const paused = state.script;
    const replies = await this.answerQuestion(turn, text, state, transcript);
    // A question asked in the middle of a walkthrough is answered; the walkthrough waits.
    if (scripts && paused && state.script === paused)
      replies.push(scripts.pausedNote(paused, messagesFor(this.languageOf(state))));
    return [...notices, ...replies];
  }

  private async answerQuestion(
    turn: Turn,
    text: string,
    state: ConversationState,
    transcript: StoredMessage[],
  ): Promise<Reply[]> {
    const membership = await this.membership(turn);
    const result = await this.deps.engine().answer(text, { allow: (article) => canSee(article, membership) });
    // From the delivery when there is one: handled again after a crash, it is the same question.
    const questionId = turn.deliveryId ? idFor(`question:${turn.deliveryId}`) : randomUUID();
    const best = result.outcome === 'answered' ? result.article : undefined;
    const top = best ?? (result.outcome === 'suggested' ? result.candidates[0] : undefined);
    this.askedInTurn.get(turn.conversationKey)!.push({
      id: questionId,
      conversationKey: turn.conversationKey,
      channel: turn.channel,
      userId: turn.user.id,
      text,
      outcome: result.outcome,
      // Declined towards an outside topic: which one, so that reports can tell it from a question nothing fits.
      articleId: top?.id ?? (result.outcome === 'no_answer' ? (result.redirect?.id ?? null) : null),
      confidence: result.confidence,
      explanation: result.explanation,
    });
    state.lastQuestion = {
      id: questionId,
      text,
      articleId: best?.id ?? null,
      category: top?.category ?? null,
      ...(top?.escalateTo ? { escalateTo: top.escalateTo } : {}),
    };
    state.recentQuestionIds = [...(state.recentQuestionIds ?? []), questionId].slice(-RECENT_QUESTIONS);
    delete state.offered;
    // The asker's language (detected) for the bot's own texts; an answer from another language's articles says so.
    // A word or none ("3", "vpn", "S:") says too little to change it: the detector falls back to the default there.
    const telling = (text.match(/\p{L}+/gu) ?? []).length >= 2;
    if (result.language && (telling || !state.language)) state.language = result.language.asked;

    const say = messagesFor(this.languageOf(state));
    const notice = result.language?.fallback ? `${say('answer.fallbackToEnglish')}\n\n` : '';
    if (result.outcome === 'answered') {
      const reply = this.answerReply(say, result.article, result.confidence, questionId, membership);
      if (notice && reply.kind === 'answer') reply.markdown = notice + reply.markdown;
      const script =
        !state.script && this.deps.scripts
          ? await this.deps.scripts.forAnswer(result.article, text, turn.conversationKey, membership, say)
          : {};
      if (script.start) return this.applyScript(turn, state, transcript, script.start);
      if (script.offer && reply.kind === 'answer')
        reply.choices.unshift({ ...script.offer, label: say('script.offer') });
      return [reply];
    }
    if (result.outcome === 'suggested') {
      // Unsure between articles, but the words are a script's own trigger: walk them through it.
      // A word or two ("wifi") is too little to start a walkthrough on: offer the articles instead.
      const enough = text.split(/\s+/).filter(Boolean).length >= 3;
      const started =
        enough && !state.script && this.deps.scripts
          ? await this.deps.scripts.forUnsureQuestion(text, turn.conversationKey, membership, say)
          : null;
      if (started) return this.applyScript(turn, state, transcript, started);
      state.offered = result.candidates.map((a) => a.id);
      return [
        {
          kind: 'suggestions',
          markdown: notice + say('suggestions.prompt'),
          articles: result.candidates.map((a) => this.ref(a)),
          choices: [
            ...result.candidates.map((a) => ({ label: a.title, action: { id: actions.showArticle, value: a.id } })),
            { label: say('suggestions.none'), action: { id: actions.noneOfThese } },
          ],
        },
      ];
    }
    return [
      {
        kind: 'text',
        // A topic the bot does not handle: who does (the outside article's answer), instead of a plain "no answer".
        markdown: result.redirect
          ? `${say('noAnswer.outside')}\n\n${this.answerFor(result.redirect, membership)}`
          : say('noAnswer'),
        choices: [{ label: say('button.talkToHuman'), action: { id: actions.talkToHuman }, style: 'primary' }],
      },
    ];
  }

  private async onAction(turn: Turn, state: ConversationState, transcript: StoredMessage[]): Promise<Reply[]> {
    const action = turn.action!;
    const say = messagesFor(this.languageOf(state));
    switch (action.id) {
      case actions.helpful:
      case actions.notHelpful: {
        const questionId = action.value ?? '';
        // Never trust the value in a button: it must name a question asked in this conversation.
        if (!state.recentQuestionIds?.includes(questionId)) return [staleButton(say)];
        const helpful = action.id === actions.helpful;
        await this.deps.questions.feedback(questionId, turn.user.id, helpful);
        await this.learn(turn, questionId, helpful);
        if (helpful) return [{ kind: 'text', markdown: say('feedback.helpful') }];
        return [
          {
            kind: 'text',
            markdown: say('feedback.notHelpful'),
            choices: [{ label: say('button.talkToHuman'), action: { id: actions.talkToHuman }, style: 'primary' }],
          },
        ];
      }
      case actions.showArticle: {
        const article = action.value ? this.deps.engine().article(action.value) : undefined;
        if (!article || !state.offered?.includes(article.id) || !state.lastQuestion) return [staleButton(say)];
        // Offered, yet checked again: the button is only a reference, and the audience may have changed since.
        const membership = await this.membership(turn);
        if (!canSee(article, membership)) return [staleButton(say)];
        await this.deps.questions.choose(state.lastQuestion.id, article.id);
        await this.learn(turn, state.lastQuestion.id, true);
        state.lastQuestion = { ...state.lastQuestion, articleId: article.id, category: article.category };
        delete state.offered;
        const reply = this.answerReply(say, article, null, state.lastQuestion.id, membership);
        const offer = this.deps.scripts?.offerFor(article, membership);
        if (offer && reply.kind === 'answer') reply.choices.unshift({ ...offer, label: say('script.offer') });
        return [reply];
      }
      case actions.noneOfThese:
        delete state.offered;
        return [
          {
            kind: 'text',
            markdown: say('suggestions.noneReply'),
            choices: [{ label: say('button.talkToHuman'), action: { id: actions.talkToHuman }, style: 'primary' }],
          },
        ];
      case actions.talkToHuman:
        return this.openTicket(turn, state, transcript);
      case scriptActions.start:
      case scriptActions.choice:
      case scriptActions.restart:
      case scriptActions.resume:
      case scriptActions.stop:
      case scriptActions.rate: {
        const scripts = this.deps.scripts;
        if (!scripts) return [staleButton(say)];
        const expired = await scripts.expire(state.script, turn.conversationKey, say);
        if (expired) delete state.script;
        const result = await scripts.onAction(
          action.id,
          action.value,
          state.script,
          turn.conversationKey,
          await this.membership(turn),
          say,
        );
        if (result === 'stale')
          return [...(expired ? [{ kind: 'text' as const, markdown: expired }] : []), staleButton(say)];
        return this.applyScript(turn, state, transcript, result);
      }
      case actions.ticketFromMessage:
        return this.openTicketFromMessage(turn, state);
      default:
        this.deps.logger.warn({ action: action.id, conversation: turn.conversationKey }, 'unknown action');
        return [{ kind: 'text', markdown: say('button.unknown') }];
    }
  }

  /**
   * The person as a ticket or comment records them. A chat that must ask for the name (Slack) is
   * asked here, not for every question; its answer is cleaned as the turn's own text was.
   */
  private async requester(turn: Turn): Promise<Actor> {
    const asked = turn.user.name === undefined ? await turn.user.lookUpName?.() : undefined;
    const name = turn.user.name ?? (asked ? cleanUserText(asked) : undefined);
    return { id: turn.user.id, ...(name ? { name } : {}), role: 'employee' };
  }

  /** While this conversation's ticket is open, the requester's messages go to the engineers. */
  private async relayToOpenTicket(turn: Turn, text: string, state: ConversationState): Promise<Reply | null> {
    if (!state.ticketKey) return null;
    const ticket = await this.deps.tickets.get(state.ticketKey).catch(() => null);
    if (!ticket || !openStatuses.includes(ticket.status) || ticket.requesterId !== turn.user.id) return null;
    await this.deps.tickets.comment(ticket.key, await this.requester(turn), text);
    return {
      kind: 'relayed',
      markdown: messagesFor(this.languageOf(state))('ticket.relayed', { key: ticket.key }),
      ticketKey: ticket.key,
    };
  }

  /** A submitted ticket form: field errors go back to the form; a valid one opens the ticket here. */
  private async onForm(
    turn: Turn,
    form: NonNullable<Turn['form']>,
    state: ConversationState,
    transcript: StoredMessage[],
  ): Promise<Reply[]> {
    const say = messagesFor(this.languageOf(state));
    const checked = validateTicketForm(form.fields, this.categories(), say);
    if (!checked.ok)
      return [{ kind: 'form_errors', markdown: say('ticket.formErrors'), errors: { ...checked.errors } }];
    const { subject, description, priority, category } = checked.value;
    const context = turn.context ?? {};
    const ticket = await this.deps.tickets.open({
      ...(turn.deliveryId ? { origin: turn.deliveryId } : {}),
      language: this.languageOf(state),
      requester: await this.requester(turn),
      channel: turn.channel,
      conversationKey: turn.conversationKey,
      subject,
      description,
      question: subject,
      transcript: transcript.map((line) => ({ author: line.author, text: line.text, at: line.at.toISOString() })),
      collected: { source: 'form', ...context },
      priority,
      category,
      // P3 and "general" are what the form shows before anyone chooses: a sure prediction replaces
      // them; any other priority or category is the requester's choice and stays.
      guessed: [
        ...(priority === FORM_DEFAULT_PRIORITY ? (['priority'] as const) : []),
        ...(category === FORM_DEFAULT_CATEGORY ? (['category'] as const) : []),
      ],
    });
    state.ticketKey = ticket.key;
    state.ownerId ??= turn.user.id;
    return [
      {
        kind: 'ticket',
        markdown: say('ticket.openedFromForm', { key: ticket.key }),
        ticket: ticketCard(ticket),
      },
    ];
  }

  /** A chat message turned into a ticket by someone's reaction: its text is the problem, its author the requester. */
  private async openTicketFromMessage(turn: Turn, state: ConversationState): Promise<Reply[]> {
    const say = messagesFor(this.languageOf(state));
    const text = cutText((turn.text ?? '').trim(), this.maxTextChars);
    if (!text) return [{ kind: 'text', markdown: say('ticket.messageEmpty') }];
    const existing = state.ticketKey ? await this.deps.tickets.get(state.ticketKey).catch(() => null) : null;
    if (existing && openStatuses.includes(existing.status)) {
      return [
        {
          kind: 'ticket',
          markdown: say('ticket.threadHasTicket', {
            key: existing.key,
            status: statusText(this.languageOf(state), existing.status),
          }),
          ticket: ticketCard(existing),
        },
      ];
    }
    const membership = await this.membership(turn);
    const guess = await this.deps.engine().answer(text, { allow: (article) => canSee(article, membership) });
    const article =
      guess.outcome === 'answered' ? guess.article : guess.outcome === 'suggested' ? guess.candidates[0] : undefined;
    const ticket = await this.deps.tickets.open({
      ...(turn.deliveryId ? { origin: turn.deliveryId } : {}),
      language: this.languageOf(state),
      requester: await this.requester(turn),
      channel: turn.channel,
      conversationKey: turn.conversationKey,
      subject: text.split('\n')[0]!,
      description: text,
      question: text,
      collected: { source: 'message', ...(turn.context ?? {}) },
      // The engine's guess from the message; triage replaces it when it is surer.
      ...(article ? { category: article.category } : {}),
      ...(article?.escalateTo ? { tier: article.escalateTo as Tier } : {}),
      guessed: ['category', 'tier'],
    });
    state.ticketKey = ticket.key;
    return [
      {
        kind: 'ticket',
        markdown: say('ticket.openedFromMessage', { key: ticket.key }),
        ticket: ticketCard(ticket),
      },
    ];
  }

  /**
   * A ticket form's errors per field, worded in the language the form was shown in, or null when
   * it opens a ticket: the same check the form's turn makes, for a chat that must show them in the
   * form before it answers the request (Slack's modal).
   */
  ticketFormErrors(fields: NonNullable<Turn['form']>['fields'], language: LanguageCode): Record<string, string> | null {
    const checked = validateTicketForm(fields, this.categories(), messagesFor(language));
    return checked.ok ? null : { ...checked.errors };
  }

  /** Categories an employee can choose: the knowledge base's, plus "general". */
  categories(): string[] {
    return [...new Set([...this.deps.engine().categories(), 'general'])].sort();
  }

  /** Keeps the script session and, when the script escalates, opens the ticket with everything it collected. */
  private async applyScript(
    turn: Turn,
    state: ConversationState,
    transcript: StoredMessage[],
    result: ScriptTurn,
  ): Promise<Reply[]> {
    if (result.session) state.script = result.session;
    else delete state.script;
    if (result.resolved && state.lastQuestion) await this.learn(turn, state.lastQuestion.id, true, result.resolved);
    if (!result.escalate) return result.replies;
    const e = result.escalate;
    const ticketReplies = await this.openTicket(turn, state, transcript, {
      subject: e.script.title,
      detail: this.deps.scripts!.summary(e.session, messagesFor(this.defaultLanguage)),
      collected: e.collected,
      tier: e.tier,
      priority: e.priority,
      category: e.script.category,
    });
    const ticketKey = state.ticketKey ?? null;
    await this.deps.scripts!.finish(e.session, turn.conversationKey, 'escalated', ticketKey);
    return [...result.replies, ...ticketReplies];
  }

  private async openTicket(
    turn: Turn,
    state: ConversationState,
    transcript: StoredMessage[],
    from?: {
      subject: string;
      detail: string;
      collected: Record<string, unknown>;
      tier: Tier;
      priority: Priority;
      category: string;
    },
  ): Promise<Reply[]> {
    // "Talk to a human" in the middle of a walkthrough: the engineers get its answers too.
    const session = !from && state.script && this.deps.scripts ? state.script : undefined;
    const sessionScript = session ? this.deps.scripts!.script(session.scriptId) : undefined;
    const viaScript =
      from ??
      (session
        ? {
            subject: sessionScript?.title ?? session.scriptId,
            detail: this.deps.scripts!.summary(session, messagesFor(this.defaultLanguage)),
            collected: {
              script: session.scriptId,
              answers: session.answers,
              checks: session.checks,
              path: session.path,
            },
            // The script says where its problems go; the article the question matched may not.
            ...(sessionScript
              ? {
                  tier: sessionScript.escalate.tier,
                  priority: sessionScript.escalate.priority,
                  category: sessionScript.category,
                }
              : {}),
          }
        : undefined);
    if (state.ticketKey) {
      const existing = await this.deps.tickets.get(state.ticketKey).catch(() => null);
      if (existing && openStatuses.includes(existing.status)) {
        return [
          {
            kind: 'ticket',
            markdown: messagesFor(this.languageOf(state))('ticket.alreadyOpen', {
              key: existing.key,
              status: statusText(this.languageOf(state), existing.status),
            }),
            ticket: ticketCard(existing),
          },
        ];
      }
    }
    const question = state.lastQuestion;
    const earlier = await this.deps.store.transcript(turn.conversationKey, TRANSCRIPT_FOR_TICKET);
    const lines = [...earlier, ...transcript].slice(-TRANSCRIPT_FOR_TICKET);
    const tried = question?.articleId ? this.deps.engine().article(question.articleId) : undefined;
    // Written for the engineers who read it on the card: in their language, whatever the requester's.
    const toEngineers = messagesFor(this.defaultLanguage);
    const ticket = await this.deps.tickets.open({
      ...(turn.deliveryId ? { origin: turn.deliveryId } : {}),
      language: this.languageOf(state),
      requester: await this.requester(turn),
      channel: turn.channel,
      conversationKey: turn.conversationKey,
      subject: question?.text ?? viaScript?.subject ?? toEngineers('eng.ticket.defaultSubject'),
      description: [
        question
          ? toEngineers('eng.ticket.question', { question: question.text })
          : toEngineers('eng.ticket.askedForPerson'),
        tried
          ? toEngineers('eng.ticket.botSuggested', { title: tried.title, path: tried.path })
          : toEngineers('eng.ticket.noArticle'),
        ...(viaScript ? ['', viaScript.detail] : []),
      ].join('\n'),
      question: question?.text ?? null,
      transcript: lines.map((line) => ({ author: line.author, text: line.text, at: line.at.toISOString() })),
      collected: {
        questionId: question?.id ?? null,
        articleTried: tried?.id ?? null,
        ...(viaScript ? viaScript.collected : {}),
      },
      // A script's category, tier and priority are its author's choice; the article the question
      // matched is only a guess, which triage replaces when it is surer.
      ...(viaScript?.category
        ? { category: viaScript.category }
        : question?.category
          ? { category: question.category }
          : {}),
      ...(viaScript?.tier
        ? { tier: viaScript.tier, priority: viaScript.priority }
        : question?.escalateTo
          ? { tier: question.escalateTo as Tier }
          : {}),
      ...(viaScript?.tier ? {} : { guessed: ['category', 'tier'] as const }),
    });
    state.ticketKey = ticket.key;
    if (session) {
      await this.deps.scripts!.finish(session, turn.conversationKey, 'human', ticket.key);
      delete state.script;
    }
    return [
      {
        kind: 'ticket',
        markdown: messagesFor(this.languageOf(state))('ticket.opened', { key: ticket.key }),
        ticket: ticketCard(ticket),
      },
    ];
  }

  /**
   * A vote on the article a question was answered with, counted towards learning the question
   * as a phrasing of it. Only the person who asked teaches: another's press says nothing about
   * what the asker meant. With `resolvedScript`, a walkthrough fixed it: that confirms the article
   * that offers the script, answered or (when the words left the bot unsure and the script's
   * triggers started it) the first "did you mean" candidate. Only from someone the article's
   * audience includes: a restricted article learns nothing from people outside it.
   */
  private async learn(turn: Turn, questionId: string, helpful: boolean, resolvedScript?: string): Promise<void> {
    if (!this.deps.learning) return;
    const userId = turn.user.id;
    // A question of the turn under way is not saved yet: it is saved with the turn.
    const asked = this.askedInTurn.get(turn.conversationKey)?.find((q) => q.id === questionId);
    const question = asked ?? (await this.deps.questions.find(questionId));
    if (!question?.articleId || question.userId !== userId) return;
    const article = this.deps.engine().article(question.articleId);
    if (!article || !canSee(article, await this.membership(turn))) return;
    if (resolvedScript) {
      if (article.script !== resolvedScript) return;
    } else if (question.outcome !== 'answered' && question.outcome !== 'chosen') {
      return;
    }
    if (helpful) await this.deps.learning.confirm(question.articleId, question.text, userId);
    else await this.deps.learning.notHelpful(question.articleId, question.text, userId);
  }

  /** The audiences of the turn's user, asked once per turn; unknown (no directory) is `all` only. */
  private membership(turn: Turn): Promise<Membership> {
    let membership = this.memberships.get(turn);
    if (!membership) {
      membership = this.deps.audiences
        ? this.deps.audiences.membershipOf(turn.channel, turn.user.id)
        : Promise.resolve(EVERYONE_ONLY);
      this.memberships.set(turn, membership);
    }
    return membership;
  }

  private answerReply(
    say: Say,
    article: Article,
    confidence: number | null,
    questionId: string,
    membership: Membership,
  ): Reply {
    const ref = this.ref(article);
    return {
      kind: 'answer',
      markdown: `**${article.title}**\n\n${this.answerFor(article, membership)}\n\n${say('answer.fullArticle', { url: ref.url })}`,
      article: ref,
      confidence: confidence ?? 1,
      questionId,
      choices: [
        { label: say('button.helpful'), action: { id: actions.helpful, value: questionId } },
        { label: say('button.notHelpful'), action: { id: actions.notHelpful, value: questionId } },
        { label: say('button.talkToHuman'), action: { id: actions.talkToHuman } },
      ],
    };
  }

  /** The article's answer without the lines that link to articles this person may not be given. */
  private answerFor(article: Article, membership: Membership): string {
    const engine = this.deps.engine();
    return visibleAnswer(
      article,
      (path) => engine.articleAt(path),
      (linked) => !canSee(linked, membership),
    );
  }

  private ref(article: Article): ArticleRef {
    const base = this.deps.options?.kbBaseUrl;
    const url = base ? `${base.replace(/\/+$/, '')}/${article.path}` : `knowledge-base/${article.path}`;
    return { id: article.id, title: article.title, url };
  }
}

function staleButton(say: Say): Reply {
  return { kind: 'text', markdown: say('button.stale') };
}

/** The short view of a ticket that channels put on cards. */
export function ticketCard(ticket: Ticket): TicketCard {
  return {
    key: ticket.key,
    subject: ticket.subject,
    status: ticket.status,
    priority: ticket.priority,
    tier: ticket.tier,
    category: ticket.category,
    assignee: ticket.assigneeName ?? ticket.assigneeId,
  };
}

/** A UUID-shaped id derived from a key: the same key always gives the same id. */
function idFor(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
