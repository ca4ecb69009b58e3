import { createRequire } from 'node:module';
import { stemmer as porterStemmer } from 'stemmer';
import { englishStopwords } from '../answering/stopwords.js';
import { defaultPhrases, defaultSynonyms } from '../answering/synonyms.js';
import type { LanguageCode } from './languages.js';

/**
 * What a language's text analysis needs: its stemmer, the words that say nothing about the topic,
 * jargon mapped to the words its articles use, and phrases joined before splitting.
 * English keeps the analysis the answer figures were measured with (the Porter stemmer of the
 * `stemmer` package, natural's stopwords, the chat filler); German, French and Spanish use the
 * Snowball stemmers of `snowball-stemmers` (ISC) and the stopword lists of `stopword` (MIT),
 * without the few topic words those lists carry, plus chat filler of their own.
 */
export interface LanguageAnalysis {
  language: LanguageCode;
  stem: (word: string) => string;
  /** Already normalised like the text (lowercase, no accents). */
  stopwords: readonly string[];
  synonyms: Record<string, string>;
  phrases: Array<[RegExp, string]>;
  /** Apostrophes join ("can't" -> "cant") in English; elsewhere they split ("l'imprimante" -> "l imprimante"). */
  apostrophes: 'join' | 'split';
  /** Words whose stems tell one stemmer version from another (see TextAnalyzer.fingerprint). */
  stemProbes: readonly string[];
}

/** Lowercase, without accents; ß, œ and æ spelt out (NFKD leaves them whole). */
export function foldAccents(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae');
}

/** Words that say nothing about the topic in an English support chat (beyond English stopwords). */
const ENGLISH_CHAT_FILLER = [
  'hi',
  'hello',
  'hey',
  'hiya',
  'morning',
  'thanks',
  'thank',
  'cheers',
  'please',
  'help',
  'need',
  'want',
  'wanna',
  'gonna',
  'trying',
  'try',
  'tried',
  'im',
  'ive',
  'id',
  'cant',
  'cannot',
  'dont',
  'doesnt',
  'didnt',
  'wont',
  'isnt',
  'anyone',
  'someone',
  'guys',
  'team',
  'quick',
  'question',
  'just',
  'get',
  'got',
  'getting',
  'keep',
  'keeps',
  'still',
  'really',
  'also',
  'like',
  'know',
  'anything',
  'something',
  'thing',
  'stuff',
  'able',
  'since',
  'today',
  'now',
  'again',
  'ok',
  'okay',
  'u',
  'ur',
  'pls',
  'plz',
  'thx',
  'ty',
  'lol',
  'ugh',
  'hmm',
  'asap',
  'urgent',
  'work',
  'working',
  'use',
  'using',
  'way',
  'possible',
  'go',
  'going',
  'make',
  'does',
  'do',
  'did',
];

const ENGLISH_PROBES = [
  'running',
  'connection',
  'passwords',
  'printing',
  'generously',
  'relational',
  'conditional',
  'hopefulness',
  'formalize',
  'electricity',
  'adjustable',
  'dependent',
  'caresses',
  'ponies',
  'agreed',
  'happiness',
  'triplicate',
  'effective',
  'controlling',
  'rolling',
];

const english: LanguageAnalysis = {
  language: 'en',
  stem: porterStemmer,
  stopwords: [...englishStopwords, ...ENGLISH_CHAT_FILLER],
  synonyms: defaultSynonyms,
  phrases: defaultPhrases,
  apostrophes: 'join',
  stemProbes: ENGLISH_PROBES,
};

/** Shared by the Snowball languages: IT words spelt several ways, mapped to one. */
const sharedSynonyms: Record<string, string> = {
  '2fa': 'mfa',
  tfa: 'mfa',
  otp: 'mfa',
  wlan: 'wlan',
  wifi: 'wlan',
  wireless: 'wlan',
  o365: 'microsoft365',
  m365: 'microsoft365',
  gp: 'globalprotect vpn',
  globalprotect: 'globalprotect vpn',
  anyconnect: 'vpn',
  outlook: 'outlook email',
  mail: 'email',
  mails: 'email',
  emails: 'email',
};

const sharedPhrases: Array<[RegExp, string]> = [
  [/\bwi[\s-]?fi\b/g, 'wifi'],
  [/\be-?mails?\b/g, 'email'],
  [/\bone[\s-]?drive\b/g, 'onedrive'],
  [/\bshare[\s-]?point\b/g, 'sharepoint'],
  [/\bglobal[\s-]?protect\b/g, 'globalprotect'],
  [/\bmicrosoft[\s-]?365\b/g, 'microsoft365'],
  [/\boffice[\s-]?365\b/g, 'microsoft365'],
];

/** Topic words the `stopword` lists carry that an IT question can be about. */
const KEEP: Readonly<Record<string, readonly string[]>> = {
  de: [
    'neue',
    'neuen',
    'offen',
    'startseite',
    'zuruck',
    'uhr',
    'morgen',
    'ordnung',
    'ende',
    'gross',
    'grosse',
    'klein',
  ],
  fr: ['nouveau', 'nouveaux'],
  es: [],
};

function snowball(
  language: LanguageCode,
  algorithm: string,
  stopwords: readonly string[],
  filler: readonly string[],
  synonyms: Record<string, string>,
  stemProbes: readonly string[],
): LanguageAnalysis {
  const stemmer = snowballStemmers().newStemmer(algorithm);
  const keep = new Set(KEEP[language] ?? []);
  return {
    language,
    stem: (word) => stemmer.stem(word),
    stopwords: [...new Set([...stopwords.map(foldAccents), ...filler])].filter((w) => !keep.has(w)).sort(),
    synonyms: { ...sharedSynonyms, ...synonyms },
    phrases: sharedPhrases,
    apostrophes: 'split',
    stemProbes,
  };
}

const german = (): LanguageAnalysis =>
  snowball(
    'de',
    'german',
    stopwordLists().deu,
    [
      'hallo',
      'hi',
      'moin',
      'servus',
      'danke',
      'dankeschon',
      'bitte',
      'hilfe',
      'brauche',
      'brauch',
      'mal',
      'kurz',
      'frage',
      'irgendwie',
      'leider',
      'gerade',
      'grad',
      'schon',
      'jemand',
      'bei',
      'mir',
      'ich',
      'hab',
      'habe',
      'kann',
      'geht',
      'gehts',
      'dringend',
      'eigentlich',
    ],
    {
      pw: 'passwort',
      pwd: 'passwort',
      kennwort: 'passwort',
      password: 'passwort',
      handy: 'handy',
      smartphone: 'handy',
      iphone: 'handy iphone',
      pc: 'laptop',
      rechner: 'laptop',
      computer: 'laptop',
      notebook: 'laptop',
    },
    ['passwörter', 'verbindungen', 'druckers', 'zurücksetzen', 'anmeldung', 'eingerichtet', 'geräte', 'konten'],
  );

const french = (): LanguageAnalysis =>
  snowball(
    'fr',
    'french',
    stopwordLists().fra,
    [
      'bonjour',
      'salut',
      'coucou',
      'merci',
      'svp',
      'stp',
      'aide',
      'besoin',
      'urgent',
      'question',
      'quelqu',
      'arrive',
      'narrive',
      'faire',
      'fait',
      'peux',
      'peut',
      'veux',
      'encore',
      'toujours',
      'bien',
      'alors',
      'cest',
    ],
    {
      mdp: 'mot passe',
      pw: 'mot passe',
      password: 'mot passe',
      pc: 'ordinateur',
      portable: 'ordinateur portable',
      laptop: 'ordinateur portable',
      smartphone: 'telephone',
      tel: 'telephone',
      mobile: 'telephone',
      iphone: 'telephone iphone',
      imprimante: 'imprimante',
    },
    ['imprimantes', 'réinitialiser', 'connexions', 'sécurité', 'téléphones', 'messagerie', 'oublié', 'écrans'],
  );

const spanish = (): LanguageAnalysis =>
  snowball(
    'es',
    'spanish',
    stopwordLists().spa,
    [
      'hola',
      'buenas',
      'buenos',
      'dias',
      'gracias',
      'favor',
      'porfa',
      'ayuda',
      'necesito',
      'urgente',
      'pregunta',
      'alguien',
      'puedo',
      'puede',
      'todavia',
      'otra',
      'vez',
      'ya',
      'tengo',
      'hacer',
      'me',
      'mi',
      'mis',
    ],
    {
      clave: 'contrasena',
      pw: 'contrasena',
      password: 'contrasena',
      pc: 'portatil',
      ordenador: 'portatil',
      laptop: 'portatil',
      computadora: 'portatil',
      movil: 'movil',
      celular: 'movil',
      smartphone: 'movil',
      telefono: 'movil',
      iphone: 'movil iphone',
    },
    ['contraseñas', 'impresoras', 'conexiones', 'teléfonos', 'móviles', 'restablecer', 'olvidado', 'bloqueada'],
  );

// German, French and Spanish are made (and their stemmers' and stopwords' packages loaded, about
// 0.08 s of CPU) when first asked for: a knowledge base in English alone starts without them.
const makers: ReadonlyMap<LanguageCode, () => LanguageAnalysis> = new Map([
  ['en', () => english],
  ['de', german],
  ['fr', french],
  ['es', spanish],
]);
const analyses = new Map<LanguageCode, LanguageAnalysis>();

/** The analysis of a language; undefined for one without (answered from the default language). */
export function analysisFor(language: LanguageCode): LanguageAnalysis | undefined {
  let analysis = analyses.get(language);
  if (analysis === undefined) {
    analysis = makers.get(language)?.();
    if (analysis) analyses.set(language, analysis);
  }
  return analysis;
}

const require = createRequire(import.meta.url);

/** The Snowball stemmers' package (CommonJS, loaded at the first use of a language that needs it). */
function snowballStemmers(): typeof import('snowball-stemmers') {
  return require('snowball-stemmers') as typeof import('snowball-stemmers');
}

/** The stopword package's lists (CommonJS, loaded at the first use of a language that needs them). */
function stopwordLists(): typeof import('stopword') {
  return require('stopword') as typeof import('stopword');
}

/**
 * For a language without an analysis of its own: words as written (accents folded), no stemming,
 * no stopwords; the intent model's character n-grams still join inflections somewhat.
 */
export function plainAnalysis(language: LanguageCode): LanguageAnalysis {
  return {
    language,
    stem: (word) => word,
    stopwords: [],
    synonyms: {},
    phrases: sharedPhrases,
    apostrophes: 'split',
    stemProbes: [],
  };
}

export function englishAnalysis(): LanguageAnalysis {
  return english;
}
