/**
 * The channel contract: one conversation, written once, that every chat must carry the same way
 * (question, did-you-mean, a guided script step, a ticket, claim, relay both ways, resolve,
 * rating), and the hostile presses and messages every chat must refuse politely. Each chat runs
 * it through its real entry point (test/support/channel-contract.ts). A step a chat cannot take
 * is listed in its `gaps` with the reason and shows as skipped with that reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  localDriver,
  slackDriver,
  teamsDriver,
  ticketKeyIn,
  ticketState,
  type ChannelDriver,
  type ContractGap,
  type SeenMessage,
} from '../support/channel-contract.js';
import { startSlackHarness } from '../support/slack.js';
import { startTeamsHarness } from '../support/teams.js';

interface ContractChannel {
  name: string;
  start(): Promise<ChannelDriver>;
  gaps: Partial<Record<ContractGap, string>>;
}

const channels: ContractChannel[] = [
  { name: 'slack', start: async () => slackDriver(await startSlackHarness()), gaps: {} },
  { name: 'teams', start: async () => teamsDriver(await startTeamsHarness()), gaps: {} },
  {
    name: 'local',
    start: localDriver,
    gaps: {
      cardButtons: 'the terminal posts no cards: /claim and /resolve are its buttons, /show its card',
      engineerReply: 'the local chat has no command for an engineer to write to the requester',
      rating: 'the local chat prints the resolution to the requester without rating buttons',
      forgedCardButton: 'the terminal posts no cards, so there is no button to take from one card to another',
    },
  },
];

const articleTitle = /^title: (.+)$/m.exec(
  readFileSync(path.resolve(import.meta.dirname, '../../knowledge-base/accounts/password-reset.md'), 'utf8'),
)![1]!;

const all = (messages: SeenMessage[]) => messages.map((m) => m.text).join('\n');
const labels = (messages: SeenMessage[]) => messages.flatMap((m) => m.choices.map((c) => c.label));
/** A polite refusal: something is said, and it is not the apology for an unexpected failure. */
const expectPolite = (said: string) => {
  expect(said.trim()).not.toBe('');
  expect(said).not.toMatch(/something went wrong|reference [0-9a-f]{8}|Error:|\n\s+at /);
};

/** A test's title, with the reason when the channel cannot take the step. */
const step = (channel: ContractChannel, gap: ContractGap | undefined, title: string) =>
  gap && channel.gaps[gap] ? `${title} (skipped: ${channel.gaps[gap]})` : title;
const runs = (channel: ContractChannel, gap: ContractGap) => !channel.gaps[gap];

describe.each(channels)('channel contract: $name', (channel) => {
  let chat: ChannelDriver;
  /** The ticket the conversation opens, and someone else's for the hostile cases. */
  let key = '';
  let other = '';

  beforeAll(async () => {
    chat = await channel.start();
  });
  afterAll(async () => {
    await chat?.close();
  });

  describe('the conversation', () => {
    it("answers a question from the knowledge base, with the article's title and Helpful / Not helpful / Talk to a human", async () => {
      const replies = await chat.employeeSays('how do I reset my password');
      expect(all(replies)).toContain(articleTitle);
      expect(labels(replies)).toEqual(expect.arrayContaining(['Helpful', 'Not helpful', 'Talk to a human']));
    });

    it('offers "did you mean" choices for a vague question and answers the one picked', async () => {
      const offer = await chat.employeeSays('wifi');
      const choices = labels(offer);
      expect(choices.at(-1)).toBe('None of these');
      expect(choices.length).toBeGreaterThan(1);
      const picked = choices[0]!;
      const answer = await chat.employeePresses(picked);
      // The button shows the article's title, clipped where the chat limits a label (Teams: 40 characters).
      expect(all(answer)).toContain(picked.replace(/…$/, ''));
      expect(labels(answer)).toContain('Helpful');
    });

    it('runs a guided script step: a choice leads to the next step', async () => {
      const prompt = await chat.employeeSays('cannot connect to the vpn');
      expect(all(prompt)).toMatch(/does the internet work without the VPN/i);
      expect(labels(prompt)).toEqual(
        expect.arrayContaining(['Yes, websites open', 'No, nothing loads', 'Talk to a human']),
      );
      const next = await chat.employeePresses('No, nothing loads');
      expect(all(next)).toMatch(/accept the Wi-Fi login page/);
      expect(labels(next)).toEqual(expect.arrayContaining(['Yes, it works now', 'No']));
    });

    it('"talk to a human" opens a ticket: the requester gets the confirmation and engineers the triage card', async () => {
      const confirmation = await chat.employeeSays('talk to a human');
      key = ticketKeyIn(all(confirmation)) ?? '';
      expect(key, all(confirmation)).not.toBe('');
      expect(all(confirmation)).toMatch(/opened ticket/i);
      const ticket = await chat.app.tickets.get(key);
      const card = await chat.cardOf(key);
      expect(card).toMatchObject({ status: 'new', priority: ticket.priority, assignee: null });
      if (runs(channel, 'cardButtons'))
        expect(card.buttons).toEqual(expect.arrayContaining(['Claim', 'Escalate', 'Resolve']));
    });

    it('an engineer claims it on the card: the card shows the claim and the requester is told', async () => {
      await chat.pressOnCard({ who: 'engineer', key, label: 'Claim' });
      const card = await chat.cardOf(key);
      expect(card).toMatchObject({ status: 'claimed', assignee: chat.engineerShownAs });
      if (runs(channel, 'cardButtons')) {
        expect(card.buttons).toContain('Resolve');
        expect(card.buttons).not.toContain('Claim');
      }
      // Each chat words it its own way ("Erin Engineer is now working on HD-1001", "HD-1001 was claimed by erin").
      const told = all(await chat.requesterSees());
      expect(told).toContain(key);
      expect(told).toContain(chat.engineerShownAs);
    });

    it.skipIf(!runs(channel, 'engineerReply'))(
      step(channel, 'engineerReply', "an engineer's reply under the card reaches the requester"),
      async () => {
        await chat.engineerRepliesInCardThread(key, 'Which dock model do you use?');
        expect(all(await chat.requesterSees())).toContain('Which dock model do you use?');
      },
    );

    it("the requester's reply reaches the engineers' thread as a comment on the ticket", async () => {
      await chat.employeeSays('A Dell WD19');
      expect((await chat.engineersSee(key)).join('\n')).toContain('A Dell WD19');
      const events = await chat.app.tickets.history(await chat.app.tickets.get(key));
      expect(events.some((e) => e.type === 'comment')).toBe(true);
    });

    it('resolving with a resolution tells the requester', async () => {
      await chat.pressOnCard({
        who: 'engineer',
        key,
        label: 'Resolve',
        form: { resolution: 'Updated the dock firmware' },
      });
      expect((await chat.cardOf(key)).status).toBe('resolved');
      const told = await chat.requesterSees();
      expect(all(told)).toMatch(new RegExp(`${key}.*resolved.*Updated the dock firmware`, 's'));
      if (runs(channel, 'rating')) expect(labels(told)).toEqual(expect.arrayContaining(['😞 1', '😀 5']));
    });

    it.skipIf(!runs(channel, 'rating'))(
      step(channel, 'rating', 'the requester rates the help: the rating is kept and shown on the card'),
      async () => {
        const thanks = await chat.employeePresses('😀 5');
        expectPolite(all(thanks));
        expect((await chat.app.tickets.get(key)).satisfaction).toBe(5);
        expect((await chat.cardOf(key)).text).toContain('(5/5)');
      },
    );
  });

  describe('hostile input: a polite reply, nothing changed, no crash', () => {
    beforeAll(async () => {
      // A second, open ticket, someone else's (opened through the core: only its card matters here).
      const opened = await chat.app.tickets.open({
        requester: { id: 'someone-else', name: 'Sam Someone', role: 'employee' },
        channel: 'api',
        conversationKey: null,
        subject: 'The projector in room 4 shows no picture',
        description: 'The projector in room 4 shows no picture from any laptop.',
        priority: 'P3',
        tier: 'L2',
        category: 'hardware',
      });
      other = opened.key;
      await chat.cardOf(other);
    });

    /** Every ticket's state before and after a hostile step, and that the bot still answers. */
    async function unchanged(act: () => Promise<string>, meaning: RegExp): Promise<void> {
      const keys = [key, other].filter(Boolean);
      expect(keys, 'the conversation opened the tickets').toHaveLength(2);
      const before = await ticketState(chat.app, keys);
      const said = await act();
      expectPolite(said);
      expect(said).toMatch(meaning);
      expect(await ticketState(chat.app, keys)).toEqual(before);
      expect(all(await chat.employeeSays('how do I reset my password'))).toContain(articleTitle);
    }

    it('a button the bot never sent', async () => {
      await chat.employeeSays('how do I reset my password');
      await unchanged(
        async () => all(await chat.employeePressesUnknownButton()),
        /don't know that button|There is no choice 99/,
      );
    });

    it.skipIf(!runs(channel, 'forgedCardButton'))(
      step(channel, 'forgedCardButton', "a button taken from another ticket's card"),
      async () => {
        await unchanged(
          async () => (await chat.pressOnCard({ who: 'engineer', key, label: 'Claim', buttonFrom: other })).join('\n'),
          /does not belong to this ticket card/,
        );
      },
    );

    it("an employee pressing an engineer's button", async () => {
      await unchanged(
        async () => (await chat.pressOnCard({ who: 'employee', key: other, label: 'Claim' })).join('\n'),
        /Only engineers can claim/,
      );
    });

    it('an oversized message (20,000 characters)', async () => {
      await unchanged(
        async () => all(await chat.employeeSays(`my laptop is slow ${'very '.repeat(4_000)}`)),
        /too long for me/,
      );
    });
  });
});
