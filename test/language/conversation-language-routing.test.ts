import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { Reply, Turn } from '../../src/core/conversation/turn.js';
import { messagesFor } from '../../src/core/messages/catalogue.js';
import { startMemoryApp, type MemoryApp } from '../support/memory-app.js';

// Through the real wiring (createApp, the conversation service) on a small knowledge base in three
// languages: six English articles, three German translations, one French.
const kbDir = path.resolve(import.meta.dirname, '../fixtures/kb-languages');
let app: MemoryApp;

beforeEach(async () => {
  ({ app } = await startMemoryApp({ env: { KB_DIR: kbDir } }));
  await app.ready;
});
afterEach(async () => {
  await app.close().catch(() => {});
});

const turn = (key: string, extra: Partial<Turn>): Turn => ({
  conversationKey: key,
  channel: 'local',
  user: { id: 'ann', name: 'Ann' },
  ...extra,
});
const only = (replies: Reply[]) => {
  expect(replies).toHaveLength(1);
  return replies[0]!;
};

describe('the conversation routes a question by its language', () => {
  it('a German question gets the German article', async () => {
    const reply = only(await app.conversations.handle(turn('local:de', { text: 'Ich habe mein Passwort vergessen' })));
    expect(reply.kind).toBe('answer');
    if (reply.kind === 'answer') expect(reply.article.id).toBe('password-reset-de');
  });

  it('a Spanish question (no Spanish articles) is offered the English article, saying so in Spanish; picking it answers', async () => {
    const offered = only(await app.conversations.handle(turn('local:es', { text: 'el wifi de la oficina no va' })));
    expect(offered.kind).toBe('suggestions');
    if (offered.kind !== 'suggestions') return;
    expect(offered.markdown.startsWith(`${messagesFor('es')('answer.fallbackToEnglish')}\n\n`)).toBe(true);
    expect(offered.articles.map((a) => a.id)).toContain('wifi-office');
    const pick = offered.choices!.find((choice) => choice.action.value === 'wifi-office')!;
    const answer = only(await app.conversations.handle(turn('local:es', { action: pick.action })));
    expect(answer.kind).toBe('answer');
    if (answer.kind === 'answer') expect(answer.article.id).toBe('wifi-office');
  });

  it('an English question is answered in English without a notice', async () => {
    const reply = only(await app.conversations.handle(turn('local:en', { text: 'I forgot my password' })));
    expect(reply.kind).toBe('answer');
    if (reply.kind !== 'answer') return;
    expect(reply.article.id).toBe('password-reset');
    expect(reply.markdown).not.toContain(messagesFor('en')('answer.fallbackToEnglish'));
  });
});

describe('DEFAULT_LANGUAGE', () => {
  it('is two letters, any case (empty: en); anything else is a clear configuration error', () => {
    expect(loadConfig({ DEFAULT_LANGUAGE: 'DE' }).defaultLanguage).toBe('de');
    expect(loadConfig({}).defaultLanguage).toBe('en');
    // Empty is unset, as for every variable.
    expect(loadConfig({ DEFAULT_LANGUAGE: '' }).defaultLanguage).toBe('en');
    for (const bad of ['german', 'e', 'd3', 'e n']) {
      expect(() => loadConfig({ DEFAULT_LANGUAGE: bad })).toThrow(/DEFAULT_LANGUAGE/);
    }
  });
});
