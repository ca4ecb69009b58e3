import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { messagesFor, statusText } from '../../src/core/messages/catalogue.js';
import {
  localDriver,
  slackDriver,
  teamsDriver,
  type ChannelDriver,
  type SeenMessage,
} from '../support/channel-contract.js';
import { startSlackHarness } from '../support/slack.js';
import { startTeamsHarness } from '../support/teams.js';

// One German and one French conversation in each chat: the bot's framing, its buttons and what
// follows a press are in the asker's language; the channel's own word beside the link ("Source:")
// too, where the chat shows one (Slack's context line, Teams' card; the terminal prints the core's text).
const chats: Array<{ name: string; start: () => Promise<ChannelDriver>; showsSource: boolean }> = [
  { name: 'local', start: () => localDriver(), showsSource: false },
  { name: 'slack', start: async () => slackDriver(await startSlackHarness()), showsSource: true },
  { name: 'teams', start: async () => teamsDriver(await startTeamsHarness()), showsSource: true },
];

const cases = [
  { language: 'de', question: 'Ich habe mein Passwort vergessen', title: 'Passwort vergessen – selbst zurücksetzen' },
  {
    language: 'fr',
    question: "j'ai oublié mon mot de passe",
    title: 'Mot de passe oublié – le réinitialiser vous-même',
  },
];

const withChoices = (seen: SeenMessage[]) => seen.find((m) => m.choices.length > 0);

describe.each(chats)('$name chat in German and French', ({ name, start, showsSource }) => {
  let chat: ChannelDriver;
  beforeEach(async () => {
    chat = await start();
  });
  afterEach(async () => {
    await chat.close();
  });

  it.each(cases)('$language: framing, buttons and the reply to a press', async ({ language, question, title }) => {
    const t = messagesFor(language);
    const answer = withChoices(await chat.employeeSays(question));
    expect(answer?.text).toContain(title);
    expect(answer?.text).toContain(t('answer.fullArticle', { url: '' }).trim());
    expect(answer?.choices.map((c) => c.label)).toEqual([
      t('button.helpful'),
      t('button.notHelpful'),
      t('button.talkToHuman'),
    ]);
    if (showsSource) expect(answer?.text).toContain(t('answer.source', { link: '' }).trim());
    expect(answer?.text).not.toContain('Full article:');
    expect(answer?.text).not.toMatch(/\bSource: /);

    const sorry = await chat.employeePresses(t('button.notHelpful'));
    expect(sorry.map((m) => m.text).join('\n')).toContain(t('feedback.notHelpful'));

    const ticket = await chat.employeePresses(t('button.talkToHuman'));
    const opened = ticket.map((m) => m.text).join('\n');
    expect(opened).toMatch(
      language === 'de' ? /Ich habe das Ticket \S+ für Sie eröffnet/ : /J'ai ouvert le ticket \S+ pour vous/,
    );
    // The ticket's summary beside it (Slack's line, Teams' facts) in the same words, its status included.
    if (showsSource) {
      const label = `(${t('ticket.field.status')}|${t('ticket.summary.status', { status: '' }).trim()})`;
      expect(opened).toMatch(new RegExp(`${label}:? \\*?${statusText(language, 'new')}\\b`, 'u'));
      expect(opened).not.toMatch(/\bstatus \*new\*|Subject: /);
    }

    // The ticket's updates reach the requester in their language; the engineers' card stays the deployment's.
    const key = /\b([A-Z]+-\d+)\b/.exec(opened)![1]!;
    expect((await chat.app.tickets.get(key)).language).toBe(language);
    await chat.pressOnCard({ who: 'engineer', key, label: 'Claim' });
    const claimed = (await chat.requesterSees()).map((m) => m.text).join('\n');
    expect(claimed).toContain(key);
    expect(claimed).toContain(language === 'de' ? 'arbeitet jetzt an' : 'occupe maintenant de');
    await chat.pressOnCard({ who: 'engineer', key, label: 'Resolve', form: { resolution: 'Firmware 1.2' } });
    const resolved = (await chat.requesterSees()).map((m) => m.text).join('\n');
    expect(resolved).toMatch(
      new RegExp(`${key}.*${language === 'de' ? 'ist gelöst' : 'est résolu'}.*Firmware 1\\.2`, 's'),
    );
    expect(resolved).toContain(language === 'de' ? 'Wie war unsere Hilfe?' : 'Comment avons-nous fait');
    expect(`${claimed}\n${resolved}`).not.toMatch(/is now working on|is resolved|How did we do/);
  });

  it.each([
    { language: 'de', word: 'hilfe' },
    { language: 'fr', word: 'aide' },
  ])('$language: "$word" is answered in that language', async ({ language, word }) => {
    const t = messagesFor(language);
    // Teams answers it with its commands; elsewhere the core's introduction.
    const text = (await chat.employeeSays(word)).map((m) => m.text).join('\n');
    expect(text).toContain(name === 'teams' ? '**ticket**' : t('intro').slice(0, 20));
    if (name === 'teams')
      expect(text).toMatch(language === 'de' ? /Stellen Sie mir Ihre IT-Frage/ : /Posez-moi votre question/);
  });

  it.each([
    { language: 'de', question: 'mein Laptop ist total langsam' },
    { language: 'fr', question: 'mon pc est super lent' },
  ])('$language: a walkthrough screen and its buttons', async ({ language, question }) => {
    const t = messagesFor(language);
    const answer = withChoices(await chat.employeeSays(question));
    expect(answer?.choices.map((c) => c.label)).toContain(t('script.offer'));
    const screen = withChoices(await chat.employeePresses(t('script.offer')));
    // The step itself is the script's (English, the editors'); the bot's words around it are the asker's.
    expect(screen?.text).toContain('Since when is it slow?');
    expect(screen?.text).toContain(t('script.typeAnswer'));
    expect(screen?.choices.map((c) => c.label)).toEqual([t('script.startOver'), t('button.talkToHuman')]);
    const again = await chat.employeePresses(t('script.startOver'));
    expect(again.map((m) => m.text).join('\n')).toContain(t('script.startingOver'));
  });
});
