import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { CoreError, refusalText } from '../../src/core/errors.js';
import { messagesFor, wording } from '../../src/core/messages/catalogue.js';
import type { TicketService } from '../../src/core/tickets/ticket-service.js';
import { transition } from '../../src/core/tickets/ticket-state-machine.js';
import { slackDriver, teamsDriver, ticketKeyIn, type ChannelDriver } from '../support/channel-contract.js';
import { terminalOutput, typeAt } from '../support/local-terminal.js';
import { startSlackHarness } from '../support/slack.js';
import { startTeamsHarness } from '../support/teams.js';
import { startTestApp, tempDir } from '../support/test-app.js';

// The core's refusals (CoreError) carry a catalogue key and its values, and are worded for the
// person told: a requester in their conversation's (or own ticket's) language, an engineer in the
// engineers' (DEFAULT_LANGUAGE). What the bot writes for engineers (the ticket's description,
// triage's reasons) is in the engineers' language too. Through the chats' real seams.

const de = messagesFor('de');
const en = messagesFor('en');
/** English of the core's refusals and of what the bot writes into a ticket, none of which may be left in German. */
const ENGLISH_REFUSAL =
  /only do that|Only the requester|is already|Cannot |There is no ticket|Question:|The bot (suggested|had)|words:|reads like|no sign of|similar past/;

/** Someone else's ticket (an English one), resolved: a rating is what its requester could give. */
async function someoneElsesResolvedTicket(tickets: TicketService): Promise<string> {
  const ticket = await tickets.open({
    requester: { id: 'U0SOMEONEELSE', name: 'Sam', role: 'employee' },
    channel: 'slack',
    conversationKey: null,
    subject: 'The printer on floor 3 jams',
    description: 'Paper jams every morning.',
    language: 'en',
  });
  const engineer = { id: 'U0ENGINEER1', name: 'Erin', role: 'engineer' } as const;
  await tickets.claim(ticket.key, engineer);
  await tickets.resolve(ticket.key, engineer, 'Replaced the roller.');
  return ticket.key;
}

describe('CoreError: a key and its values, worded for the reader; English for logs', () => {
  it('keeps the English message the service always had, and words the same refusal in German', () => {
    const error = new CoreError(
      'ILLEGAL_TRANSITION',
      wording('refused.commentReopenFirst', {
        key: 'HD-7',
        status: wording('ticket.status.closed'),
      }),
    );
    expect(error.message).toBe('HD-7 is closed; reopen it to add a comment.');
    expect(error.key).toBe('refused.commentReopenFirst');
    expect(refusalText(error, en)).toBe(error.message);
    expect(refusalText(error, de)).toBe(
      'HD-7 hat den Status „geschlossen“; öffnen Sie es wieder, um einen Kommentar hinzuzufügen.',
    );
    // A value that looks like a placeholder stays as it is (a name is the person's words).
    const named = new CoreError('INVALID_INPUT', wording('refused.notEngineer', { name: '{key} <b>' }));
    expect(refusalText(named, de)).toBe('{key} <b> gehört nicht zum IT-Team.');
  });

  it("a change the status does not allow: the state machine's English reason and the German wording agree", () => {
    const result = transition('HD-7', 'closed', 'reopen');
    expect(result).toEqual({
      ok: false,
      reason: 'Cannot reopen HD-7: it is closed. Closed tickets are final: open a new ticket and mention this one.',
    });
  });
});

describe("Slack and Teams: a German requester's refused button is told in German", () => {
  let chat: ChannelDriver | undefined;
  afterEach(async () => {
    await chat?.close();
    chat = undefined;
  });

  /** A German ticket of the employee's, resolved: its rating buttons are in their conversation. */
  async function germanRequesterWithRatings(): Promise<void> {
    await chat!.employeeSays('Ich habe mein Passwort vergessen');
    const opened = (await chat!.employeePresses(de('button.talkToHuman'))).map((m) => m.text).join('\n');
    const key = ticketKeyIn(opened)!;
    await chat!.pressOnCard({ who: 'engineer', key, label: 'Claim' });
    await chat!.pressOnCard({ who: 'engineer', key, label: 'Resolve', form: { resolution: 'Passwort zurückgesetzt' } });
    await chat!.requesterSees();
  }

  it.each([
    ['Slack', async () => slackDriver(await startSlackHarness())],
    ['Teams', async () => teamsDriver(await startTeamsHarness())],
  ] as const)("%s: rating someone else's (English) ticket", async (_chat, start) => {
    chat = await start();
    await germanRequesterWithRatings();
    const other = await someoneElsesResolvedTicket(chat.app.tickets);
    // Their own rating button with another ticket's key: refused in the presser's language, not the ticket's.
    const refused = (await chat.employeePressesForged!('😀 5', `${other}:5`)).map((m) => m.text).join('\n');
    expect(refused).toContain(de('ticket.onlyYours'));
    expect(refused).not.toMatch(ENGLISH_REFUSAL);
    expect((await chat.app.tickets.get(other)).satisfaction).toBeNull();
  });
});

describe("Slack and Teams with DEFAULT_LANGUAGE=de: an engineer's refusal, the ticket's description and triage's reasons in German", () => {
  let chat: ChannelDriver | undefined;
  afterEach(async () => {
    await chat?.close();
    chat = undefined;
  });

  it.each([
    ['Slack', async () => slackDriver(await startSlackHarness({ DEFAULT_LANGUAGE: 'de' }))],
    ['Teams', async () => teamsDriver(await startTeamsHarness({ DEFAULT_LANGUAGE: 'de' }))],
  ] as const)('%s', async (_chat, start) => {
    chat = await start();
    // A French requester: what the bot writes for the engineers follows the deployment, not them.
    const question = "j'ai oublié mon mot de passe";
    await chat.employeeSays(question);
    const opened = (await chat.employeePresses(messagesFor('fr')('button.talkToHuman'))).map((m) => m.text).join('\n');
    const key = ticketKeyIn(opened)!;
    const ticket = await chat.app.tickets.get(key);
    expect(ticket.description.split('\n')[0]).toBe(de('eng.ticket.question', { question }));
    expect(ticket.description).toMatch(
      /^Der Bot (hat „.+“ \(.+\) vorgeschlagen; das hat das Problem nicht gelöst|hatte keinen passenden Artikel)\.$/m,
    );
    expect(ticket.description).not.toMatch(ENGLISH_REFUSAL);
    const why = (ticket.collected.triage as { why?: string[] } | undefined)?.why ?? [];
    expect(why.length).toBeGreaterThan(0);
    expect(why.join('\n')).not.toMatch(ENGLISH_REFUSAL);
    expect((await chat.cardOf(key)).text).toContain(de('eng.ticket.question', { question }).split(':')[0]!);

    // An engineer sets the priority it already has: the service's refusal, in the engineers' language.
    const told = (
      await chat.pressOnCard({
        who: 'engineer',
        key,
        label: de('eng.button.priority'),
        form: { priority: ticket.priority },
      })
    ).join('\n');
    expect(told).toContain(de('refused.samePriority', { key, priority: ticket.priority }));
    expect(told).not.toMatch(ENGLISH_REFUSAL);
  });
});

describe('the local chat: refusals in the person’s language, an engineer’s in the engineers’', () => {
  let app: App | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await app?.close();
    cleanup?.();
    app = undefined;
  });

  async function terminal(env: Record<string, string> = {}): Promise<(line: string) => Promise<string>> {
    const folder = tempDir('helpdesk-refusals-');
    cleanup = folder.cleanup;
    app = (await startTestApp(folder.dir, env)).app;
    return typeAt(app, terminalOutput());
  }

  it("a German employee closing someone else's ticket, or naming none, is told in German", async () => {
    const type = await terminal();
    await type('Ich habe mein Passwort vergessen');
    const other = await someoneElsesResolvedTicket(app!.tickets);
    const closing = await type(`/close ${other}`);
    expect(closing).toContain(de('refused.notYours.close', { key: other }));
    expect(closing).not.toMatch(ENGLISH_REFUSAL);
    expect((await app!.tickets.get(other)).status).toBe('resolved');
    expect(await type('/show HD-99999')).toContain(de('refused.noTicket', { key: 'HD-99999' }));
    // The same person as an engineer is told in the engineers' language: English here.
    await type('/as engineer erin');
    expect(await type(`/priority ${other} ${(await app!.tickets.get(other)).priority}`)).toContain(
      en('refused.samePriority', { key: other, priority: (await app!.tickets.get(other)).priority }),
    );
  });

  it("its usage lines in its person's language; /wait's default note in the requester's, /reopen's in the engineers'", async () => {
    const type = await terminal();
    await type('Ich habe mein Passwort vergessen');
    expect(await type('/close')).toContain(de('local.usageKey', { command: '/close' }));
    const german = await app!.tickets.open({
      requester: { id: 'U0GERMAN', name: 'Greta', role: 'employee' },
      channel: 'local',
      conversationKey: null,
      subject: 'Der Drucker im 3. Stock klemmt',
      description: 'Jeden Morgen Papierstau.',
      language: 'de',
    });
    await type('/as engineer erin');
    expect(await type(`/priority ${german.key}`)).toContain(en('local.usagePriority'));
    await type(`/claim ${german.key}`);
    await type(`/wait ${german.key}`);
    await type(`/resolve ${german.key} Walze getauscht`);
    await type(`/reopen ${german.key}`);
    const events = await app!.tickets.history(await app!.tickets.get(german.key));
    const detail = (command: string) => events.find((e) => e.detail.command === command)?.detail;
    expect(detail('wait')?.note).toBe(de('local.waitNote'));
    expect(detail('reopen')?.reason).toBe(en('eng.local.reopenNote'));
  });

  it('an English employee gets the English texts the service always said', async () => {
    const type = await terminal();
    await type('I forgot my password');
    const other = await someoneElsesResolvedTicket(app!.tickets);
    expect(await type(`/close ${other}`)).toContain(`Only the requester or an engineer can close ${other}.`);
    expect(await type('/show HD-99999')).toContain('There is no ticket HD-99999.');
  });

  it('with DEFAULT_LANGUAGE=de an engineer is refused in German, a French employee in French', async () => {
    const type = await terminal({ DEFAULT_LANGUAGE: 'de' });
    await type("j'ai oublié mon mot de passe");
    const other = await someoneElsesResolvedTicket(app!.tickets);
    expect(await type(`/close ${other}`)).toContain(messagesFor('fr')('refused.notYours.close', { key: other }));
    await type('/as engineer erin');
    const { priority } = await app!.tickets.get(other);
    const refused = await type(`/priority ${other} ${priority}`);
    expect(refused).toContain(de('refused.samePriority', { key: other, priority }));
    // A change its status does not allow: the state machine's reason, worded in German too.
    expect(await type(`/reopen ${other} still jams`)).toContain('OK');
    expect(await type(`/reopen ${other} still jams`)).toContain(
      de('refused.cannot.reopen', { key: other, status: de('ticket.status.reopened') }),
    );
  });
});
