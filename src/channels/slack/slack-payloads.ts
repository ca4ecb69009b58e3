import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { LANGUAGE_CODE } from '../../core/language/languages.js';
import type { ModalMetadata } from './block-kit.js';

/*
 * Slack's payloads, parsed once with zod where they enter the listeners: the listeners read
 * typed values and never cast a body. Bolt types its listener arguments as unions (a message
 * event is one of a dozen subtypes, an action one of many elements), so the fields we use are
 * checked here instead; a payload that does not parse is logged and dropped by the caller,
 * never a crash. A field of the wrong type in a hostile payload reads as missing.
 */

/** An optional field that reads as missing when it has the wrong type. */
const maybe = <T extends z.ZodType>(schema: T) => schema.optional().catch(undefined);
const id = z.string().min(1);

/** A message a person or a bot wrote, as the Events API sends it (any subtype). */
export const messageEvent = z.looseObject({
  subtype: maybe(z.string()),
  bot_id: maybe(z.string()),
  user: maybe(id),
  text: maybe(z.string()),
  ts: id,
  thread_ts: maybe(id),
  channel: id,
  channel_type: maybe(z.string()),
});
export type MessageEvent = z.infer<typeof messageEvent>;

/** An app_mention event. */
export const mentionEvent = z.looseObject({
  user: maybe(id),
  bot_id: maybe(z.string()),
  text: z.string().catch(''),
  ts: id,
  thread_ts: maybe(id),
  channel: id,
});

/** The message a shortcut was used on, or one read back from the Web API (history, replies). */
export const slackMessage = z.looseObject({
  user: maybe(id),
  bot_id: maybe(z.string()),
  text: maybe(z.string()),
  ts: id,
  thread_ts: maybe(id),
});
export type SlackMessage = z.infer<typeof slackMessage>;

/** The pressed element of a block_actions payload (a button's value is a string; a select's is not). */
export const pressedElement = z.looseObject({ action_id: z.string(), value: maybe(z.string()) });

/** Where a block_actions press happened: the message it was on, if any. */
export const pressedMessage = maybe(z.looseObject({ ts: id, thread_ts: maybe(id) }));

/** The workspace a payload came from, wherever its kind keeps it; 'T' when none says (one workspace per bot). */
const teamCarrier = z.looseObject({
  team_id: maybe(z.string()),
  team: maybe(z.looseObject({ id: maybe(z.string()) }).nullable()),
  user: maybe(z.looseObject({ team_id: maybe(z.string()) })),
});
export function teamOf(body: unknown): string {
  const parsed = teamCarrier.safeParse(body);
  if (!parsed.success) return 'T';
  const b = parsed.data;
  return b.team_id ?? b.team?.id ?? b.user?.team_id ?? 'T';
}

/** A request kept in the inbox, as the worker reads it back: a JSON object. */
export const storedRequest = z.record(z.string(), z.unknown());

/** Our own modal metadata (see block-kit.ts), as it comes back from a modal. */
export const modalMetadata: z.ZodType<ModalMetadata> = z.object({
  kind: z.string(),
  ticketKey: z.string().optional(),
  thread: z.object({ channel: z.string(), threadTs: z.string() }).optional(),
  requester: z.string().optional(),
  reply: z.object({ channel: z.string(), threadTs: z.string().optional() }).optional(),
  context: z.record(z.string(), z.string()).optional(),
  language: z.string().regex(LANGUAGE_CODE).optional(),
});

/** A message a person wrote: not a bot's (ours included), nor an edit, join or deletion. */
export function fromPerson(message: { subtype?: unknown; bot_id?: unknown }): boolean {
  return (
    !message.bot_id &&
    (message.subtype === undefined || message.subtype === 'file_share' || message.subtype === 'thread_broadcast')
  );
}

// Read as it is (text() below picks the strings), present or not.
const looseText = z.unknown().optional();
const envelope = z.looseObject({
  type: maybe(z.string()),
  event_id: maybe(z.string()),
  team_id: looseText,
  user_id: looseText,
  event: maybe(
    z.looseObject({
      type: looseText,
      subtype: looseText,
      bot_id: looseText,
      user: looseText,
      channel: looseText,
      ts: looseText,
      thread_ts: looseText,
      item: maybe(z.looseObject({ channel: looseText, ts: looseText })),
    }),
  ),
  channel: maybe(z.looseObject({ id: looseText })),
  user: maybe(z.looseObject({ id: looseText, team_id: looseText })),
  team: maybe(z.looseObject({ id: looseText }).nullable()),
  message: maybe(z.looseObject({ ts: looseText, thread_ts: looseText })),
});

/** The first value that is a string, else 'none' (keys must be built whatever a payload holds). */
const text = (...values: unknown[]) => values.find((v): v is string => typeof v === 'string') ?? 'none';

/**
 * Which requests are kept in the inbox before they are answered, under which key and order:
 * events by Slack's event id (a retry of one is recognised), button presses by a new id (Slack
 * does not retry them). A conversation's items run in order: they share its thread as order key
 * (the thread root's ts, as in its conversation key); other threads run beside them.
 */
export function inboundOf(body: unknown): { key: string; orderKey: string } | null {
  const parsed = envelope.safeParse(body);
  if (!parsed.success) return null;
  const b = parsed.data;
  if (b.type === 'event_callback' && b.event_id !== undefined) {
    const event = b.event;
    // Bots' messages (ours included) and edits, joins and deletions are ignored by the listeners:
    // not worth a write each, and nothing to lose.
    if (event?.type === 'message' && !fromPerson(event)) return null;
    const item = event?.item;
    const where = item
      ? `${text(item.channel)}:${text(item.ts)}`
      : `${text(event?.channel, event?.user)}:${text(event?.thread_ts, event?.ts)}`;
    return { key: `slack:${b.event_id}`, orderKey: `slack:${text(b.team_id)}:${where}` };
  }
  if (b.type === 'block_actions') {
    const where =
      b.channel && b.message ? `${text(b.channel.id)}:${text(b.message.thread_ts, b.message.ts)}` : text(b.user?.id);
    return { key: `slack:action:${randomUUID()}`, orderKey: `slack:${text(b.team?.id, b.user?.team_id)}:${where}` };
  }
  return null;
}

/** Who to tell about a request given up on, and where. */
export function personOf(payload: unknown): { user: string; channel?: string; threadTs?: string; what: string } | null {
  const parsed = envelope.safeParse(payload);
  if (!parsed.success) return null;
  const b = parsed.data;
  if (b.type === 'event_callback' && b.event) {
    const e = b.event;
    if (typeof e.user !== 'string') return null;
    const threadTs = typeof e.thread_ts === 'string' ? e.thread_ts : typeof e.ts === 'string' ? e.ts : undefined;
    return {
      user: e.user,
      ...(typeof e.channel === 'string' ? { channel: e.channel } : {}),
      ...(threadTs && e.type !== 'reaction_added' ? { threadTs } : {}),
      what: e.type === 'reaction_added' ? 'reaction' : 'message',
    };
  }
  const user = typeof b.user?.id === 'string' ? b.user.id : typeof b.user_id === 'string' ? b.user_id : undefined;
  if (!user) return null;
  const channel = typeof b.channel?.id === 'string' ? b.channel.id : undefined;
  return {
    user,
    ...(channel ? { channel } : {}),
    what: b.type === 'view_submission' ? 'form' : b.type === 'block_actions' ? 'button press' : 'request',
  };
}
