import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { LocalNotifier } from '../../src/channels/local/local-notifier.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { messagesFor, statusText } from '../../src/core/messages/catalogue.js';
import { escapeCardText } from '../../src/channels/teams/card-text.js';
import {
  slackDriver,
  teamsDriver,
  ticketKeyIn,
  type CardView,
  type ChannelDriver,
  type SeenMessage,
} from '../support/channel-contract.js';
import { lexicalEnv } from '../support/lexical-env.js';
import { terminalOutput, typeAt } from '../support/local-terminal.js';
import {
  DM,
  EMPLOYEE,
  homeButtonPress,
  messageEvent,
  startSlackHarness,
  viewSubmission,
  type ApiCall,
  type SlackHarness,
} from '../support/slack.js';
import {
  cardAction,
  cardOf,
  FakeConnector,
  PERSONAL,
  startTeamsHarness,
  teamsMessage,
  type TeamsHarness,
} from '../support/teams.js';
import { databaseEnvFor } from '../support/test-database.js';
import { tempDir } from '../support/test-app.js';

// What each chat says on its own, outside the core's replies (the ticket form and its errors, the
// commands' help and lists, the terminal's /help), in the language of the person's conversation:
// a German or a French question first, then the chat's own texts. Through the chats' real seams.
const cases = [
  { language: 'de', question: 'Ich habe mein Passwort vergessen' },
  { language: 'fr', question: "j'ai oublié mon mot de passe" },
] as const;

/** English words of the chats' own texts that must not be left in another language's. */
const ENGLISH_LEFT =
  /Open a ticket|What happened\?|Subject|P2 - High|Give a few more words|Choose one of the listed|You have no tickets|My tickets|Commands:/;

interface ModalView {
  callback_id: string;
  private_metadata: string;
  title: { text: string };
  submit: { text: string };
  close: { text: string };
  blocks: Array<{
    block_id: string;
    label: { text: string };
    element: { placeholder?: { text: string }; options?: Array<{ text: { text: string }; value: string }> };
  }>;
}

describe('Slack: the ticket form, its errors, /helpdesk and App Home speak the conversation language', () => {
  let h: SlackHarness;
  afterEach(async () => {
    await h?.close();
  });

  async function asks(question: string): Promise<void> {
    await h.event(
      messageEvent({ user: EMPLOYEE, channel: DM, channelType: 'im', text: question, ts: '1700009000.000100' }),
    );
    await h.settle();
  }

  const lastModal = (): ModalView => h.api.of('views.open').at(-1)!.args.view as ModalView;
  const ephemeralText = async (response: Response) => ((await response.json()) as { text: string }).text;

  it.each(cases)(
    '$language: labels, examples, priorities, errors and the ticket it opens',
    async ({ language, question }) => {
      const t = messagesFor(language);
      h = await startSlackHarness();
      await asks(question);

      await h.command('');
      await h.settle();
      const view = lastModal();
      expect([view.title.text, view.submit.text, view.close.text]).toEqual([
        t('form.title'),
        t('form.submit'),
        t('form.cancel'),
      ]);
      expect(view.blocks.map((b) => b.label.text)).toEqual([
        t('form.subject'),
        t('form.description'),
        t('form.priority'),
        t('form.category'),
      ]);
      expect(view.blocks[0]!.element.placeholder?.text).toBe(t('form.subjectExample'));
      expect(view.blocks[2]!.element.options?.map((o) => o.text.text)).toEqual(
        ['P1', 'P2', 'P3', 'P4'].map((p) => t(`ticket.priority.${p}` as 'ticket.priority.P1')),
      );
      expect(JSON.stringify(view)).not.toMatch(ENGLISH_LEFT);

      // Errors in place, in the form's language (answered inside Slack's request, before any turn).
      const bad = await h.interaction(
        viewSubmission({
          user: EMPLOYEE,
          callbackId: view.callback_id,
          privateMetadata: view.private_metadata,
          values: {
            subject: { type: 'plain_text_input', value: 'vpn' },
            description: { type: 'plain_text_input', value: 'kaputt' },
            priority: { type: 'static_select', selected_option: { value: 'P2' } },
            category: { type: 'static_select', selected_option: { value: 'no-such-category' } },
          },
        }),
      );
      const { errors } = (await bad.json()) as { errors: Record<string, string> };
      expect(errors).toEqual({
        subject: t('form.subjectShort'),
        description: t('form.descriptionShort'),
        category: t('form.categoryUnknown'),
      });

      // A valid form: the DM placeholder, the reply and the ticket are in that language.
      const sent = h.api.calls.length;
      await h.interaction(
        viewSubmission({
          user: EMPLOYEE,
          callbackId: view.callback_id,
          privateMetadata: view.private_metadata,
          values: {
            subject: { type: 'plain_text_input', value: 'VPN bricht ständig ab' },
            description: { type: 'plain_text_input', value: 'Seit heute Morgen alle zehn Minuten, im Homeoffice.' },
            priority: { type: 'static_select', selected_option: { value: 'P2' } },
            category: { type: 'static_select', selected_option: { value: 'network' } },
          },
        }),
      );
      await h.settle();
      const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow();
      expect(ticket.language).toBe(language);
      const toEmployee = h.api.calls
        .slice(sent)
        .filter(
          (c: ApiCall) =>
            c.method === 'chat.postMessage' && (c.args.channel === EMPLOYEE || String(c.args.channel).startsWith('D')),
        )
        .map((c) => JSON.stringify([c.args.text, c.args.blocks]))
        .join('\n');
      expect(toEmployee).toContain(t('ticket.opening', { subject: 'VPN bricht ständig ab' }));
      expect(toEmployee).toContain(t('ticket.openedFromForm', { key: ticket.key }));
      expect(toEmployee).not.toMatch(/Opening a ticket|I've opened ticket/);

      // The command's own answers: help, the person's tickets.
      const help = await ephemeralText(await h.command('help'));
      expect(help).toBe(t('help.slack', { command: '/helpdesk' }));
      const mine = await ephemeralText(await h.command('mine'));
      expect(mine).toContain(`*${ticket.key}* ${statusText(language, 'new')} · P2`);

      // App Home: the person's tickets and the form it opens.
      await h.event({ type: 'app_home_opened', user: EMPLOYEE, channel: DM, tab: 'home', ts: '1700009100.000100' });
      await h.settle();
      const home = JSON.stringify(h.api.of('views.publish').at(-1)!.args.view);
      for (const key of ['home.title', 'home.intro', 'form.title', 'ticket.mine', 'form.comment'] as const)
        expect(home).toContain(JSON.stringify(t(key)).slice(1, -1));
      expect(home).not.toMatch(ENGLISH_LEFT);
      await h.interaction(homeButtonPress({ user: EMPLOYEE, actionId: 'home.new_ticket' }));
      await h.settle();
      expect(lastModal().title.text).toBe(t('form.title'));
    },
  );

  it('with DEFAULT_LANGUAGE=de, someone who never wrote gets the German form and German errors', async () => {
    const t = messagesFor('de');
    h = await startSlackHarness({ DEFAULT_LANGUAGE: 'de' });
    await h.command('ticket');
    await h.settle();
    const view = lastModal();
    expect(view.title.text).toBe(t('form.title'));
    const bad = await h.interaction(
      viewSubmission({
        user: EMPLOYEE,
        callbackId: view.callback_id,
        privateMetadata: view.private_metadata,
        values: { priority: { type: 'static_select', selected_option: { value: 'P3' } } },
      }),
    );
    expect(((await bad.json()) as { errors: Record<string, string> }).errors.subject).toBe(t('form.subjectMissing'));
    // A form that is not ours (or out of date) is refused in the person's language too.
    const forged = await h.interaction(
      viewSubmission({ user: EMPLOYEE, callbackId: view.callback_id, privateMetadata: '{}', values: {} }),
    );
    expect(((await forged.json()) as { errors: Record<string, string> }).errors.subject).toBe(t('form.outOfDate'));
    expect(await ephemeralText(await h.command('mine'))).toBe(t('ticket.noneYet'));
  });
});

describe("Teams: the ticket form card, its errors and 'mine' speak the conversation language", () => {
  let h: TeamsHarness;
  afterEach(async () => {
    await h?.close();
  });

  it.each(cases)('$language: labels, priorities, errors in the card and the list', async ({ language, question }) => {
    const t = messagesFor(language);
    h = await startTeamsHarness();
    await h.send(teamsMessage({ text: question }));
    await h.settle();

    const before = h.connector.postsTo(PERSONAL).length;
    await h.send(teamsMessage({ text: 'ticket' }));
    await h.settle();
    const posted = h.connector.postsTo(PERSONAL)[before]!;
    const form = cardOf(posted)!;
    const inputs = (form.body as Array<{ type: string; label?: string; text?: string; errorMessage?: string }>).filter(
      (b) => b.type.startsWith('Input.'),
    );
    expect(inputs.map((i) => i.label)).toEqual([
      t('form.subject'),
      t('form.description'),
      t('form.priority'),
      t('form.category'),
    ]);
    expect(inputs[0]!.errorMessage).toBe(t('form.subjectMissing'));
    expect(JSON.stringify(form)).toContain(t('ticket.priority.P2'));
    expect(JSON.stringify(form)).toContain(`**${t('form.title')}**`);
    expect(JSON.stringify(form)).not.toMatch(ENGLISH_LEFT);

    // Errors come back in the form, which stays in the same words.
    const submit = cardAction(form, t('form.submit')).data as Record<string, unknown>;
    const formId = String((posted.body as { id?: string }).id ?? '1001');
    await h.send(
      teamsMessage({
        value: { ...submit, subject: 'vpn', description: 'kaputt', priority: 'P2', category: 'nope' },
        replyToId: formId,
      }),
    );
    await h.settle();
    const shown = FakeConnector.textOf(h.connector.updatesIn(PERSONAL).at(-1));
    const asShown = (text: string) => JSON.stringify(escapeCardText(text)).slice(1, -1);
    expect(shown).toContain(asShown(t('form.subjectShort')));
    expect(shown).toContain(asShown(t('form.categoryUnknown')));
    expect(shown).toContain(`**${t('form.title')}**`);
    expect(shown).not.toMatch(ENGLISH_LEFT);

    const listed = h.connector.postsTo(PERSONAL).length;
    await h.send(teamsMessage({ text: 'mine' }));
    await h.settle();
    const list = JSON.stringify(cardOf(h.connector.postsTo(PERSONAL)[listed]));
    expect(list).toContain(`**${t('ticket.mine')}**`);
    expect(list).toContain(t('ticket.noneYet'));

    // '?' names no language: the commands' help in the conversation's.
    const asked = h.connector.postsTo(PERSONAL).length;
    await h.send(teamsMessage({ text: '?' }));
    await h.settle();
    expect(FakeConnector.textOf(h.connector.postsTo(PERSONAL)[asked])).toContain(
      JSON.stringify(t('help.teams')).slice(1, -1),
    );
  });
});

describe('the local chat: /help and /mine speak the conversation language', () => {
  let app: App | undefined;
  let cleanup: (() => void) | undefined;
  afterEach(async () => {
    await app?.close();
    cleanup?.();
  });

  async function terminal(): Promise<(line: string) => Promise<string>> {
    const folder = tempDir('helpdesk-local-');
    cleanup = folder.cleanup;
    const config = loadConfig({
      DATA_DIR: folder.dir,
      ...databaseEnvFor(folder.dir),
      KB_DIR: path.resolve(import.meta.dirname, '../../knowledge-base'),
      ...lexicalEnv,
    });
    const screen = terminalOutput();
    const { output } = screen;
    app = await createApp(
      config,
      silentLogger,
      new LocalNotifier((line) => output.write(`${line}\n`), config.defaultLanguage),
    );
    return typeAt(app, screen);
  }

  it.each(cases)('$language: the commands, the lists and what it says of a choice', async ({ language, question }) => {
    const t = messagesFor(language);
    const type = await terminal();
    expect(await type('/help')).toContain('Commands:');
    await type(question);
    const help = await type('/help');
    expect(help.trim()).toBe(t('local.help'));
    expect(await type('/mine')).toContain(t('ticket.noneYet'));
    expect(await type('/nope')).toContain(t('local.unknownCommand', { command: '/nope' }));
    // The answer's three choices: a number past them is refused in the same words.
    expect(await type('9')).toContain(t('local.noChoice', { number: 9, count: 3 }));
    const opened = await type('3');
    expect(opened).toContain(t('ticket.opened', { key: '' }).split(' ')[0]!);
    // The ticket's facts under the reply, in the reply's words.
    expect(opened).toContain(`${t('ticket.field.status')}: ${statusText(language, 'new')}`);
    expect(opened).toContain(`${t('ticket.field.category')}: `);
    // As an engineer the terminal speaks the engineers' language (English).
    expect(await type('/as engineer erin')).toContain('You are now erin (engineer).');
    expect(await type('/help')).toContain('Commands:');
  });
});

describe("Slack and Teams: a requester's own ticket buttons, forms and refusals in the ticket's language", () => {
  const question = 'Ich habe mein Passwort vergessen';
  const t = messagesFor('de');
  let chat: ChannelDriver | undefined;
  afterEach(async () => {
    await chat?.close();
    chat = undefined;
  });

  /** A German ticket, resolved by an engineer: what the requester sees of the resolution. */
  async function resolvedTicket(): Promise<{ key: string; told: SeenMessage[] }> {
    await chat!.employeeSays(question);
    const opened = (await chat!.employeePresses(t('button.talkToHuman'))).map((m) => m.text).join('\n');
    const key = ticketKeyIn(opened)!;
    await chat!.pressOnCard({ who: 'engineer', key, label: 'Claim' });
    await chat!.pressOnCard({ who: 'engineer', key, label: 'Resolve', form: { resolution: 'Passwort zurückgesetzt' } });
    return { key, told: await chat!.requesterSees() };
  }

  it('Slack: Reopen, its form, the rating and a stale rating refused', async () => {
    const h = await startSlackHarness();
    chat = slackDriver(h);
    const { key, told } = await resolvedTicket();
    expect(told.flatMap((m) => m.choices.map((c) => c.label))).toEqual(
      expect.arrayContaining([t('ticket.reopenButton'), '😀 5']),
    );
    expect((await chat.employeePresses('😀 5')).map((m) => m.text).join('\n')).toContain(
      t('ticket.rated', { key, score: 5 }),
    );

    await chat.employeePresses(t('ticket.reopenButton'));
    const modal = h.api.of('views.open').at(-1)!.args.view as ModalView;
    expect(modal.title.text).toBe(t('form.reopenTitle', { key }).slice(0, 23));
    expect(modal.submit.text).toBe(t('form.reopen'));
    expect(modal.blocks.at(-1)!.label.text).toBe(t('form.reopenLabel'));
    await h.interaction(
      viewSubmission({
        user: EMPLOYEE,
        callbackId: modal.callback_id,
        privateMetadata: modal.private_metadata,
        values: { reason: { type: 'plain_text_input', value: 'Es geht wieder nicht' } },
      }),
    );
    expect((await chat.requesterSees()).map((m) => m.text).join('\n')).toContain(t('news.reopenedByYou', { key }));
    // The rating buttons of the resolution are still there: pressed now, refused in German.
    const refused = (await chat.employeePresses('🙂 4')).map((m) => m.text).join('\n');
    expect(refused).toContain(t('ticket.notNow', { key, status: statusText('de', 'reopened') }));
    expect(refused).not.toMatch(/can be rated once/);
  });

  it('Teams: the reopen card and the rating', async () => {
    const h = await startTeamsHarness();
    chat = teamsDriver(h);
    const { key, told } = await resolvedTicket();
    expect(told.flatMap((m) => m.choices.map((c) => c.label))).toContain(t('ticket.reopenButton'));
    const update = JSON.stringify(
      h.connector
        .postsTo(PERSONAL)
        .map((c) => cardOf(c))
        .at(-1),
    );
    expect(update).toContain(t('form.reopenLabel'));
    expect(update).toContain(`"title":"${t('form.reopen')}"`);
    expect((await chat.employeePresses('😀 5')).map((m) => m.text).join('\n')).toContain(
      t('ticket.rated', { key, score: 5 }),
    );
  });
});

describe("Slack and Teams: engineers' views in the deployment's language (DEFAULT_LANGUAGE=de), whatever the requester's", () => {
  const t = messagesFor('de');
  let chat: ChannelDriver | undefined;
  afterEach(async () => {
    await chat?.close();
    chat = undefined;
  });

  /** English words of a triage card, its forms (Teams' show-cards, Slack's modals) and the lines under it. */
  const ENGLISH_FOR_ENGINEERS =
    /What we know|"title":"Requester"|\*Requester\*|Assignee|First response|was claimed by|You claimed|Reply in this thread|on track|unclaimed|How was it resolved|Why\?|Hand it to|Give it to|To tier|Change priority|"Escalate"|"Resolve"|"Assign"|"Save"|Vendor/;

  /**
   * A French requester's ticket: the card, the requester refused its Claim button, then an engineer
   * claims it; the card before and after, the refusal, and the lines under the card.
   */
  async function claimed(): Promise<{
    key: string;
    before: CardView;
    after: CardView;
    refused: string;
    engineersRead: string;
  }> {
    await chat!.employeeSays("j'ai oublié mon mot de passe");
    const opened = (await chat!.employeePresses(messagesFor('fr')('button.talkToHuman'))).map((m) => m.text);
    const key = ticketKeyIn(opened.join('\n'))!;
    const before = await chat!.cardOf(key);
    const refused = (await chat!.pressOnCard({ who: 'employee', key, label: t('eng.button.claim') })).join('\n');
    await chat!.pressOnCard({ who: 'engineer', key, label: t('eng.button.claim') });
    const after = await chat!.cardOf(key);
    return { key, before, after, refused, engineersRead: (await chat!.engineersSee(key)).join('\n') };
  }

  function expectGerman({ key, before, after, refused, engineersRead }: Awaited<ReturnType<typeof claimed>>): void {
    expect(before.buttons).toEqual(
      (['claim', 'assign', 'escalate', 'resolve', 'priority', 'category'] as const).map((b) => t(`eng.button.${b}`)),
    );
    for (const words of [
      t('eng.card.whatWeKnow'),
      t('eng.card.requester'),
      t('eng.card.assignee'),
      t('eng.card.unclaimed'),
      statusText('de', 'new'),
    ])
      expect(before.text).toContain(words);
    expect(before.text).not.toMatch(ENGLISH_FOR_ENGINEERS);
    expect(after.text).toContain(statusText('de', 'claimed'));
    expect(after.buttons).toContain(t('eng.button.reassign'));
    expect(after.text).not.toMatch(ENGLISH_FOR_ENGINEERS);
    // Teams' show-cards (the forms) ride in the card.
    if (before.text.includes('Action.ShowCard')) expect(before.text).toContain(t('eng.form.howResolved'));
    // A card's button refused to someone not on the engineers' roster: in the card's words.
    expect(refused).toContain(t('eng.refused.onlyEngineers', { what: t('eng.what.claim') }));
    // The claim's line under the card.
    expect(engineersRead).toMatch(new RegExp(`${key}\\W+ wurde von .+ übernommen`));
    expect(engineersRead).not.toMatch(ENGLISH_FOR_ENGINEERS);
  }

  it('Slack: the triage card, the claim line under it, its forms and a refusal on it are German', async () => {
    const h = await startSlackHarness({ DEFAULT_LANGUAGE: 'de' });
    chat = slackDriver(h);
    const seen = await claimed();
    expectGerman(seen);
    // The requester is told in their own language (French), not the engineers'.
    expect((await chat.requesterSees()).map((m) => m.text).join('\n')).toMatch(/s'occupe maintenant de \*?HD-/);
    // The engineers' form behind a button: Slack's modal.
    await chat.pressOnCard({
      who: 'engineer',
      key: seen.key,
      label: t('eng.button.resolve'),
      form: { resolution: 'Passwort zurückgesetzt' },
    });
    const modal = JSON.stringify(h.api.of('views.open').at(-1)!.args.view);
    expect(modal).toContain(t('eng.form.howResolved'));
    expect(modal).toContain(t('eng.form.resolveTitle', { key: seen.key }));
    expect(modal).not.toMatch(ENGLISH_FOR_ENGINEERS);
  });

  it('Teams: the triage card, the claim line under it, its forms and a refusal on it are German', async () => {
    chat = teamsDriver(await startTeamsHarness({ DEFAULT_LANGUAGE: 'de' }));
    expectGerman(await claimed());
  });
});
