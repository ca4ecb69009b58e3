import { z } from 'zod';
import { audienceField } from '../knowledge/audience.js';
import { priorities, tiers } from '../tickets/ticket.js';

const stepId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'step ids are lowercase letters, digits, - and _');
const text = z.string().trim().min(1, 'must not be empty').max(3000);
const timeout = z.number().int().min(100).max(30_000).default(3000);

/** What an automatic check does; URLs and hosts may use ${VARIABLE:-default}. */
export const checkSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('http'),
    url: z.string().min(1),
    /** Statuses that count as "ok"; by default 200-399. */
    expect_status: z.array(z.number().int().min(100).max(599)).min(1).optional(),
    timeout_ms: timeout,
  }),
  z.strictObject({ type: z.literal('dns'), host: z.string().min(1), timeout_ms: timeout }),
  z.strictObject({
    type: z.literal('tcp'),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65_535),
    timeout_ms: timeout,
  }),
]);

const validation = z.strictObject({
  pattern: z.string().optional(),
  min_length: z.number().int().min(0).optional(),
  max_length: z.number().int().min(1).max(2000).optional(),
  one_of: z.array(z.string().min(1)).min(1).optional(),
  /** Shown when the answer does not pass. */
  error: text.optional(),
});

const branchCase = z.strictObject({
  equals: z.string().optional(),
  one_of: z.array(z.string()).optional(),
  matches: z.string().optional(),
  next: stepId,
});

export const stepSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('message'), text, next: stepId }),
  z.strictObject({
    kind: z.literal('choice'),
    text,
    save_as: stepId.optional(),
    choices: z
      .array(z.strictObject({ label: z.string().trim().min(1).max(75), next: stepId }))
      .min(1)
      .max(8),
  }),
  z.strictObject({
    kind: z.literal('question'),
    text,
    save_as: stepId,
    validate: validation.optional(),
    /** Typical valid answers: the path explorer tries each, so branches on them get walked. */
    examples: z.array(z.string().min(1)).max(10).optional(),
    next: stepId,
  }),
  z.strictObject({
    kind: z.literal('check'),
    text: text.optional(),
    check: checkSchema,
    save_as: stepId.optional(),
    on_ok: stepId,
    on_fail: stepId,
  }),
  z.strictObject({ kind: z.literal('branch'), on: stepId, cases: z.array(branchCase).min(1), default: stepId }),
  z.strictObject({ kind: z.literal('article'), article: z.string().min(1), text: text.optional(), next: stepId }),
  z.strictObject({ kind: z.literal('resolve'), text }),
  z.strictObject({
    kind: z.literal('escalate'),
    text,
    tier: z.enum(tiers).optional(),
    priority: z.enum(priorities).optional(),
  }),
]);

export const scriptSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'ids are lowercase letters, digits and dashes'),
  title: z.string().trim().min(3).max(120),
  description: text.optional(),
  category: z.string().regex(/^[a-z0-9-]+$/),
  /** Who may be offered or started on this script (see audience.ts); absent, everyone. */
  audience: audienceField.optional(),
  /**
   * How employees ask for this script. A question matching them starts it directly when the
   * article answering it links this script, or when no article answers for sure.
   */
  triggers: z.array(z.string().trim().min(3)).default([]),
  /** Tier and priority of tickets from escalate steps that do not say. */
  escalate: z
    .strictObject({ tier: z.enum(tiers).default('L2'), priority: z.enum(priorities).default('P3') })
    .default({ tier: 'L2', priority: 'P3' }),
  start: stepId,
  steps: z.record(stepId, stepSchema),
});

export type Script = z.infer<typeof scriptSchema> & { path: string };
export type Step = z.infer<typeof stepSchema>;
export type Check = z.infer<typeof checkSchema>;

/** The steps a step can lead to. */
export function nextSteps(step: Step): string[] {
  switch (step.kind) {
    case 'message':
    case 'question':
    case 'article':
      return [step.next];
    case 'choice':
      return step.choices.map((c) => c.next);
    case 'check':
      return [step.on_ok, step.on_fail];
    case 'branch':
      return [...step.cases.map((c) => c.next), step.default];
    case 'resolve':
    case 'escalate':
      return [];
  }
}
