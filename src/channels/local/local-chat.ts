import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { ConversationService } from '../../core/conversation/conversation-service.js';
import type { Choice } from '../../core/conversation/turn.js';
import { apologise } from '../../core/apology.js';
import type { LanguageCode } from '../../core/language/languages.js';
import { messagesFor, statusText, type Say } from '../../core/messages/catalogue.js';
import { isCoreError, refusalText } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { TicketActionHandler, type TicketActionInput } from '../../core/tickets/ticket-action-handler.js';
import type { TicketService } from '../../core/tickets/ticket-service.js';
import { ticketActions } from '../../core/tickets/triage-card.js';
import { tiers, type Actor, type Ticket } from '../../core/tickets/ticket.js';
import { renderReplies } from './text-renderer.js';

export interface LocalChatOptions {
  conversations: ConversationService;
  tickets: TicketService;
  input: Readable;
  output: Writable;
  /** A person at a terminal (prompt, banner) rather than piped lines. */
  interactive: boolean;
  userName: string;
  logger: Logger;
  /**
   * /web: a sign-in link to the web view for the person at the terminal (absent: the view is off),
   * with the terminal's time zone, worded in `language` (the person's).
   */
  webLink?: (actor: Actor, timeZone: string, language: LanguageCode) => Promise<{ text: string; url: string | null }>;
  /** The terminal's time zone (default: this process's, from TZ or the system): the web view's for the person at it. */
  timeZone?: string;
}

/**
 * The terminal channel: employees chat with the bot, and the same terminal can act as an
 * engineer, so the whole flow can be tried without Slack or Teams. Converts lines to turns
 * and renders replies as text; decisions stay in the core.
 */
export class LocalChat {
  private choices: Choice[] = [];
  private actor: Actor;
  private readonly actionHandler: TicketActionHandler;

  constructor(private readonly options: LocalChatOptions) {
    this.actor = { id: options.userName, name: options.userName, role: 'employee' };
    // The terminal posts no cards, so no button press is ever checked against one.
    this.actionHandler = new TicketActionHandler(
      options.tickets,
      { find: async () => null },
      undefined,
      () => options.conversations.categories(),
      options.conversations.defaultLanguage,
    );
  }

  print(text: string): void {
    this.options.output.write(`${text}\n`);
  }

  /** Reads lines until end of input (or /quit), handling each before reading the next. */
  async run(): Promise<void> {
    const { interactive } = this.options;
    const lines = createInterface({ input: this.options.input, terminal: false, crlfDelay: Infinity });
    if (interactive) {
      this.print(`${(await this.say())('local.banner', { name: this.actor.name ?? this.actor.id })}\n`);
      this.prompt();
    }
    for await (const line of lines) {
      const keepGoing = await this.handleLine(line);
      if (!keepGoing) break;
      if (interactive) this.prompt();
    }
    lines.close();
  }

  /** Handles one line; false means the user asked to quit. */
  async handleLine(raw: string): Promise<boolean> {
    const line = raw.trim();
    if (!line) return true;
    try {
      if (line.startsWith('/')) return await this.command(line);
      const number = /^\d{1,2}$/.test(line) ? Number(line) : NaN;
      const choice = this.choices[number - 1];
      if (!Number.isNaN(number) && !choice && this.choices.length > 0) {
        this.print((await this.say())('local.noChoice', { number, count: this.choices.length }));
        return true;
      }
      const turn = {
        conversationKey: this.conversationKey(),
        channel: 'local',
        user: { id: this.actor.id, ...(this.actor.name ? { name: this.actor.name } : {}) },
        ...(choice ? { action: choice.action } : { text: line }),
      };
      const rendered = renderReplies(await this.options.conversations.handle(turn));
      this.choices = rendered.choices;
      this.print(rendered.text);
    } catch (error) {
      // A refusal in the words the terminal speaks to its person in: an employee's conversation's, an engineer's the engineers'.
      this.print(
        isCoreError(error)
          ? refusalText(error, await this.say())
          : error instanceof UsageError
            ? error.message
            : apologise(this.options.logger, error, 'local chat line', { language: await this.language() }),
      );
    }
    return true;
  }

  private conversationKey(): string {
    return `local:${this.actor.id}`;
  }

  /**
   * The language the terminal speaks to its person in outside a turn: an employee's conversation's
   * (else their latest, else the deployment's), as the bot's replies; an engineer's the engineers'.
   */
  private language(): Promise<LanguageCode> {
    if (this.actor.role === 'engineer') return Promise.resolve(this.options.conversations.defaultLanguage);
    return this.options.conversations.languageFor({
      channel: 'local',
      userId: this.actor.id,
      conversationKey: this.conversationKey(),
    });
  }

  private async say(): Promise<Say> {
    return messagesFor(await this.language());
  }

  private prompt(): void {
    this.options.output.write(`${this.actor.role === 'engineer' ? 'engineer' : 'you'}> `);
  }

  private async command(line: string): Promise<boolean> {
    const [command = '', ...args] = line.split(/\s+/);
    const tickets = this.options.tickets;
    const key = args[0] ?? '';
    const rest = args.slice(1).join(' ');
    // Usage lines are for the person at the terminal, in the words it speaks to them in.
    const say = await this.say();
    const needKey = () => {
      if (!key) throw new UsageError(say('local.usageKey', { command }));
    };
    switch (command.toLowerCase()) {
      case '/quit':
      case '/exit':
        return false;
      case '/help':
        this.print((await this.say())('local.help'));
        return true;
      case '/as': {
        const role = args[0] === 'engineer' ? 'engineer' : args[0] === 'employee' ? 'employee' : undefined;
        if (!role) throw new UsageError((await this.say())('local.asUsage'));
        const name = args[1] ?? (role === 'engineer' ? 'engineer' : this.options.userName);
        this.actor = { id: name, name, role };
        this.choices = [];
        this.print((await this.say())(role === 'engineer' ? 'local.nowEngineer' : 'local.nowEmployee', { name }));
        return true;
      }
      case '/web': {
        const language = await this.language();
        const reply = this.options.webLink
          ? await this.options.webLink(
              this.actor,
              this.options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
              language,
            )
          : { text: messagesFor(language)('web.off'), url: null };
        this.print(reply.url ? `${reply.text}\n${reply.url}` : reply.text);
        return true;
      }
      case '/queue': {
        const open = await tickets.queue();
        this.print(
          open.length === 0
            ? messagesFor(this.options.conversations.defaultLanguage)('eng.queue.empty')
            : open.map((ticket) => ticketLine(ticket, this.options.conversations.defaultLanguage)).join('\n'),
        );
        return true;
      }
      case '/mine': {
        const mine = await tickets.ticketsOf(this.actor.id);
        const language = await this.language();
        this.print(
          mine.length === 0
            ? messagesFor(language)('ticket.noneYet')
            : mine.map((ticket) => ticketLine(ticket, language)).join('\n'),
        );
        return true;
      }
      case '/show': {
        needKey();
        const ticket = await tickets.get(key);
        const events = await tickets.history(ticket);
        this.print(
          [
            ticketLine(ticket, this.options.conversations.defaultLanguage),
            ticket.description,
            ...events.map(
              (e) =>
                `  ${e.createdAt.toISOString()} ${e.actorName ?? e.actorId}: ${e.type}${e.toStatus ? ` -> ${e.toStatus}` : ''}${describe(e.detail)}`,
            ),
          ].join('\n'),
        );
        return true;
      }
      case '/claim':
        needKey();
        await this.perform(ticketActions.claim, key, {});
        return true;
      case '/escalate': {
        needKey();
        // A tier is optional (the next one); the reason is not, as on the cards' Escalate form.
        const tier = tiers.find((t) => t === args[1]);
        const reason = (tier ? args.slice(2) : args.slice(1)).join(' ');
        await this.perform(ticketActions.escalate, key, { ...(tier ? { tier } : {}), ...(reason ? { reason } : {}) });
        return true;
      }
      case '/assign': {
        needKey();
        // The terminal has no roster: any name typed here acts as an engineer, as /as engineer does.
        const name = args[1];
        if (!name) throw new UsageError(say('local.usageAssign'));
        await this.perform(ticketActions.assign, key, { assignee: { id: name, name, role: 'engineer' } });
        return true;
      }
      case '/priority':
        needKey();
        if (!args[1]) throw new UsageError(say('local.usagePriority'));
        await this.perform(ticketActions.priority, key, {
          priority: args[1],
          ...(args[2] ? { reason: args.slice(2).join(' ') } : {}),
        });
        return true;
      case '/category':
        needKey();
        if (!args[1]) {
          this.print(say('local.usageCategory', { categories: this.actionHandler.categories().join(', ') }));
          return true;
        }
        await this.perform(ticketActions.category, key, {
          category: args[1],
          ...(args[2] ? { reason: args.slice(2).join(' ') } : {}),
        });
        return true;
      case '/wait': {
        needKey();
        // The requester reads the note: a default in their ticket's language.
        const note = rest || messagesFor((await tickets.get(key)).language ?? undefined)('local.waitNote');
        this.done(await tickets.wait(key, this.actor, note));
        return true;
      }
      case '/resolve':
        needKey();
        await this.perform(ticketActions.resolve, key, { resolution: rest });
        return true;
      case '/close':
        needKey();
        this.done(await tickets.close(key, this.actor, rest || undefined));
        return true;
      case '/reopen':
        needKey();
        // The engineers read the reason: a default in their language.
        await this.perform(ticketActions.reopen, key, {
          reason: rest || messagesFor(this.options.conversations.defaultLanguage)('eng.local.reopenNote'),
        });
        return true;
      default:
        this.print((await this.say())('local.unknownCommand', { command }));
        return true;
    }
  }

  /** A ticket action through the action handler, as the chats' buttons go: its checks and its words. */
  private async perform(actionId: string, key: string, input: TicketActionInput): Promise<void> {
    const { ticket, message } = await this.actionHandler.perform({ actionId, value: key, actor: this.actor, input });
    this.print(`OK: ${message}\n${ticketLine(ticket, this.options.conversations.defaultLanguage)}`);
  }

  private done(ticket: Ticket): void {
    this.print(`OK: ${ticketLine(ticket, this.options.conversations.defaultLanguage)}`);
  }
}

class UsageError extends Error {}

/** A ticket on one line, its status in `language`'s words (the engineers' unless it is an employee's own list). */
function ticketLine(t: Ticket, language: LanguageCode): string {
  const who = t.assigneeName ?? t.assigneeId;
  return `${t.key} [${statusText(language, t.status)}] ${t.priority} ${t.tier} ${t.category}: ${t.subject}${who ? ` (${who})` : ''}`;
}

function describe(detail: Record<string, unknown>): string {
  const parts = Object.entries(detail)
    .filter(([k, v]) => k !== 'command' && k !== 'origin' && k !== 'told' && v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
