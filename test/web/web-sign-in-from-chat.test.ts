/**
 * Sign-in links asked for in chat, on the real wiring: /helpdesk web in Slack (the bot from
 * launchBot, signed requests into /slack/events, the link followed into the same process's /web),
 * and /web in the local chat with the terminal's own web view on 127.0.0.1. The zone the chat
 * knows for the person (Slack's users.info tz, Teams' activity.localTimezone, the terminal's) is
 * the pages' zone until they choose one; a zone the runtime does not know is UTC.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/core/logger.js';
import { webSignInReply } from '../../src/core/web/web-access.js';
import { ReaderDates } from '../../src/web/reader-zone.js';
import { serveWebViewLocally, webAccessFor } from '../../src/web/web-view.js';
import { EMPLOYEE, ENGINEER, ENGINEER_2, startSlackHarness, type SlackHarness } from '../support/slack.js';
import { ENGINEER_AAD, FakeConnector, PERSONAL, startTeamsHarness, teamsMessage } from '../support/teams.js';
import { startTestApp, tempDir } from '../support/test-app.js';
import { Client } from './web-harness.js';
import { annsLocalChat } from '../support/local-terminal.js';

/** The header's zone link text ("Times in …"). */
const zoneLine = (html: string) => /id="zone-link"[^>]*>([^<]*)</.exec(html)?.[1];

/** Every date on a page is in `zone`: each <time> reads as ReaderDates(zone) writes its instant. */
function datesIn(html: string, zone: string): void {
  const times = [...html.matchAll(/<time datetime="([^"]+)">([^<]+)<\/time>/g)];
  expect(times.length).toBeGreaterThan(0);
  const dates = new ReaderDates(zone);
  for (const [, iso, text] of times) expect(text).toBe(dates.dateTime(iso!));
}

describe('Slack: /helpdesk web', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({ WEB_SECRET: 'slack-web-secret-of-at-least-32-characters' });
    // What users.info gives (needs users:read, which the manifest asks for): a zone, one this
    // runtime does not know, and (U0SOMEONE1) none.
    h.api.zones.set(ENGINEER, 'Europe/Paris');
    h.api.zones.set(ENGINEER_2, 'Mars/Olympus_Mons');
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

  it("shows the first page in the zone of the person's Slack profile, without choosing one", async () => {
    const url = await linkFrom(ENGINEER);
    expect(h.api.of('users.info').map((call) => call.args.user)).toContain(ENGINEER);
    const client = new Client(url.slice(0, url.indexOf('/web/')));
    expect((await client.signIn(url)).status).toBe(303);
    const queue = await (await client.get('/web')).text();
    expect(zoneLine(queue)).toBe('Times in Europe/Paris, from chat');
    datesIn(queue, 'Europe/Paris');
    const key = /href="\/web\/tickets\/([^"]+)"/.exec(queue)![1]!;
    datesIn(await (await client.get(`/web/tickets/${key}`)).text(), 'Europe/Paris');
    const zonePage = await (await client.get('/web/time-zone')).text();
    expect(zonePage).toContain('the time zone your chat gave when you asked for the sign-in link');
    expect(zonePage).toContain('<option value="Europe/Paris" selected>');
  });

  it('a choice made in the browser wins over the profile: ?tz= now, the cookie after', async () => {
    const url = await linkFrom(ENGINEER);
    const base = url.slice(0, url.indexOf('/web/'));
    const client = new Client(base);
    expect((await client.signIn(url)).status).toBe(303);
    const chosen = await client.get('/web?tz=Asia/Tokyo');
    const html = await chosen.text();
    expect(zoneLine(html)).toBe('Times in Asia/Tokyo');
    datesIn(html, 'Asia/Tokyo');
    const remembered = /helpdesk_tz=[^;]+/.exec(chosen.headers.get('set-cookie') ?? '')?.[0];
    expect(remembered).toBe('helpdesk_tz=Asia%2FTokyo');
    const later = await fetch(`${base}/web`, { headers: { cookie: `${client.cookie}; ${remembered}` } });
    expect(zoneLine(await later.text())).toBe('Times in Asia/Tokyo');
    // A zone the server does not know is refused with a notice; the profile's stays.
    const unknown = await (await client.get('/web?tz=Nowhere/Land')).text();
    expect(unknown).toContain('id="zone-notice"');
    expect(zoneLine(unknown)).toBe('Times in Europe/Paris, from chat');
  });

  it('a profile zone this runtime does not know, or none, is UTC as before, and the link still works', async () => {
    for (const user of [ENGINEER_2, 'U0SOMEONE1']) {
      const url = await linkFrom(user);
      const client = new Client(url.slice(0, url.indexOf('/web/')));
      expect((await client.signIn(url)).status).toBe(303);
      const page = await (await client.get('/web')).text();
      expect(zoneLine(page), user).toBe('Times in UTC · set your zone');
      datesIn(page, 'UTC');
    }
  });

  it('without users:read (users.info refused) the link still comes, in UTC', async () => {
    h.api.fail('users.info', 200, { body: { ok: false, error: 'missing_scope', needed: 'users:read' } });
    const url = await linkFrom(EMPLOYEE.replace('1', '9'));
    const client = new Client(url.slice(0, url.indexOf('/web/')));
    expect((await client.signIn(url)).status).toBe(303);
    expect(zoneLine(await (await client.get('/web')).text())).toBe('Times in UTC · set your zone');
  });

  it('someone who asked the bot in German gets the link and the pages in German, with German dates', async () => {
    const user = 'U0GERMAN01';
    h.api.zones.set(user, 'Europe/Berlin');
    await h.event({
      type: 'message',
      channel: 'D0GERMAN01',
      channel_type: 'im',
      user,
      text: 'wie kann ich mein passwort zurücksetzen',
      ts: '1700000900.000100',
    });
    await h.settle();
    const response = await h.command('web', user);
    const { text } = (await response.json()) as { text: string };
    const url = /<(http:\/\/localhost:\d+\/web\/sign-in\?t=[^|>]+)\|/.exec(text)?.[1];
    expect(url, text).toBeDefined();
    expect(text).toContain('Anmeldelink');
    const client = new Client(url!.slice(0, url!.indexOf('/web/')));
    expect((await client.signIn(url!)).status).toBe(303);
    const mine = await (await client.get('/web')).text();
    expect(mine).toContain('<html lang="de">');
    expect(mine).toContain('<h1>Ihre Tickets</h1>');
    expect(zoneLine(mine)).toBe('Zeiten in Europe/Berlin, aus dem Chat');
    // Without the language kept with the link, this reader's browser (no preference) would read English.
    const zonePage = await (await client.get('/web/time-zone')).text();
    expect(zonePage).toContain('<h1>Zeitzone</h1>');
  });

  it('someone who never spoke to the bot reads the pages in their browser’s language, not the deployment’s', async () => {
    // The chat's language for them is only DEFAULT_LANGUAGE (English): the link's words are English.
    const url = await linkFrom('U0NEVERSPK');
    const german = { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' };
    const signIn = await fetch(url, { redirect: 'manual', headers: german });
    expect(signIn.status).toBe(303);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const page = await (
      await fetch(`${url.slice(0, url.indexOf('/web/'))}/web`, { headers: { ...german, cookie } })
    ).text();
    expect(page).toContain('<html lang="de">');
    expect(page).toContain('<h1>Ihre Tickets</h1>');
  });
});

describe('Slack: leads by user group (SLACK_LEAD_GROUPS)', () => {
  const LEAD = 'U0LEADER01';
  const LEAD_GROUP = 'S0LEADS001';
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness({
      WEB_SECRET: 'slack-web-secret-of-at-least-32-characters',
      SLACK_LEAD_GROUPS: LEAD_GROUP,
    });
    // The lead group as usergroups.users.list gives it; EMPLOYEE is in no group.
    h.api.groupMembers.set(LEAD_GROUP, [LEAD]);
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  const signedIn = async (user: string): Promise<{ text: string; client: Client }> => {
    const response = await h.command('web', user);
    const { text } = (await response.json()) as { text: string };
    const url = /<(http:\/\/localhost:\d+\/web\/sign-in\?t=[^|>]+)\|/.exec(text)?.[1];
    expect(url, text).toBeDefined();
    const client = new Client(url!.slice(0, url!.indexOf('/web/')));
    expect((await client.signIn(url!)).status).toBe(303);
    return { text, client };
  };

  it('a member of a lead group is a lead: the link says so and the reports open', async () => {
    const { text, client } = await signedIn(LEAD);
    expect(text).toContain('the reports, the queue, every ticket and the exports');
    expect(h.api.of('usergroups.users.list').map((call) => call.args.usergroup)).toContain(LEAD_GROUP);
    expect((await client.get('/web/reports')).status).toBe(200);
    expect((await client.get('/web')).status).toBe(200);
  });

  it('someone in no lead group is not: their own tickets, no reports', async () => {
    const { text, client } = await signedIn(EMPLOYEE);
    expect(text).toContain('your tickets');
    expect((await client.get('/web/reports')).status).toBe(403);
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
      const ask = async (localTimezone?: string) => {
        await h.send(
          teamsMessage({
            text: 'web',
            from: { aad: ENGINEER_AAD, name: 'Erin Engineer' },
            ...(localTimezone ? { localTimezone } : {}),
          }),
        );
        await h.settle();
        const said = FakeConnector.textOf(h.connector.postsTo(PERSONAL).at(-1));
        const url = /\((http:\/\/localhost:\d+\/web\/sign-in\?t=[\w.-]+)\)/.exec(said)?.[1];
        expect(url, said).toBeDefined();
        const client = new Client(url!.slice(0, url!.indexOf('/web/')));
        expect((await client.signIn(url!)).status).toBe(303);
        return (await client.get('/web')).text();
      };
      // The Teams client's zone (activity.localTimezone) is the first page's.
      const queue = await ask('America/New_York');
      expect(queue).toContain('Teams call drops');
      expect(queue).toContain('engineer · teams');
      expect(zoneLine(queue)).toBe('Times in America/New York, from chat');
      datesIn(queue, 'America/New_York');
      // One the runtime does not know, or none: UTC.
      for (const zone of ['Not/A_Zone', undefined]) {
        const page = await ask(zone);
        expect(zoneLine(page), String(zone)).toBe('Times in UTC · set your zone');
        datesIn(page, 'UTC');
      }

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
      const chat = annsLocalChat(app, output, {
        webLink: (actor, timeZone) => webSignInReply(access, 'local', actor, { chatZone: timeZone }),
        timeZone: 'Asia/Kolkata',
      });
      await app.tickets.open({
        requester: { id: 'ann', name: 'ann', role: 'employee' },
        channel: 'local',
        conversationKey: null,
        subject: 'Wi-Fi slow',
        description: 'On floor 2',
      });
      await chat.handleLine('/as engineer eve');
      await chat.handleLine('/web');
      const url = printed.find((line) => line.startsWith('http://localhost'))!;
      expect(printed.join('\n')).toContain('the queue and every ticket');
      const client = new Client(`http://localhost:${port}`);
      expect((await client.signIn(url)).status).toBe(303);
      const queue = await (await client.get('/web')).text();
      expect(queue).toContain('eve · engineer · local');
      // The terminal's zone is the first page's.
      expect(zoneLine(queue)).toBe('Times in Asia/Kolkata, from chat');
      datesIn(queue, 'Asia/Kolkata');
    } finally {
      await stop();
      await app.close();
      tmp.cleanup();
    }
  });
});
