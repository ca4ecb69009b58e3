import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { parseArticle } from '../../src/core/knowledge/parse-article.js';
import { TicketActionHandler } from '../../src/core/tickets/ticket-action-handler.js';
import type { Actor } from '../../src/core/tickets/ticket.js';
import { FileDraftWriter } from '../../src/store/file-draft-writer.js';
import { startTestApp, tempDir } from '../support/test-app.js';

let app: App;
let dir: string;
let cleanup: () => void;
const ann: Actor = { id: 'U-ann', name: 'Ann', role: 'employee' };
const bob: Actor = { id: 'U-bob', name: 'Bob', role: 'engineer' };

beforeEach(async () => {
  ({ dir, cleanup } = tempDir());
  ({ app } = await startTestApp(dir));
});
afterEach(async () => {
  await app.close();
  cleanup();
});

describe('promote a resolved ticket to a draft article', () => {
  it("writes a valid draft under drafts/ with the requester's question first and the resolution as the answer, once", async () => {
    const kb = path.join(dir, 'kb');
    const actionHandler = new TicketActionHandler(app.tickets, app.store.ticketThreads, new FileDraftWriter(kb));
    const ticket = await app.tickets.open({
      requester: ann,
      channel: 'local',
      conversationKey: 'local:ann',
      subject: 'Plotter on floor 2 prints "PCL XL error"',
      description: 'Question: plotter prints PCL XL error: "bad" stuff',
      question: 'why does the plotter print PCL XL error',
      category: 'printing',
    });
    await expect(actionHandler.perform({ actionId: 'ticket.promote', value: ticket.key, actor: bob })).rejects.toThrow(
      /has no resolution yet/,
    );
    await app.tickets.resolve(ticket.key, bob, '1. Switch the driver to **PostScript**.\n2. Print again.');
    await expect(actionHandler.perform({ actionId: 'ticket.promote', value: ticket.key, actor: ann })).rejects.toThrow(
      /Only engineers/,
    );
    const first = await actionHandler.perform({ actionId: 'ticket.promote', value: ticket.key, actor: bob });
    expect(first.message).toMatch(
      /Draft article written to knowledge-base\/drafts\/plotter-on-floor-2-prints-pcl-xl-error-hd-1001\.md/,
    );
    const file = path.join(kb, 'drafts/plotter-on-floor-2-prints-pcl-xl-error-hd-1001.md');
    expect(existsSync(file)).toBe(true);
    const parsed = parseArticle(readFileSync(file, 'utf8'), 'drafts/x.md');
    expect(parsed.ok).toBe(true);
    if (parsed.ok) {
      expect(parsed.article.questions[0]).toBe('why does the plotter print PCL XL error');
      expect(parsed.article.title).toBe('Plotter on floor 2 prints "PCL XL error"');
      expect(parsed.article.answer).toContain('Switch the driver to **PostScript**');
      expect(parsed.article.category).toBe('printing');
    }
    expect(
      (await actionHandler.perform({ actionId: 'ticket.promote', value: ticket.key, actor: bob })).message,
    ).toMatch(/already exists/);
  });
});
