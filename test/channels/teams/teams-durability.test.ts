import { afterEach, describe, expect, it } from 'vitest';
import {
  cardOf,
  FakeConnector,
  PERSONAL,
  startTeamsHarness,
  teamsMessage,
  type TeamsHarness,
} from '../../support/teams.js';
import { eventually } from '../../support/slack.js';

let h: TeamsHarness;
afterEach(async () => {
  await h?.close();
});

describe('Teams messages are kept before they are acknowledged', () => {
  it('a database that breaks after the acknowledgement delays the answer instead of replacing it with an apology; a repeated activity is answered once', async () => {
    h = await startTeamsHarness();
    const prisma = h.bot.app.store.prisma;
    await prisma.$executeRawUnsafe('ALTER TABLE "Message" RENAME TO "MessageAway"');
    const message = teamsMessage({ text: 'how do I reset my password', id: '1700000999001' });
    expect((await h.send(message)).status).toBe(200);
    // The Bot Connector delivers the same activity again.
    expect((await h.send(message)).status).toBe(200);
    await h.settle();
    expect(h.connector.postsTo(PERSONAL)).toHaveLength(0);

    await prisma.$executeRawUnsafe('ALTER TABLE "MessageAway" RENAME TO "Message"');
    await eventually(() => h.connector.postsTo(PERSONAL).length > 0, 10_000);
    await h.settle();
    const posts = h.connector.postsTo(PERSONAL);
    expect(posts).toHaveLength(1);
    expect(JSON.stringify(cardOf(posts[0]))).toMatch(/password/i);
    expect(FakeConnector.textOf(posts[0])).not.toMatch(/something went wrong/);
    expect(await prisma.question.count()).toBe(1);
  });
});
