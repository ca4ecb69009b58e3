import type { Activity } from 'botbuilder';
import { z } from 'zod';

/*
 * The Bot Framework payloads the Teams channel reads, parsed once with zod: the activity's
 * shape before botbuilder sees it, a card button's data, an Action.Execute invoke, a mention.
 * The channel reads typed values and never casts an activity's value.
 */

/** The least an activity must have before botbuilder sees it; anything else is a 400, not a crash. */
export const activityShape = z.looseObject({
  type: z.string().min(1),
  serviceUrl: z.string().url().optional(),
  channelId: z.string().optional(),
  conversation: z.looseObject({ id: z.string().min(1) }),
  from: z.looseObject({ id: z.string().min(1) }).optional(),
});

/** An activity kept in the inbox, read back by the worker: the same shape it had to have to be kept. */
export const storedActivity = z.custom<Activity>(
  (value) => activityShape.safeParse(value).success,
  'not a Bot Framework activity',
);

/** A button of ours (Action.Submit's value, Action.Execute's data), with the card's inputs beside it. */
export const buttonData = z.looseObject({
  helpdesk: z.object({ action: z.string().min(1).max(100), value: z.string().max(2000).optional() }),
});
/** A button's data and the inputs the card sent with it. */
export type ButtonData = z.infer<typeof buttonData>;

/** An Action.Execute invoke (adaptiveCard/action). */
export const executeInvoke = z.looseObject({
  action: z.looseObject({
    type: z.literal('Action.Execute'),
    verb: z.string(),
    data: z.record(z.string(), z.unknown()).optional(),
  }),
});

const mention = z.looseObject({ type: z.literal('mention'), mentioned: z.looseObject({ id: z.string() }) });

/** Whether one of the activity's entities mentions `id` (the bot). */
export function mentions(entities: readonly unknown[] | undefined, id: string): boolean {
  return (entities ?? []).some((entity) => {
    const parsed = mention.safeParse(entity);
    return parsed.success && parsed.data.mentioned.id === id;
  });
}

/** A card input as text: a non-blank string, else undefined. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value : undefined;
}
