import type { LanguageCode } from '../../core/language/languages.js';
import { messagesFor } from '../../core/messages/catalogue.js';
import { plainNews, requesterNews, triageNews } from '../../core/tickets/ticket-news.js';
import type { TicketNotification, TicketNotifier } from '../../core/tickets/ticket-notifier.js';

/**
 * In the local chat, the triage channel and the requester's thread are the same terminal:
 * each line is printed with a prefix saying where it would go. The words are the core's (the
 * same as Slack's and Teams'); a new ticket and an escalation print a line in place of the card.
 */
export class LocalNotifier implements TicketNotifier {
  constructor(
    private readonly print: (line: string) => void,
    /** The engineers' language, the deployment's (DEFAULT_LANGUAGE): the triage lines'. */
    private readonly language: LanguageCode,
  ) {}

  async notify(n: TicketNotification): Promise<void> {
    const t = n.ticket;
    const triage = `[triage ${t.tier}]`;
    if (n.type === 'opened') {
      this.print(
        `${triage} ${messagesFor(this.language)('eng.local.newTicket', {
          key: t.key,
          priority: t.priority,
          category: t.category,
          requester: t.requesterName ?? t.requesterId,
          subject: t.subject,
        })}`,
      );
      return;
    }
    const forEngineers = triageNews(n, this.language);
    // The terminal shows every ticket's lines in one place (Slack and Teams post into the ticket's own thread).
    if (forEngineers) this.print(`${triage} ${t.key}: ${plainNews(forEngineers)}`);
    const forRequester = requesterNews(n, { threaded: false });
    if (forRequester) this.print(`[to ${t.requesterName ?? t.requesterId}] ${plainNews(forRequester)}`);
    if (n.type === 'escalated')
      this.print(`${triage} ${messagesFor(this.language)('eng.local.escalated', { key: t.key, tier: t.tier })}`);
  }
}
