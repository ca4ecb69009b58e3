import { z } from 'zod';
import { TextAnalyzer } from '../answering/text-analyzer.js';
import { priorities, type Priority } from '../tickets/ticket.js';

/**
 * A severity signal: words that say how urgent a ticket is, whatever it is about. It matches when
 * every group in `when` has a phrase in the text (a group is a list of alternatives), e.g. "the
 * whole office" together with "can't connect".
 */
export interface SeveritySignal {
  /** Shown in the reasons: "widespread outage". */
  name: string;
  priority: Priority;
  when: string[][];
  /** Phrases that cancel the signal ("everyone else is fine" is not an outage). */
  unless?: string[];
  /** The category such tickets belong to, whatever their words: security incidents go to security. */
  category?: string;
  /** Raises a priority the requester chose on the form (never lowers it): only for incidents where waiting costs more than a wrong guess. */
  overridesChoice?: boolean;
}

/** The policy triage applies on top of what it learnt: severity words and how sure a prediction must be to be used. */
export interface TriagePolicy {
  signals: SeveritySignal[];
  /** A prediction at or above its threshold (0-1) replaces the default; below, the ticket keeps P3 / general / the default tier. */
  thresholds: { category: number; priority: number; tier: number };
}

const phrase = z.string().trim().min(1).max(100);
/** The policy's shape, for a policy read from a file. */
export const triagePolicySchema = z.strictObject({
  signals: z.array(
    z.strictObject({
      name: z.string().trim().min(1),
      priority: z.enum(priorities),
      when: z.array(z.array(phrase).min(1)).min(1),
      unless: z.array(phrase).optional(),
      category: z.string().trim().min(1).optional(),
      overridesChoice: z.boolean().optional(),
    }),
  ),
  thresholds: z.strictObject({
    category: z.number().min(0).max(1),
    priority: z.number().min(0).max(1),
    tier: z.number().min(0).max(1),
  }),
});

// Phrases are written as people write them; they are normalised like the text (lowercase, no
// apostrophes or accents, "log in" and "sign in" joined) before matching. A trailing "*" matches
// any ending ("compromis*"); "#" stands for a number ("# people"); "?" is a question mark.
const MANY_PEOPLE = [
  'everyone',
  'everybody',
  'all of us',
  'all users',
  'all staff',
  'whole team',
  'whole office',
  'whole floor',
  'whole company',
  'whole building',
  'whole department',
  'whole site',
  'entire',
  'several people',
  'multiple people',
  'many people',
  'lots of people',
  '# people',
  '# of us',
  '# users',
  'department',
  'other teams',
  'for all',
];
/** Said of one person's problem: the others are fine. */
const ONLY_ME = [
  'everyone else',
  'everybody else',
  'others are fine',
  'other people are fine',
  'only me',
  'just me',
  'colleagues are fine',
  'colleagues can',
];
const BLOCKED = [
  "can't",
  'cannot',
  'unable',
  'not working',
  "doesn't work",
  'down',
  'outage',
  'offline',
  'no internet',
  'no network',
  'locked out',
  'access denied',
  'disabled',
  'lost',
  'gone',
  'vanished',
  'stuck',
  'bounces',
  'error',
  'fails',
  'failing',
  'dead',
  'unavailable',
  "won't",
];

/**
 * The shipped policy. Written from the priority rubric in test/fixtures/ticket-triage.md (P1: many
 * people or a security incident exposing data; P2: one person cannot work, or a deadline today;
 * P3: degraded; P4: a request or a question) and fitted on ticket-triage-fit.jsonl only.
 */
export const defaultTriagePolicy: TriagePolicy = {
  signals: [
    {
      name: 'security incident',
      priority: 'P1',
      category: 'security',
      overridesChoice: true,
      when: [
        [
          'ransomware',
          'data breach',
          'breach',
          'hacked',
          'compromis*',
          "wasn't me",
          'was not me',
          "didn't do it",
          "didn't request",
          'enabled macros',
          'enable macros',
          'macros and i did',
          'entered my password',
          'entered my credentials',
          'gave my password',
          'leaked',
          'mfa requests',
          'mfa prompts',
          'approval requests',
        ],
      ],
    },
    {
      name: 'sensitive data exposed',
      priority: 'P1',
      overridesChoice: true,
      when: [
        ['customer*', 'client data', 'personal data', 'bank details', 'passport', 'sensitive'],
        ['stolen', 'lost', 'wrong person', 'wrong recipient', 'wrong external', 'unencrypted', 'leaked'],
      ],
    },
    { name: 'nobody can work', priority: 'P1', when: [['nobody', 'no one', 'none of us', 'none of the', 'noone']] },
    { name: 'widespread outage', priority: 'P1', when: [MANY_PEOPLE, BLOCKED], unless: ONLY_ME },
    {
      name: 'service down',
      priority: 'P1',
      when: [['outage', 'down for everyone', 'down for everybody', 'down for the whole', 'is down for']],
    },
    {
      name: 'someone cannot work',
      priority: 'P2',
      when: [
        [
          "can't work",
          'cannot work',
          "can't do any work",
          "can't do anything",
          'locked out',
          "won't turn on",
          "won't boot",
          "won't start",
          'no bootable',
          'dead',
          "can't sign",
          'cannot sign',
          "can't get in",
          "can't get into",
          'disabled',
        ],
      ],
    },
    {
      name: 'a deadline',
      priority: 'P2',
      when: [
        [
          'urgent',
          'asap',
          'deadline',
          'in # min*',
          'at #',
          'this afternoon',
          'tonight',
          'due today',
          'by today',
          'need it today',
          'needed today',
          'today at',
          'tomorrow',
          'month end',
          'presentation',
          'client call',
        ],
      ],
    },
    {
      name: 'malware or a scam',
      priority: 'P2',
      category: 'security',
      when: [
        [
          'clicked a link',
          'clicked the link',
          'clicked on a link',
          'opened an attachment',
          'opened the attachment',
          'infected',
          'malware',
          'virus',
          'trojan',
          'scam',
        ],
      ],
    },
    {
      name: 'a device or account at risk',
      priority: 'P2',
      when: [['stolen', 'lost my phone', 'lost my laptop', 'left my', 'clicked', 'bulging', 'swollen']],
    },
    {
      name: 'something is broken',
      priority: 'P3',
      when: [
        [
          'not working',
          "doesn't work",
          "won't",
          'broken',
          'break',
          'error',
          'crash*',
          'freez*',
          'stuck',
          'slow',
          'keeps',
          'missing',
          'disappeared',
          "can't",
          'cannot',
          'fails',
          'failing',
          'offline',
          'jam*',
          'no sound',
          'greyed out',
          'stopped',
          'deleted',
          'snapped',
        ],
      ],
    },
    {
      name: 'a request or a question',
      priority: 'P4',
      when: [
        [
          'how do i',
          'how can i',
          'how to',
          'can i get',
          'could i get',
          'can i have',
          'can you install',
          'please install',
          'install',
          'request',
          'would like',
          "i'd like",
          'need access',
          'please add me',
          'give me access',
          'grant me',
          'no rush',
          'no hurry',
          'not urgent',
          'is it possible',
          'is that possible',
          'what is',
          "what's",
          'where do i',
          'who do i',
          'when do i',
          'licence',
          'license',
          'order',
          'should i',
          'curious',
          'approved',
          'who replaces',
          'can you',
          'who can',
          'do i need',
          '?',
        ],
      ],
    },
  ],
  thresholds: { category: 0.4, priority: 0.5, tier: 0.5 },
};

/** A signal's phrases compiled against the analyzer's normalisation. */
export class SeverityMatcher {
  private readonly compiled: Array<{
    signal: SeveritySignal;
    groups: Array<Array<{ phrase: string; pattern: RegExp }>>;
    unless: RegExp[];
  }>;

  constructor(
    readonly policy: TriagePolicy,
    private readonly analyzer: TextAnalyzer = new TextAnalyzer(),
  ) {
    this.compiled = policy.signals.map((signal) => ({
      signal,
      groups: signal.when.map((group) => group.map((p) => ({ phrase: p, pattern: this.pattern(p) }))),
      unless: (signal.unless ?? []).map((p) => this.pattern(p)),
    }));
  }

  /** Every signal the text matches, most urgent first, each with the phrases that matched it. */
  match(text: string): Array<{ signal: SeveritySignal; phrases: string[] }> {
    const normalised = ` ${words(this.analyzer.normalise(text))} `;
    const found: Array<{ signal: SeveritySignal; phrases: string[] }> = [];
    for (const { signal, groups, unless } of this.compiled) {
      if (unless.some((pattern) => pattern.test(normalised))) continue;
      const phrases: string[] = [];
      let all = true;
      for (const group of groups) {
        const hit = group.find((entry) => entry.pattern.test(normalised));
        if (!hit) {
          all = false;
          break;
        }
        phrases.push(hit.phrase);
      }
      if (all) found.push({ signal, phrases });
    }
    return found.sort((a, b) => priorities.indexOf(a.signal.priority) - priorities.indexOf(b.signal.priority));
  }

  private pattern(written: string): RegExp {
    const parts = words(this.analyzer.normalise(written), '*')
      .split(' ')
      .filter(Boolean)
      .map((word) =>
        word === '#' ? '\\d+' : word.endsWith('*') ? `${escape(word.slice(0, -1))}\\p{L}*` : escape(word),
      );
    return new RegExp(` ${parts.join(' ')} `, 'u');
  }
}

/** Words and question marks, one space apart: "is it down??" -> "is it down ? ?". */
function words(text: string, keep = ''): string {
  const other = new RegExp(`[^\\p{L}\\p{N}#?${keep}]+`, 'gu');
  return text.replace(/\?/g, ' ? ').replace(other, ' ').replace(/ +/g, ' ').trim();
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
