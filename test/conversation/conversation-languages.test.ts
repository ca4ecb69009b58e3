import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Reply, Turn } from '../../src/core/conversation/turn.js';
import { messagesFor, statusText } from '../../src/core/messages/catalogue.js';
import type { LiveKnowledge } from '../../src/service/live-knowledge.js';
import { loadTestLibrary, startMemoryApp, type MemoryApp } from '../support/memory-app.js';

// The bot's own texts in the asker's language, through the real wiring on the in-memory ports and
// the bundled knowledge base (German and French articles included).
let library: LiveKnowledge;
let app: MemoryApp;

beforeAll(async () => {
  library = await loadTestLibrary();
});
beforeEach(async () => {
  ({ app } = await startMemoryApp({ library }));
});
afterEach(async () => {
  await app.close().catch(() => {});
});

const turn = (extra: Partial<Turn>, key: string): Turn => ({
  conversationKey: key,
  channel: 'local',
  user: { id: 'ann', name: 'Ann' },
  ...extra,
});
const say = (key: string, text: string) => app.conversations.handle(turn({ text }, key));
const press = (key: string, id: string, value?: string) =>
  app.conversations.handle(turn({ action: { id, ...(value ? { value } : {}) } }, key));
const only = (replies: Reply[]) => {
  expect(replies).toHaveLength(1);
  return replies[0]!;
};
const labels = (reply: Reply) => (reply.choices ?? []).map((choice) => choice.label);

describe('the bot speaks the asker’s language', () => {
  it.each([
    ['de', 'local:de', 'Ich habe mein Passwort vergessen', 'password-reset-de', 'Ganzer Artikel:'],
    ['fr', 'local:fr', "j'ai oublié mon mot de passe", 'password-reset-fr', 'Article complet\u00a0:'],
  ])(
    '%s: the article in that language, its framing and buttons, and what follows',
    async (language, key, question, id, framing) => {
      const t = messagesFor(language);
      const answer = only(await say(key, question));
      expect(answer.kind).toBe('answer');
      if (answer.kind !== 'answer') return;
      expect(answer.article.id).toBe(id);
      expect(answer.markdown).toContain(framing);
      expect(labels(answer)).toEqual([t('button.helpful'), t('button.notHelpful'), t('button.talkToHuman')]);

      expect(only(await press(key, 'feedback.not_helpful', answer.questionId)).markdown).toBe(t('feedback.notHelpful'));
      expect(only(await press(key, 'feedback.helpful', answer.questionId)).markdown).toBe(t('feedback.helpful'));
      // A button the conversation never showed is refused in the conversation's language too.
      expect(only(await press(key, 'feedback.helpful', 'forged-question-id')).markdown).toBe(t('button.stale'));

      const ticket = only(await press(key, 'ticket.open'));
      expect(ticket.kind).toBe('ticket');
      if (ticket.kind !== 'ticket') return;
      expect(ticket.markdown).toBe(t('ticket.opened', { key: ticket.ticket.key }));
      // Kept with the ticket: its updates reach the requester in this language.
      expect((await app.tickets.get(ticket.ticket.key)).language).toBe(language);
      expect(only(await press(key, 'ticket.open')).markdown).toBe(
        t('ticket.alreadyOpen', { key: ticket.ticket.key, status: statusText(language, ticket.ticket.status) }),
      );
    },
  );

  it("offers an article's guided script in German, saying the walkthrough is in English", async () => {
    const answer = only(await say('local:de-script', 'mein Laptop ist total langsam'));
    expect(answer.kind).toBe('answer');
    if (answer.kind !== 'answer') return;
    expect(answer.article.id).toBe('laptop-slow-de');
    expect(labels(answer)).toEqual([
      'Schritt für Schritt (auf Englisch)',
      'Hilfreich',
      'Nicht hilfreich',
      'Mit einem Menschen sprechen',
    ]);
  });

  it.each([
    ['de', 'mein Laptop ist total langsam', 'abbrechen', 'Ich habe mein Passwort vergessen'],
    ['fr', 'mon pc est super lent', 'annuler', "j'ai oublié mon mot de passe"],
  ])(
    '%s: the walkthrough screens, its buttons, the paused note and stopping in that language',
    async (language, question, stop, other) => {
      const t = messagesFor(language);
      const key = `local:${language}-walk`;
      const answer = only(await say(key, question));
      expect(answer.kind).toBe('answer');
      if (answer.kind !== 'answer') return;
      const offer = answer.choices!.find((choice) => choice.label === t('script.offer'))!;
      expect(offer).toBeDefined();
      // The script's own step is the editors' (English); the bot's words around it are the asker's.
      const first = only(await press(key, offer.action.id, offer.action.value));
      expect(first.markdown).toContain(`_${t('script.typeAnswer')}_`);
      expect(labels(first)).toEqual([t('script.startOver'), t('button.talkToHuman')]);
      const restarted = await press(key, 'script.restart', 'slow-laptop');
      expect(restarted[0]!.markdown).toBe(t('script.startingOver'));
      // On to a choice step (a typed answer at a question step is taken as the answer).
      expect(labels(only(await say(key, 'always')))).toEqual([
        'Everything',
        'Starting up and signing in',
        'One app',
        'Only web, Teams calls or the S: drive',
        t('script.startOver'),
        t('button.talkToHuman'),
      ]);
      // A question in the middle: answered, and the walkthrough waits with a note in that language.
      const paused = (await say(key, other)).at(-1)!;
      expect(paused.markdown).toBe(t('script.paused', { title: 'Laptop is slow' }));
      expect(labels(paused)).toEqual([t('script.continue'), t('script.stop')]);
      expect(only(await say(key, stop)).markdown).toBe(t('script.stoppedByText'));
      for (const text of [first.markdown, ...labels(first), paused.markdown, ...labels(paused)])
        expect(text).not.toMatch(/\b(Type your answer|Start over|Talk to a human|paused|Continue|Stop the)\b/);
    },
  );

  it.each(['de', 'fr'])(
    '%s: a ticket form with mistakes is refused field by field in that language',
    async (language) => {
      const t = messagesFor(language);
      const key = `local:${language}-form`;
      await say(key, language === 'de' ? 'hallo' : 'bonjour');
      const [refused] = await app.conversations.handle(
        turn({ form: { fields: { subject: 'vpn', description: '', priority: 'P9', category: 'nope' } } }, key),
      );
      expect(refused).toMatchObject({
        kind: 'form_errors',
        markdown: t('ticket.formErrors'),
        errors: {
          subject: t('form.subjectShort'),
          description: t('form.descriptionShort'),
          priority: t('form.priorityMissing'),
          category: t('form.categoryUnknown'),
        },
      });
    },
  );

  it("speaks the deployment's language (DEFAULT_LANGUAGE=de) until a question says otherwise, and keeps it with a ticket", async () => {
    await app.close();
    ({ app } = await startMemoryApp({ library, env: { DEFAULT_LANGUAGE: 'de' } }));
    const t = messagesFor('de');
    expect(only(await say('local:default-de', '')).markdown).toBe(t('intro'));
    const ticket = only(await press('local:default-de', 'ticket.open'));
    expect(ticket.markdown).toBe(t('ticket.opened', { key: ticket.kind === 'ticket' ? ticket.ticket.key : '' }));
    expect(ticket.language).toBe('de');
    if (ticket.kind === 'ticket') expect((await app.tickets.get(ticket.ticket.key)).language).toBe('de');
    // An English question switches to English.
    const answer = only(await say('local:default-en', 'how do I reset my password'));
    expect(labels(answer)).toContain('Helpful');
  });

  it('greets in German or French when the first message says hello in it', async () => {
    expect(only(await say('local:hallo', 'Hallo!')).markdown).toBe(messagesFor('de')('intro'));
    expect(only(await say('local:hallo', 'danke')).markdown).toBe(messagesFor('de')('thanks'));
    expect(only(await say('local:bonjour', 'bonjour')).markdown).toBe(messagesFor('fr')('intro'));
  });

  it('an unanswerable German question gets German "no answer" and its button', async () => {
    const reply = only(await say('local:de-none', 'wie viele Urlaubstage habe ich dieses Jahr noch übrig'));
    const t = messagesFor('de');
    if (reply.kind === 'suggestions') {
      expect(reply.markdown).toContain(t('suggestions.prompt'));
      expect(labels(reply).at(-1)).toBe(t('suggestions.none'));
      expect(only(await press('local:de-none', 'suggestions.none')).markdown).toBe(t('suggestions.noneReply'));
    } else {
      expect(reply.markdown).toBe(t('noAnswer'));
      expect(labels(reply)).toEqual([t('button.talkToHuman')]);
    }
  });

  it('a Spanish question, with no Spanish articles: offered from English saying so, or "no answer", in Spanish', async () => {
    const t = messagesFor('es');
    const offered = only(await say('local:es', 'no puedo conectarme a la vpn desde casa'));
    expect(offered.language).toBe('es');
    if (offered.kind === 'text') expect(offered.markdown).toBe(t('noAnswer'));
    else expect(offered.markdown.startsWith(`${t('answer.fallbackToEnglish')}\n\n`)).toBe(true);
    expect(labels(offered).at(-1)).toBe(
      offered.kind === 'suggestions' ? t('suggestions.none') : t('button.talkToHuman'),
    );
  });

  it("keeps the conversation's language for a message of one word or none", async () => {
    only(await say('local:keep', 'Ich habe mein Passwort vergessen'));
    for (const text of ['3', 'vpn', 'S:']) {
      const reply = only(await say('local:keep', text));
      expect(reply.language, text).toBe('de');
      expect(labels(reply).at(-1), text).toMatch(/^(Mit einem Menschen sprechen|Nichts davon)$/);
    }
  });

  it('keeps English for English askers, word for word as before', async () => {
    const answer = only(await say('local:en', 'how do I reset my password'));
    expect(answer.kind).toBe('answer');
    expect(labels(answer)).toEqual(['Helpful', 'Not helpful', 'Talk to a human']);
    expect(answer.markdown).toContain('Full article: ');
    expect(only(await say('local:en', 'hi')).markdown).toMatch(/^Hi! I'm the IT help bot/);
  });

  it('switches with the asker: a German question after an English one is framed in German', async () => {
    only(await say('local:switch', 'how do I reset my password'));
    const answer = only(await say('local:switch', 'wie richte ich den Microsoft Authenticator ein'));
    expect(answer.kind).toBe('answer');
    expect(labels(answer)).toEqual(['Hilfreich', 'Nicht hilfreich', 'Mit einem Menschen sprechen']);
  });
});
