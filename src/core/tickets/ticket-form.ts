import { z } from 'zod';
import { cleanStrings } from '../conversation/user-text.js';
import type { Say } from '../messages/catalogue.js';
import { priorities, type Priority } from './ticket.js';

/** The fields of the "open a ticket" form, as every channel names them. */
export const ticketFormFields = ['subject', 'description', 'priority', 'category'] as const;
export type TicketFormField = (typeof ticketFormFields)[number];

/** The priorities as the form offers them, in `say`'s language: value and label, most urgent first. */
export function priorityChoices(say: Say): Array<{ value: Priority; label: string }> {
  return priorities.map((priority) => ({ value: priority, label: say(`ticket.priority.${priority}`) }));
}

/** What the form shows selected before the requester chooses (channels pre-select them; triage treats them as unchosen). */
export const FORM_DEFAULT_PRIORITY: Priority = 'P3';
export const FORM_DEFAULT_CATEGORY = 'general';

export interface TicketFormInput {
  subject: string;
  description: string;
  priority: Priority;
  category: string;
}

const LIMITS = { subject: 120, description: 3_000 } as const;

/** Checks a submitted form; errors are per field, worded for the person who filled it in (in `say`'s language). */
export function validateTicketForm(
  values: Partial<Record<TicketFormField, string | undefined>>,
  categories: readonly string[],
  say: Say,
): { ok: true; value: TicketFormInput } | { ok: false; errors: Partial<Record<TicketFormField, string>> } {
  const schema = z.object({
    subject: z
      .string({ message: say('form.subjectMissing') })
      .trim()
      .min(5, say('form.subjectShort'))
      .max(LIMITS.subject, say('form.subjectLong', { max: LIMITS.subject })),
    description: z
      .string({ message: say('form.descriptionMissing') })
      .trim()
      .min(10, say('form.descriptionShort'))
      .max(LIMITS.description, say('form.descriptionLong', { max: LIMITS.description })),
    priority: z.enum(priorities, { message: say('form.priorityMissing') }),
    category: z
      .string({ message: say('form.categoryMissing') })
      .refine((category) => categories.includes(category), { message: say('form.categoryUnknown') }),
  });
  // Cleaned before the length checks, so a subject of invisible characters is too short.
  const parsed = schema.safeParse(cleanStrings(values));
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: Partial<Record<TicketFormField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as TicketFormField;
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}
