import { describe, expect, it } from 'vitest';
import { inboundOf } from '../../../src/channels/slack/slack-channel.js';
import { buttonPress, DM, EMPLOYEE } from '../../support/slack.js';

const event = (id: string, fields: Record<string, unknown>) => ({
  type: 'event_callback',
  team_id: 'T1',
  event_id: id,
  event: { type: 'message', channel: DM, user: EMPLOYEE, ...fields },
});

describe('which Slack requests go through the inbox, in which order', () => {
  it('orders a conversation (a thread) and lets other threads run beside it', () => {
    const root = inboundOf(event('Ev1', { ts: '100.1' }))!;
    const reply = inboundOf(event('Ev2', { ts: '100.2', thread_ts: '100.1' }))!;
    const other = inboundOf(event('Ev3', { ts: '200.1' }))!;
    const press = inboundOf(
      buttonPress({
        user: EMPLOYEE,
        actionId: 'feedback.helpful#0',
        channel: DM,
        messageTs: '100.3',
        threadTs: '100.1',
      }),
    )!;
    expect(root.key).toBe('slack:Ev1');
    expect(reply.orderKey).toBe(root.orderKey);
    expect(press.orderKey.endsWith(`${DM}:100.1`)).toBe(true);
    expect(other.orderKey).not.toBe(root.orderKey);
    // A press has no id of Slack's to recognise a repeat by (Slack does not retry them).
    expect(press.key).not.toBe(
      inboundOf(
        buttonPress({
          user: EMPLOYEE,
          actionId: 'feedback.helpful#0',
          channel: DM,
          messageTs: '100.3',
          threadTs: '100.1',
        }),
      )!.key,
    );
  });

  it("leaves bots' messages, edits and what is not an event or a press out of it", () => {
    expect(inboundOf(event('Ev4', { ts: '1.1', bot_id: 'B1' }))).toBeNull();
    expect(inboundOf(event('Ev5', { ts: '1.1', subtype: 'message_changed' }))).toBeNull();
    expect(inboundOf(event('Ev6', { ts: '1.1', subtype: 'file_share' }))).not.toBeNull();
    expect(inboundOf({ type: 'url_verification', challenge: 'x' })).toBeNull();
    expect(inboundOf({ type: 'view_submission' })).toBeNull();
    expect(inboundOf(null)).toBeNull();
    expect(inboundOf('text')).toBeNull();
  });
});
