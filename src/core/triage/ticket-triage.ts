import type { LanguageCode } from '../language/languages.js';
import { priorities, type Priority, type Tier } from '../tickets/ticket.js';
import { FALLBACK_CATEGORY, type TriagePrediction, type TriageText } from './triage-model.js';

/** The port TicketService asks when a ticket opens (the app gives it the live knowledge base's current model). */
export interface TicketTriage {
  /**
   * Null when there is no model yet (the knowledge base is still loading): the ticket keeps its
   * defaults. `language`: the engineers', which the reasons are worded in (English when not given).
   */
  predict(text: TriageText, language?: LanguageCode): TriagePrediction | null;
}

export type TriageField = 'category' | 'priority' | 'tier';

/** What the opener of a ticket gave: values it chose, and those (listed in `guessed`) that were only its guess. */
export interface TriageGiven {
  category?: string;
  priority?: Priority;
  tier?: Tier;
  /** Given values that a confident prediction may replace (e.g. the category of the article the bot tried). */
  guessed?: readonly TriageField[];
}

/** What triage did, kept in the ticket's 'created' event and, shorter, in `collected.triage` for the card. */
export interface TriageRecord {
  predicted: { category: string; priority: Priority; tier: Tier | null };
  confidence: { category: number; priority: number; tier: number };
  reasons: string[];
  /** Fields whose predicted value the ticket took. */
  applied: TriageField[];
  /** Fields the opener chose, which the prediction left alone. */
  kept: TriageField[];
  /** Set when a severity signal raised the requester's own priority (SeveritySignal.overridesChoice). */
  overrode?: { priority: Priority };
}

export interface TriageOutcome {
  category: string;
  priority: Priority;
  /** Undefined: the service's default tier (nothing chose or predicted one). */
  tier: Tier | undefined;
  record: TriageRecord | null;
}

/**
 * Decides a new ticket's category, priority and tier from what its opener gave and what triage
 * predicted. The rules, in order, for each field:
 * 1. a value the opener chose (the requester on the form, a guided script's author) stays, except
 *    that a severity signal marked `overridesChoice` (a security incident, exposed data) raises
 *    the priority, never lowers it;
 * 2. otherwise a prediction at or above its confidence threshold (`sure`) is taken;
 * 3. otherwise the opener's guess, if any, and then today's defaults: P3, "general", the default tier.
 */
export function settleTriage(given: TriageGiven, prediction: TriagePrediction | null): TriageOutcome {
  const guessed = new Set(given.guessed ?? []);
  const chosen = (field: TriageField) => given[field] !== undefined && !guessed.has(field);
  if (!prediction) {
    return {
      category: given.category ?? FALLBACK_CATEGORY,
      priority: given.priority ?? 'P3',
      tier: given.tier,
      record: null,
    };
  }
  const applied: TriageField[] = [];
  const kept: TriageField[] = [];
  let overrode: TriageRecord['overrode'];

  let category = given.category ?? FALLBACK_CATEGORY;
  if (chosen('category')) kept.push('category');
  else if (prediction.category.sure) {
    category = prediction.category.value;
    applied.push('category');
  }

  let priority = given.priority ?? 'P3';
  const predicted = prediction.priority;
  if (chosen('priority')) {
    kept.push('priority');
    if (predicted.sure && predicted.overridesChoice && rank(predicted.value) < rank(priority)) {
      overrode = { priority };
      priority = predicted.value;
      applied.push('priority');
    }
  } else if (predicted.sure) {
    priority = predicted.value;
    applied.push('priority');
  }

  let tier = given.tier;
  if (chosen('tier')) kept.push('tier');
  else if (prediction.tier?.sure) {
    tier = prediction.tier.value;
    applied.push('tier');
  }

  return {
    category,
    priority,
    tier,
    record: {
      predicted: {
        category: prediction.category.value,
        priority: predicted.value,
        tier: prediction.tier?.value ?? null,
      },
      confidence: {
        category: prediction.category.confidence,
        priority: predicted.confidence,
        tier: prediction.tier?.confidence ?? 0,
      },
      reasons: [...prediction.category.reasons, ...predicted.reasons, ...(prediction.tier?.reasons ?? [])],
      applied,
      kept,
      ...(overrode ? { overrode } : {}),
    },
  };
}

/** 0 for P1 (most urgent) to 3 for P4. */
export function rank(priority: Priority): number {
  return priorities.indexOf(priority);
}

/** The priority `steps` more urgent (never above P1). */
export function raiseBy(priority: Priority, steps: number): Priority {
  return priorities[Math.max(0, rank(priority) - steps)]!;
}
