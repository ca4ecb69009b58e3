import { PassThrough } from 'node:stream';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LocalChat } from '../../src/channels/local/local-chat.js';
import { LocalNotifier } from '../../src/channels/local/local-notifier.js';
import { silentLogger } from '../../src/core/logger.js';
import type { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { createApp } from '../../src/app.js';
import { MemoryStore } from '../../src/store/memory/memory-store.js';
import { loadTestLibrary, memoryConfig, type MemoryApp } from '../support/memory-app.js';
import { annsLocalChat } from '../support/local-terminal.js';

let library: LiveKnowledge;
let app: MemoryApp;
let chat: LocalChat;
let printed: string[];

beforeAll(async () => {
  library = await loadTestLibrary();
});
beforeEach(async () => {
  printed = [];
  const output = new PassThrough();
  output.on('data', (chunk: Buffer) => printed.push(...chunk.toString().split('\n').filter(Boolean)));
  // The terminal's own notifier, as main.ts wires it: triage and requester lines in the same output.
  app = await createApp(memoryConfig(), silentLogger, new LocalNotifier((line) => output.write(`${line}\n`), 'en'), {
    store: new MemoryStore(),
    loadLibrary: async () => library,
  });
  chat = annsLocalChat(app, output);
});
afterEach(async () => {
  await app.close();
});

/** Types lines and returns what was printed for them. */
async function type(...lines: string[]): Promise<string> {
  const from = printed.length;
  for (const line of lines) await chat.handleLine(line);
  await new Promise((resolve) => setImmediate(resolve));
  return printed.slice(from).join('\n');
}

describe('local chat: /priority, /category, /assign', () => {
  it("changes priority and category and assigns, through the same checks as the chats' buttons", async () => {
    await type('my second monitor flickers and goes black every few minutes', 'talk to a human');
    const key = (await app.tickets.queue())[0]!.key;
    expect(await type(`/priority ${key} P1`)).toMatch(/Only engineers can change the priority of tickets\./);

    const priority = await type('/as engineer bob', `/priority ${key} p2 the whole team is blocked`);
    expect(priority).toContain(`OK: ${key} is now P2; its SLA due times moved with it.`);
    expect(priority).toContain(
      `[triage L2] ${key}: bob changed the priority from P3 to P2; SLA due times follow it.\n  > the whole team is blocked`,
    );
    expect(priority).toContain(`[to ann] IT set the priority of ${key} to P2 - High: I cannot work.`);

    expect(await type(`/category ${key}`)).toMatch(/Categories: .*general.*network.*security/);
    const category = await type(`/category ${key} network wrong guess`);
    expect(category).toContain(`OK: ${key} is now in network.`);
    expect(category).not.toContain('[to ann]');

    const assigned = await type(`/assign ${key} carol`);
    expect(assigned).toContain(`OK: ${key} is now assigned to carol.`);
    expect(assigned).toContain(`[to ann] carol is now working on ${key}.`);
    expect(await app.tickets.get(key)).toMatchObject({
      priority: 'P2',
      category: 'network',
      status: 'claimed',
      assigneeId: 'carol',
    });
    expect(await type(`/show ${key}`)).toMatch(
      /bob: priority -> new \(from=P3, to=P2, reason=the whole team is blocked/,
    );
  });

  it('answers bad input with a sentence', async () => {
    await type('my second monitor flickers and goes black every few minutes', 'talk to a human', '/as engineer bob');
    const key = (await app.tickets.queue())[0]!.key;
    expect(await type(`/priority ${key} P0`)).toContain('Choose a priority: P1, P2, P3, P4.');
    expect(await type(`/priority ${key}`)).toContain('Usage: /priority KEY P1|P2|P3|P4 [reason]');
    expect(await type(`/category ${key} ${'x'.repeat(10_000)}`)).toContain('Choose one of the listed categories.');
    expect(await type(`/assign ${key}`)).toContain('Usage: /assign KEY name');
    expect(await type('/assign HD-9999 carol')).toContain('There is no ticket HD-9999.');
    expect(await type(`/claim ${key}`, `/assign ${key} carol`)).toContain(
      `${key} is already claimed by bob; reassign it instead.`,
    );
  });
});

describe('local chat: /claim, /escalate, /resolve, /reopen through the action handler', () => {
  it("acts with the desk's words and refuses as the chats' buttons do", async () => {
    await type('my second monitor flickers and goes black every few minutes', 'talk to a human');
    const key = (await app.tickets.queue())[0]!.key;
    expect(await type(`/claim ${key}`)).toContain('Only engineers can claim tickets.');
    await type('/as engineer bob');
    expect(await type(`/claim ${key}`)).toContain(`OK: You claimed ${key}.`);
    // The reason is asked for, as on the cards' Escalate form; nothing changes without it.
    expect(await type(`/escalate ${key} L3`)).toContain('Say why it needs escalating: the next tier reads it first.');
    expect((await app.tickets.get(key)).tier).toBe('L2');
    expect(await type(`/escalate ${key} L3 needs a new cable`)).toContain(`OK: ${key} is escalated to L3.`);
    expect(await type(`/resolve ${key} swapped the cable`)).toContain(
      `OK: ${key} is resolved; the requester has been told and asked to rate it.`,
    );
    expect(await type(`/reopen ${key}`)).toContain(`OK: ${key} is reopened; the engineers have been told.`);
    expect(await type('/claim HD-9999')).toContain('There is no ticket HD-9999.');
  });
});
