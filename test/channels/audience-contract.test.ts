/**
 * Audiences in every chat: an employee outside an article's audience is never answered with it,
 * never offered it ("did you mean"), never linked to it, never offered or started on a script for
 * that audience, and a forged button naming it (a real "did you mean" or "Walk me through it"
 * button with its value replaced) is refused politely. Each chat runs through its real entry point
 * (test/support/channel-contract.ts) on a copy of the bundled knowledge base in which the VPN
 * articles and the VPN script are for `remote-workers` only. Slack's membership comes from user
 * groups over the (faked) Web API: a member is answered, and when Slack cannot list the group the
 * person gets the articles for everyone only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  localDriver,
  slackDriver,
  teamsDriver,
  type ChannelDriver,
  type SeenMessage,
} from '../support/channel-contract.js';
import { EMPLOYEE, FakeSlackApi, startSlackHarness, type SlackHarness } from '../support/slack.js';
import { ENGINEER_AAD, startTeamsHarness, type TeamsHarness } from '../support/teams.js';
import { REMOTE_GROUP, restrictedKb, type RestrictedKb } from '../support/restricted-kb.js';

/** What employees type about the restricted articles: their titles, phrasings, and the short forms. */
const PROBES = [
  'how do I connect to the vpn',
  'install globalprotect',
  'vpn',
  'vpn keeps dropping',
  'cannot connect to the vpn',
  'Set up GlobalProtect VPN and connect for the first time',
  "VPN won't connect, keeps dropping or is slow",
  'vpn will not connect',
];

/** Questions answered by an article that offers its script. */
const OFFERING = ['outlook keeps asking for my password', 'outlook keeps asking for my password again'];

const all = (messages: SeenMessage[]) =>
  messages.map((m) => [m.text, ...m.choices.map((c) => c.label)].join('\n')).join('\n');

const expectPolite = (said: string) => {
  expect(said.trim()).not.toBe('');
  expect(said).not.toMatch(/something went wrong|reference [0-9a-f]{8}|Error:|\n\s+at /);
};

let kb: RestrictedKb;
beforeAll(() => {
  kb = restrictedKb({ teamsUsers: [ENGINEER_AAD], localUsers: ['erin'] });
});
afterAll(() => kb?.cleanup());

/** No restricted title, id, script or product name anywhere in `text`. */
function expectNothingRestricted(text: string, what: string): void {
  for (const secret of kb.secrets)
    expect(text.toLowerCase(), `${what} shows "${secret}"`).not.toContain(secret.toLowerCase());
}

interface AudienceChannel {
  name: string;
  start(): Promise<{ chat: ChannelDriver; everything: () => string }>;
}

const channels: AudienceChannel[] = [
  {
    name: 'slack',
    async start() {
      const h: SlackHarness = await startSlackHarness({ KB_DIR: kb.kb, AUDIENCES_FILE: kb.audiences });
      // The employee is in no group that matters: the remote workers' group lists someone else.
      h.api.groupMembers.set(REMOTE_GROUP, ['U0SOMEONE1']);
      const chat = slackDriver(h);
      // Every call the bot made to Slack (what it posted, updated, showed ephemerally), as text.
      const everything = () =>
        h.api.calls
          .filter((c) => !c.method.startsWith('usergroups.'))
          .map((c) => FakeSlackApi.textOf(c))
          .join('\n');
      return { chat, everything };
    },
  },
  {
    name: 'teams',
    async start() {
      const h: TeamsHarness = await startTeamsHarness({ KB_DIR: kb.kb, AUDIENCES_FILE: kb.audiences });
      const chat = teamsDriver(h);
      return { chat, everything: () => JSON.stringify(h.connector.calls.map((c) => c.body)) };
    },
  },
  {
    name: 'local',
    async start() {
      const chat = await localDriver({ KB_DIR: kb.kb, AUDIENCES_FILE: kb.audiences });
      const seen: SeenMessage[] = [];
      const wrapped: ChannelDriver = {
        ...chat,
        employeeSays: async (text) => {
          const replies = await chat.employeeSays(text);
          seen.push(...replies);
          return replies;
        },
        employeePresses: async (label) => {
          const replies = await chat.employeePresses(label);
          seen.push(...replies);
          return replies;
        },
      };
      return { chat: wrapped, everything: () => all(seen) };
    },
  },
];

describe.each(channels)('audiences: $name', (channel) => {
  let chat: ChannelDriver;
  let everything: () => string;

  beforeAll(async () => {
    ({ chat, everything } = await channel.start());
  });
  afterAll(async () => {
    await chat?.close();
  });

  it('never shows a restricted article or script to an employee outside its audience, whatever they ask', async () => {
    for (const probe of PROBES) {
      const replies = await chat.employeeSays(probe);
      expect(replies.length, probe).toBeGreaterThan(0);
      expectNothingRestricted(all(replies), `"${probe}"`);
    }
    // The articles for everyone still answer.
    expect(all(await chat.employeeSays('how do I reset my password'))).toMatch(/password/i);
    expectNothingRestricted(everything(), 'the chat');
  });

  it('refuses a "did you mean" button forged with a restricted article\'s id, politely', async (context) => {
    if (!chat.employeePressesForged) return context.skip("the terminal's choices are numbers: no value to forge");
    const offer = await chat.employeeSays('wifi');
    const first = offer.flatMap((m) => m.choices.map((c) => c.label))[0];
    expect(first).toBeDefined();
    const forged = all(await chat.employeePressesForged(first!, 'vpn-setup'));
    expectPolite(forged);
    expect(forged).toMatch(/expired|belongs to another conversation/i);
    expectNothingRestricted(forged, 'the forged pick');
    // The real button still works.
    const real = all(await chat.employeePresses(first!));
    expect(real).toContain(first!.replace(/…$/, ''));
    expectNothingRestricted(everything(), 'the chat');
  });

  it('refuses a "Walk me through it" button forged with a restricted script, politely', async (context) => {
    if (!chat.employeePressesForged) return context.skip("the terminal's choices are numbers: no value to forge");
    // An answer whose article links a script offers it (when the words are not the script's own trigger).
    let offered = false;
    // A walkthrough an earlier question started would hold the offer back: stop it first.
    await chat.employeeSays('stop');
    for (const question of OFFERING) {
      const labels = (await chat.employeeSays(question)).flatMap((m) => m.choices.map((c) => c.label));
      if ((offered = labels.includes('Walk me through it'))) break;
    }
    expect(offered).toBe(true);
    const forged = all(await chat.employeePressesForged('Walk me through it', 'vpn-not-connecting'));
    expectPolite(forged);
    expectNothingRestricted(forged, 'the forged script button');
    expectNothingRestricted(everything(), 'the chat');
  });
});

describe('audiences: who belongs, per chat', () => {
  it("Slack: a member of the audience's user group is given the restricted article", async () => {
    const h = await startSlackHarness({ KB_DIR: kb.kb, AUDIENCES_FILE: kb.audiences });
    try {
      h.api.groupMembers.set(REMOTE_GROUP, [EMPLOYEE]);
      const chat = slackDriver(h);
      const replies = all(await chat.employeeSays('install globalprotect'));
      expect(replies).toContain('Set up GlobalProtect VPN and connect for the first time');
      expect(h.api.of('usergroups.users.list').map((c) => c.args.usergroup)).toContain(REMOTE_GROUP);
    } finally {
      await h.close();
    }
  });

  it('Slack: when the user group cannot be listed, the person gets the articles for everyone only, and the bot answers on', async () => {
    const h = await startSlackHarness({ KB_DIR: kb.kb, AUDIENCES_FILE: kb.audiences });
    try {
      h.api.groupMembers.set(REMOTE_GROUP, [EMPLOYEE]);
      // Slack refuses (as it does without usergroups:read), then is unreachable: never the widest audience.
      h.api.fail('usergroups.users.list', 200, { times: 50, body: { ok: false, error: 'missing_scope' } });
      const chat = slackDriver(h);
      const vpn = all(await chat.employeeSays('install globalprotect'));
      expectPolite(vpn);
      expectNothingRestricted(vpn, 'the fallback');
      expect(all(await chat.employeeSays('how do I reset my password'))).toMatch(/password/i);
      expect(h.api.calls.some((c) => c.method === 'usergroups.users.list!200')).toBe(true);
    } finally {
      await h.close();
    }
  });

  it('Teams: a user listed by Entra object id is given the restricted article', async () => {
    const { teamsMessage } = await import('../support/teams.js');
    const h = await startTeamsHarness({ KB_DIR: kb.kb, AUDIENCES_FILE: kb.audiences });
    try {
      await h.send(
        teamsMessage({
          text: 'install globalprotect',
          from: { aad: ENGINEER_AAD, name: 'Erin Engineer' },
          conversation: { id: 'a:erin-personal', conversationType: 'personal' },
        }),
      );
      await h.settle();
      expect(JSON.stringify(h.connector.calls.map((c) => c.body))).toContain(
        'Set up GlobalProtect VPN and connect for the first time',
      );
    } finally {
      await h.close();
    }
  });
});
