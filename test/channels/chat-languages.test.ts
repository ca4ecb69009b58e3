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

describe.each(chats)('$name chat in German and French', ({ start, showsSource }) => {
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
  });
});
