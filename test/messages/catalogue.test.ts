import { describe, expect, it } from 'vitest';
import {
  catalogue,
  CATALOGUE_LANGUAGES,
  messagesFor,
  placeholdersOf,
  statusText,
  type MessageKey,
} from '../../src/core/messages/catalogue.js';
import { apology, givenUpApology, isApology, startingMessage } from '../../src/core/apology.js';
import { en } from '../../src/core/messages/messages-en.js';
import { ticketStatuses } from '../../src/core/tickets/ticket.js';

const keys = Object.keys(en).sort() as MessageKey[];
const others = CATALOGUE_LANGUAGES.filter((language) => language !== 'en');

describe('message catalogues', () => {
  it('has German, French and Spanish beside English', () => {
    expect([...CATALOGUE_LANGUAGES].sort()).toEqual(['de', 'en', 'es', 'fr']);
  });

  // The compiler already refuses a missing or extra key in a typed catalogue; this also holds a
  // catalogue built at run time, or one cast past the type, to the English keys.
  it.each(others)('%s has exactly the English keys', (language) => {
    expect(Object.keys(catalogue(language)!).sort()).toEqual(keys);
  });

  it.each(others)('%s has the same placeholders as English in every text', (language) => {
    const texts = catalogue(language)!;
    const mismatched = keys.filter((key) => placeholdersOf(texts[key]).join() !== placeholdersOf(en[key]).join());
    expect(mismatched).toEqual([]);
  });

  it.each(others)('%s has no empty text and no stray braces', (language) => {
    const texts = catalogue(language)!;
    for (const key of keys) {
      expect(texts[key].trim(), key).not.toBe('');
      // Every brace belongs to a placeholder: "{ key}" or "{1}" would reach the person as written.
      expect(texts[key].replace(/\{[A-Za-z][A-Za-z0-9]*\}/g, ''), key).not.toMatch(/[{}]/);
    }
  });

  it.each(others)('%s is translated: its buttons and main replies differ from English', (language) => {
    const texts = catalogue(language)!;
    const shown: MessageKey[] = ['intro', 'button.helpful', 'button.notHelpful', 'button.talkToHuman', 'noAnswer'];
    for (const key of shown) expect(texts[key], key).not.toBe(en[key]);
  });

  // Words that are the same in English and that language: names and loanwords, not English left behind.
  // ('{owner}: {key} {subject}.', the reminder under a triage card, and '{reason} {hint}', a refusal
  // and what to do instead, are only their parts; so are an alert ticket's subject '{source}: {title}'
  // and lines such as '- {name}: {result}, {detail}' and '{source}: {count}.', which French sets with
  // its no-break space.)
  const alertParts: readonly MessageKey[] = [
    'eng.alert.subject',
    'eng.alert.check',
    'eng.alert.withSummary',
    'eng.alert.update',
    'eng.alert.updateChange',
  ];
  const sameAsEnglish: Record<string, readonly MessageKey[]> = {
    de: [
      'ticket.field.ticket',
      'ticket.field.status',
      'eng.card.sla',
      'eng.card.status',
      'eng.news.reminder',
      'refused.withHint',
      // Prometheus' word, as German engineers say it (like the web view's page.collected.labels).
      'eng.alert.labels',
      ...alertParts,
    ],
    fr: ['ticket.field.ticket', 'givenUp.message', 'eng.card.sla', 'eng.minutes', 'refused.withHint'],
    es: ['ticket.field.ticket', 'eng.card.sla', 'eng.news.reminder', 'refused.withHint', ...alertParts],
  };
  // Common English words that no German, French or Spanish sentence of ours has ('was' is German too).
  const english = /\b(the|you|your|please|sorry|ticket has|with|is|are|will|what|this|that|here|button|walkthrough)\b/i;

  it.each(others)('%s: every key translated, no English left but names', (language) => {
    const texts = catalogue(language)!;
    const same = keys.filter((key) => texts[key] === en[key]);
    expect(same).toEqual([...(sameAsEnglish[language] ?? []), ...(pagesSameAsEnglish[language] ?? [])].sort());
    const englishLeft = keys.filter((key) => english.test(texts[key].replace(/\{[A-Za-z]+\}/g, '')));
    expect(englishLeft).toEqual([]);
  });

  // The web view's words that are the same in that language (loanwords and abbreviations).
  const pagesSameAsEnglish: Record<string, readonly MessageKey[]> = {
    de: [
      'page.field.status',
      'page.field.sla',
      'page.collected.labels',
      'page.collected.url',
      'page.report.col.ticket',
      'page.report.col.tickets',
    ],
    fr: [
      'page.field.sla',
      'page.field.description',
      'page.queue.ticketOne',
      'page.queue.tickets',
      'page.author.bot',
      'page.action.title',
      'page.collected.questionId',
      'page.report.col.ticket',
      'page.report.col.tickets',
      'page.report.col.questions',
    ],
    es: [
      'page.field.sla',
      'page.queue.ticketOne',
      'page.queue.tickets',
      'page.author.bot',
      'page.collected.no',
      'page.report.col.ticket',
      'page.report.col.tickets',
    ],
  };

  // French prints a no-break space before its two-part punctuation and inside guillemets, so that
  // a line never breaks there: narrow (U+202F) before ; ? ! and full (U+00A0) before : and inside
  // « » (either is accepted here). An ordinary space, or none, is a mistake a reader sees.
  it('fr: a no-break space before every : ; ? ! and inside « »', () => {
    const texts = catalogue('fr')!;
    const missing: string[] = [];
    for (const key of keys) {
      const text = texts[key]
        // A placeholder is a value; Slack's emoji codes (:ticket:) and a URL's scheme are not punctuation.
        .replace(/\{[A-Za-z][A-Za-z0-9]*\}/g, 'x')
        .replace(/(^|\s):[a-z_+-]+:/g, '$1')
        .replace(/\b[a-z]+:\/\//g, '');
      for (const match of text.matchAll(/[:;?!»]/g)) {
        if (!/[\u00a0\u202f]/.test(text[match.index - 1] ?? ''))
          missing.push(`${key}: …${text.slice(Math.max(0, match.index - 20), match.index + 1)}`);
      }
      for (const match of text.matchAll(/«/g)) {
        if (!/[\u00a0\u202f]/.test(text[match.index + 1] ?? ''))
          missing.push(`${key}: ${text.slice(match.index, match.index + 20)}…`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('fills placeholders and speaks the language asked for', () => {
    expect(messagesFor('de')('ticket.opened', { key: 'IT-7' })).toContain('IT-7');
    expect(messagesFor('de')('button.helpful')).toBe('Hilfreich');
    expect(messagesFor('fr')('button.talkToHuman')).toBe('Parler à une personne');
    expect(messagesFor('en')('tooLong', { length: 5000, max: 4000 })).toBe(
      'That message is too long for me (5000 characters; I read up to 4000). Please ask in a sentence or two.',
    );
  });

  it('speaks English for a language without a catalogue, none known, or a hostile code', () => {
    for (const language of ['ja', 'it', undefined, '', '__proto__', 'constructor', 'toString', 'DE']) {
      expect(messagesFor(language)('button.helpful'), String(language)).toBe('Helpful');
    }
  });

  it('words every ticket status, in every language; an unknown status stays as it is', () => {
    for (const status of ticketStatuses) {
      expect(statusText('en', status)).toBe(status);
      expect(statusText('de', status), status).not.toBe('');
    }
    expect(statusText('de', 'claimed')).toBe('übernommen');
    expect(statusText('fr', 'resolved')).toBe('résolu');
    expect(statusText('de', 'archived')).toBe('archived');
    expect(statusText('de', '__proto__')).toBe('__proto__');
  });

  it('words statuses for requesters and engineers alike: no status says "you"', () => {
    // Engineers' cards and queues show the same words as the requester's list.
    const addressed = /\b(you|your|Sie|Ihnen|Ihr|vous|votre|su|usted)\b/i;
    for (const language of CATALOGUE_LANGUAGES)
      for (const status of ticketStatuses)
        expect(statusText(language, status), `${language} ${status}`).not.toMatch(addressed);
  });

  it('words the given-up apology in a language, the thing given up on included', () => {
    expect(givenUpApology('button press', 'slack:Ev1', 'en')).toBe(
      'Sorry, I could not handle your button press because of a problem on my side. Please try again; if it keeps failing, tell the IT team (reference slack:Ev1).',
    );
    expect(givenUpApology('form', 'slack:Ev1', 'de')).toContain('Ihre Anfrage (Formular)');
    expect(givenUpApology('reaction', 'r', 'fr')).toContain('votre demande (réaction)');
    // A thing without a word of its own is named as the chat gave it.
    expect(givenUpApology('shortcut', 'r', 'es')).toContain('su solicitud (shortcut)');
  });

  it('words the apology and the start-up notice in a language; an apology is recognised in any (the metrics count them)', () => {
    for (const language of CATALOGUE_LANGUAGES) {
      const sorry = apology('3f9c2a4b', language);
      expect(sorry).toBe(messagesFor(language)('apology', { reference: '3f9c2a4b' }));
      expect(isApology(sorry), language).toBe(true);
      expect(isApology(messagesFor(language)('intro')), language).toBe(false);
      expect(startingMessage(language)).toBe(catalogue(language)!.starting);
    }
    expect(apology('r', 'de')).toMatch(/^Entschuldigung/);
  });

  it("has the engineers' texts (triage cards, the lines under them, their buttons' replies) in every language", () => {
    const engineers = keys.filter((key) => key.startsWith('eng.'));
    expect(engineers.length).toBeGreaterThanOrEqual(90);
    for (const language of others)
      for (const key of engineers) expect(catalogue(language)![key], `${language} ${key}`).toBeTruthy();
    expect(messagesFor('de')('eng.did.claimed', { key: 'HD-7' })).toBe('Sie haben HD-7 übernommen.');
    expect(messagesFor('fr')('eng.button.claim')).toBe('Prendre en charge');
    expect(messagesFor('es')('eng.news.resolved', { person: 'Ana' })).toBe('Ana lo resolvió.');
  });

  it('puts values in once: a value holding a placeholder is not expanded again', () => {
    const text = messagesFor('en')('ticket.alreadyOpen', { key: '{status}', status: 'open' });
    expect(text).toBe("Your ticket {status} is already open (open). You'll see updates here.");
    expect(messagesFor('fr')('apology', { reference: '$& $1 {reference}' })).toContain('(référence $& $1 {reference})');
  });
});
