import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { postWeeklyGapsIfDue, weeklyGapPorts } from '../../src/service/weekly-gaps.js';
import { startTestApp, tempDir } from '../support/test-app.js';

let app: App;
let cleanup: () => void;
beforeEach(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  ({ app } = await startTestApp(tmp.dir));
});
afterEach(async () => {
  await app.close();
  cleanup();
});

describe('weekly content-gap post', () => {
  it("posts once a week, remembers the last post in the database, and lists the week's gaps", async () => {
    for (const text of [
      'how do I order a standing desk',
      'where do I order a standing desk',
      'standing desk request',
    ]) {
      await app.conversations.handle({ conversationKey: `local:${text}`, channel: 'local', user: { id: 'ann' }, text });
    }
    const posts: string[] = [];
    const tell = async (markdown: string) => {
      posts.push(markdown);
    };
    const day = 24 * 3600_000;
    const start = new Date(Date.now() - day);
    expect(await postWeeklyGapsIfDue(weeklyGapPorts(app.store), tell, start)).toBe(false); // the first start begins the first week
    expect(await postWeeklyGapsIfDue(weeklyGapPorts(app.store), tell, new Date(start.getTime() + 3 * day))).toBe(false);
    // A post that fails (the bot is not in the channel) is tried again at the next check.
    await expect(
      postWeeklyGapsIfDue(
        weeklyGapPorts(app.store),
        async () => Promise.reject(new Error('not_in_channel')),
        new Date(start.getTime() + 7 * day),
      ),
    ).rejects.toThrow('not_in_channel');
    expect(await postWeeklyGapsIfDue(weeklyGapPorts(app.store), tell, new Date(start.getTime() + 7 * day + 1000))).toBe(
      true,
    );
    expect(posts[0]).toMatch(/did not answer, last 7 days/);
    expect(posts[0]).toMatch(/standing desk/i);
    // Nothing new the following week: no message.
    expect(
      await postWeeklyGapsIfDue(weeklyGapPorts(app.store), tell, new Date(start.getTime() + 14 * day + 2000)),
    ).toBe(false);
    expect(posts).toHaveLength(1);
  });
});
