import { z } from 'zod';
import { audienceField } from './audience.js';

const isoDate = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const text = value instanceof Date ? value.toISOString().slice(0, 10) : value.trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) {
    ctx.addIssue({ code: 'custom', message: `expected a date like 2026-10-15, got "${text}"` });
    return z.NEVER;
  }
  return text;
});

const nonEmptyText = z.string().trim().min(1, 'must not be empty');

/** Tiers a ticket can be handed to by people (L1 is the bot's own tier). */
export const escalationTiers = ['L2', 'L3', 'L4'] as const;

/** The YAML front matter every article starts with. Unknown keys are refused, so typos surface. */
export const articleFrontMatterSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,80}$/, 'use lowercase letters, digits and dashes, like "vpn-setup"'),
    title: nonEmptyText,
    questions: z.array(nonEmptyText).min(1, 'list at least one question employees ask'),
    tags: z.array(nonEmptyText),
    category: nonEmptyText,
    owner: nonEmptyText,
    updated: isoDate,
    /** Who may be given this article (see audience.ts): one audience or a list; absent, everyone. */
    audience: audienceField.optional(),
    script: nonEmptyText.optional(),
    escalate_to: z.enum(escalationTiers).optional(),
    review_by: isoDate.optional(),
    /** Per-article answer threshold (0-1), overriding the global one. */
    threshold: z.number().min(0).max(1).optional(),
    /** The article's language (ISO 639-1, like "de"); absent, the configured default (DEFAULT_LANGUAGE). */
    lang: z
      .string()
      .regex(/^[a-z]{2}$/, 'use a two-letter language code in lowercase, like "de" or "fr"')
      .optional(),
    /** For a translation: the id of the article it translates (in the default language). */
    translation_of: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,80}$/, 'the id of the article this translates, like "vpn-setup"')
      .optional(),
    /**
     * A topic the bot does not handle (pay, the building, travel): its questions teach the engine
     * what to decline, and its answer is what the bot says instead (who does handle it). It is never
     * given as an answer or offered as "did you mean".
     */
    outside: z.boolean().optional(),
  })
  .strict()
  .superRefine((fm, ctx) => {
    if (!fm.outside) return;
    for (const key of ['script', 'escalate_to', 'threshold'] as const)
      if (fm[key] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: 'an outside article is never given as an answer: remove this field or "outside: true"',
        });
  });

export type ArticleFrontMatter = z.infer<typeof articleFrontMatterSchema>;

/** A knowledge-base article, parsed and validated. */
export interface Article {
  id: string;
  title: string;
  questions: string[];
  tags: string[];
  category: string;
  owner: string;
  updated: string;
  /** The audiences that may be given this article; absent (or with `all`), everyone. */
  audiences?: readonly string[];
  script?: string;
  escalateTo?: (typeof escalationTiers)[number];
  reviewBy?: string;
  threshold?: number;
  /** The article's language (ISO 639-1); absent, the configured default language. */
  lang?: string;
  /** For a translation: the id of the article it translates. */
  translationOf?: string;
  /**
   * A topic outside what the bot handles: the engine learns its questions to decline them, and the
   * bot says its answer (who handles it) instead of an answer; never answered or offered.
   */
  outside?: true;
  /** The "## Answer" section: what the bot posts in chat. */
  answer: string;
  /** The whole markdown body (without front matter). */
  body: string;
  /** Path relative to the knowledge-base folder, with forward slashes. */
  path: string;
}

/** Something wrong with one article file; the rest of the knowledge base still loads. */
export interface ArticleProblem {
  file: string;
  field: string;
  message: string;
  line?: number;
}
