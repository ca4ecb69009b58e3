/**
 * Sign-in links asked for in chat, on the real wiring: /helpdesk web in Slack (the bot from
 * launchBot, signed requests into /slack/events, the link followed into the same process's /web),
 * and /web in the local chat with the terminal's own web view on 127.0.0.1.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalChat } from '../../src/channels/local/local-chat.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { webSignInReply } from '../../src/core/web/web-access.js';
import { serveWebViewLocally, webAccessFor } from '../../src/web/web-view.js';
import { EMPLOYEE, ENGINEER, startSlackHarness, type SlackHarness } from '../support/slack.js';
import { ENGINEER_AAD, FakeConnector, PERSONAL, startTeamsHarness, teamsMessage } from '../support/teams.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { Client } from './web-harness.js';

describe('Slack: /helpdesk web', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ WEB_SECRET: 'slack-web-secret-of-at-least-32-characters' });
    await h.bot.app.tickets.open({
      requester: { id: EMPLOYEE, name: 'Emma', role: 'employee' },
      channel: 'slack',
      conversationKey: null,
      subject: 'Laptop fan loud',
      description: 'It hums',
    });
    await h.bot.app.tickets.open({
      requester: { id: 'U0SOMEONE1', name: 'Sam', role: 'employee' },
      channel: 'slack',
      conversationKey: null,
      subject: 'Monitor flickers',
      description: 'Since Monday',
    });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const linkFrom = async (user: string): Promise<string> => {
    const response = await h.command('web', user);
    const body = (await response.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    const url = /<(http:\/\/localhost:\d+\/web\/sign-in\?t=[^|>]+)\|Open the helpdesk web view>/.exec(body.text)?.[1];
    expect(url, body.text).toBeDefined();
    return url!;
  };

  it('gives an engineer (on the roster) a link, only to them, that opens the queue once', async () => {
    const url = await linkFrom(ENGINEER);
    const client = new Client(url.slice(0, url.indexOf('/web/')));
    expect((await client.signIn(url)).status).toBe(303);
    const queue = await (await client.get('/web')).text();
    expect(queue).toContain('Laptop fan loud');
    expect(queue).toContain('Monitor flickers');
    expect(queue).toContain('engineer · slack');
    expect((await new Client('').signIn(url)).status).toBe(410);
  });

  it('gives an employee a link to their own tickets only', async () => {
    const url = await linkFrom(EMPLOYEE);
    const client = new Client(url.slice(0, url.indexOf('/web/')));
    expect((await client.signIn(url)).status).toBe(303);
    const mine = await (await client.get('/web')).text();
    expect(mine).toContain('Laptop fan loud');
    expect(mine).not.toContain('Monitor flickers');
  });
});

describe('Teams: web', () => {
  it('sends an engineer a link in the personal chat, and refuses to post one in a channel', async () => {
    const h = await startTeamsHarness({ WEB_SECRET: 'teams-web-secret-of-at-least-32-characters' });
    try {
      await h.bot.app.tickets.open({
        requester: { id: '11111111-1111-4111-8111-111111111111', name: 'Riley', role: 'employee' },
        channel: 'teams',
        conversationKey: null,
        subject: 'Teams call drops',
        description: 'Every 5 minutes',
      });
      await h.send(teamsMessage({ text: 'web', from: { aad: ENGINEER_AAD, name: 'Erin Engineer' } }));
      await h.settle();
      const said = FakeConnector.textOf(h.connector.postsTo(PERSONAL).at(-1));
      const url = /\((http:\/\/localhost:\d+\/web\/sign-in\?t=[\w.-]+)\)/.exec(said)?.[1];
      expect(url, said).toBeDefined();
      const client = new Client(url!.slice(0, url!.indexOf('/web/')));
      expect((await client.signIn(url!)).status).toBe(303);
      const queue = await (await client.get('/web')).text();
      expect(queue).toContain('Teams call drops');
      expect(queue).toContain('engineer · teams');

      const thread = '19:general@thread.tacv2;messageid=1700000000009';
      await h.send(
        teamsMessage({
          text: 'web',
          mention: true,
          from: { aad: ENGINEER_AAD, name: 'Erin Engineer' },
          conversation: { id: thread, conversationType: 'channel' },
        }),
      );
      await h.settle();
      const inChannel = FakeConnector.textOf(h.connector.postsTo(thread).at(-1));
      expect(inChannel).toContain('personal chat');
      expect(inChannel).not.toContain('/web/sign-in');
    } finally {
      await h.close();
    }
  }, 60_000);
});

describe('local chat: /web', () => {
  it('prints a link that signs in to the view the terminal starts on 127.0.0.1', async () => {
    const tmp = tempDir();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const { app } = await startTestApp(tmp.dir, {
      PORT: String(port),
      WEB_SECRET: 'local-web-secret-of-at-least-32-characters',
    });
    const config = loadConfig({
      ...process.env,
      KB_DIR: '.',
      PORT: String(port),
      WEB_SECRET: 'local-web-secret-of-at-least-32-characters',
    });
    const access = webAccessFor(config, app.store.webSignIns, silentLogger, () => `http://localhost:${port}`)!;
    const stop = await serveWebViewLocally(
      config,
      access,
      { tickets: app.tickets, conversations: app.conversations },
      silentLogger,
    );
    try {
      const printed: string[] = [];
      const output = new PassThrough();
      output.on('data', (chunk: Buffer) => printed.push(...chunk.toString().split('\n').filter(Boolean)));
      const chat = new LocalChat({
        conversations: app.conversations,
        tickets: app.tickets,
        input: new PassThrough(),
        output,
        interactive: false,
        userName: 'ann',
        logger: silentLogger,
        webLink: (actor) => webSignInReply(access, 'local', actor),
      });
      await chat.handleLine('/as engineer eve');
      await chat.handleLine('/web');
      const url = printed.find((line) => line.startsWith('http://localhost'))!;
      expect(printed.join('\n')).toContain('the queue and every ticket');
      const client = new Client(`http://localhost:${port}`);
      expect((await client.signIn(url)).status).toBe(303);
      expect(await (await client.get('/web')).text()).toContain('eve · engineer · local');
    } finally {
      await stop();
      await app.close();
      tmp.cleanup();
    }
  });
});
