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
  if (raw.trim() === '?') return 'help';
  const text = normalise(raw);
  if (!text || text.split(' ').length > MAX_WORDS) return null;
  if (HUMAN_EXACT.test(text) || HUMAN_ASK.test(text)) return 'human';
  if (GREETING.test(text)) return 'greeting';
  if (HELP.test(text)) return 'help';
  if (NOT_DONE.test(text)) return null;
  if (THANKS.test(text)) return 'thanks';
  return null;
}
