import type { LanguageCode } from '../language/languages.js';

/** What a message is when it is not a question for the knowledge base. */
export type SmallTalk = 'greeting' | 'help' | 'thanks' | 'human';

/** Longer messages are questions even when they start like small talk ("hi, my vpn drops"). */
const MAX_WORDS = 10;

const GREETING =
  /^(hi|hello|hey|hiya|howdy|yo|good (morning|afternoon|evening|day)|morning|afternoon|evening)( (there|all|team|everyone|folks|bot|it|it help|helpdesk))?$/;
const HELP =
  /^(help|help me|help please|please help|what can you do|what do you do|what can i ask( you)?|how does this work|how do i use (this|you)|menu|start|commands)$/;
const THANKS_WORDS =
  '(thanks|thank you|thankyou|thx|ty|tysm|cheers|great|perfect|awesome|brilliant|cool|nice|ok|okay)( (thanks|thank you)| (so much|a lot|very much|again|mate))*';
/** "it works now", "that fixed it", "all good", "solved": the problem is gone. */
const RESOLVED_WORDS =
  '((it|that|this) (works|worked|is working|did it|did the trick|fixed it|helped|solved it)( now)?|all good( now)?|problem solved|solved|fixed( it)?|sorted|working now)';
/** Thanks, a word that the problem is gone, or both, in either order. */
const THANKS = new RegExp(`^(${THANKS_WORDS}( ${RESOLVED_WORDS})?|${RESOLVED_WORDS}( ${THANKS_WORDS})?)$`);
/** Anything that says the problem is not gone is not thanks: "thanks but it still fails". */
const NOT_DONE =
  /\b(but|not|still|no longer|doesn't|doesnt|didn't|didnt|won't|wont|isn't|isnt|can't|cant|fails?|broken|again\?)\b/;
const HUMAN_EXACT =
  /^(talk to (a )?(human|person|someone|engineer)|human|agent|a human|real person|(open|create|raise|log|file) (a )?ticket)$/;
const PERSON =
  '(a |an |some |the )?(real |live |actual )?(human|person|someone|somebody|agent|engineer|technician|support person)';
/**
 * "I want a human NOW", "can I speak to someone", "get me a real person": the whole message is
 * the ask (it ends at the person, but for "now" or "please"), so "can I have a different away
 * message for external people" stays a question.
 */
const HUMAN_ASK = new RegExp(
  `^(please )?(i (want|need|would like|'d like|wanna)|can i|could i|may i|let me|get me|give me|connect me( to| with)?|put me through( to)?)( to)?( (talk|speak|chat)( to| with))? ${PERSON}( (now|please|asap|right now|already))*$`,
);

/**
 * German and French small talk: the same four kinds, each pattern the whole message. These also
 * tell the conversation's language before any question does ("hallo" gets the German greeting).
 */
const OTHER_LANGUAGES: ReadonlyArray<{
  language: LanguageCode;
  patterns: ReadonlyArray<[SmallTalk, RegExp]>;
  notDone: RegExp;
}> = [
  {
    language: 'de',
    patterns: [
      [
        'human',
        /^((bitte )?(mit )?(einem|einer) (menschen|person|mitarbeiter(in)?|techniker(in)?)( sprechen| reden)?( bitte)?|ich (möchte|will|würde gern|brauche) (mit )?(einem menschen|einer person|jemandem|einem mitarbeiter|einem techniker)( sprechen| reden)?( bitte)?|(ein )?ticket (eröffnen|erstellen|aufmachen|anlegen)( bitte)?)$/,
      ],
      [
        'greeting',
        /^(hallo|hallöchen|moin( moin)?|servus|grüß gott|grüezi|guten (morgen|tag|abend))( (zusammen|allerseits|team|bot|it|helpdesk))?$/,
      ],
      ['help', /^(hilfe|hilf mir|helfen sie mir|bitte helfen|was kannst du|was können sie|wie funktioniert das)$/],
      [
        'thanks',
        /^((vielen |besten |herzlichen )?dank|danke( schön| sehr| dir| ihnen| vielmals)?|dankeschön|(super|perfekt|top|prima),? danke|(es |das )?(geht|klappt|funktioniert|läuft)( jetzt| wieder)+|hat (geklappt|funktioniert)|alles klar|passt)( (danke|vielen dank|dankeschön))*$/,
      ],
    ],
    notDone: /\b(aber|nicht|nichts|noch|kein|keine|immer noch|wieder nicht|fehler)\b/,
  },
  {
    language: 'fr',
    patterns: [
      [
        'human',
        /^((je (veux|voudrais|souhaite) )?parler à (un humain|une personne|quelqu'un|un technicien|une vraie personne)( svp| s'il vous plaît)?|(ouvrir|créer) un ticket( svp| s'il vous plaît)?)$/,
      ],
      ['greeting', /^(bonjour|bonsoir|salut|coucou|bjr|slt)( (à tous|tout le monde|l'équipe|le bot))?$/],
      ['help', /^(aide|aidez moi|aidez-moi|à l'aide|que sais-tu faire|que savez-vous faire|comment ça marche)$/],
      [
        'thanks',
        /^(merci( beaucoup| bien| infiniment)?|mille mercis|(super|parfait|top|génial),? merci|(ça|ca) (marche|fonctionne)( maintenant| à nouveau)?|c'est (bon|réglé|résolu)|résolu|problème réglé)( merci( beaucoup)?)?$/,
      ],
    ],
    notDone: /\b(mais|pas|toujours|encore|plus|erreur)\b/,
  },
];

/** Normalised for matching: lower case, no emoji or trailing punctuation, single spaces. */
function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/\p{Extended_Pictographic}|[\u{1F3FB}-\u{1F3FF}]|\u200d|\ufe0f/gu, ' ')
    .replace(/[!.,;:?]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Greetings, "help", thanks and "I want a human" are understood as such, not sent to the answer
 * engine (which answered "thanks it works now", "help" and "hi there" with "no answer", and "I
 * want a human NOW" with the contact-IT article). Deliberately narrow: a message that could be a
 * question is one.
 */
export function smallTalk(raw: string): SmallTalk | null {
  return spokenSmallTalk(raw)?.kind ?? null;
}

/**
 * Small talk with the language it was said in, when its words tell (German or French ones);
 * English small talk leaves the language to the questions ("ok" or "hi" say little about it).
 */
export function spokenSmallTalk(raw: string): { kind: SmallTalk; language?: LanguageCode } | null {
  if (raw.trim() === '?') return { kind: 'help' };
  const text = normalise(raw);
  if (!text || text.split(' ').length > MAX_WORDS) return null;
  if (HUMAN_EXACT.test(text) || HUMAN_ASK.test(text)) return { kind: 'human' };
  if (GREETING.test(text)) return { kind: 'greeting' };
  if (HELP.test(text)) return { kind: 'help' };
  if (!NOT_DONE.test(text) && THANKS.test(text)) return { kind: 'thanks' };
  for (const { language, patterns, notDone } of OTHER_LANGUAGES) {
    for (const [kind, pattern] of patterns) {
      if (kind === 'thanks' && notDone.test(text)) continue;
      if (pattern.test(text)) return { kind, language };
    }
  }
  return null;
}
