import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundOf, personOf, teamOf } from '../../../src/channels/slack/slack-payloads.js';
import {
  DM,
  EMPLOYEE,
  eventually,
  messageEvent,
  startSlackHarness,
  TEAM,
  type SlackHarness,
} from '../../support/slack.js';

describe('Slack payloads parsed once (slack-payloads.ts)', () => {
  it('finds the workspace wherever a payload keeps it, and T when none says', () => {
    expect(teamOf({ team_id: 'T1' })).toBe('T1');
    expect(teamOf({ team: { id: 'T2' }, user: { team_id: 'T3' } })).toBe('T2');
    expect(teamOf({ team: null, user: { id: 'U1', team_id: 'T3' } })).toBe('T3');
    for (const hostile of [null, 'x', 42, [], { team_id: 7 }, { team: 'T4' }, { user: { team_id: { $gt: '' } } }])
      expect(teamOf(hostile)).toBe('T');
  });

  it('reads a field of the wrong type as missing, never throws', () => {
    expect(
      inboundOf({
        type: 'event_callback',
        event_id: 'Ev1',
        team_id: 5,
        event: { type: 'message', user: ['U1'], ts: 1, channel: { id: 'C1' } },
      }),
    ).toEqual({ key: 'slack:Ev1', orderKey: 'slack:none:none:none' });
    expect(inboundOf({ type: 'event_callback', event_id: 9, event: {} })).toBeNull();
    expect(inboundOf({ type: 'block_actions', channel: 'C1', user: 'U1', team: 'T1' })?.orderKey).toBe(
      'slack:none:none',
    );
    expect(personOf({ type: 'event_callback', event: { user: 5 } })).toBeNull();
    expect(personOf({ type: 'block_actions', user: { id: 'U1' }, channel: 'C1' })).toEqual({
      user: 'U1',
      what: 'button press',
    });
    for (const hostile of [null, undefined, 'event_callback', 3, [{ type: 'event_callback' }]]) {
      expect(inboundOf(hostile)).toBeNull();
      expect(personOf(hostile)).toBeNull();
    }
  });
});

describe('unreadable Slack payloads through the real receiver', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await startSlackHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it('drops a message event without a channel or ts (logged), and answers the next message', async () => {
    const broken = { type: 'message', channel_type: 'im', user: EMPLOYEE, text: 'how do I reset my password' };
    expect((await h.event(broken)).status).toBe(200);
    expect((await h.event({ type: 'app_mention', user: EMPLOYEE, text: 'hi', channel: 42 })).status).toBe(200);
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(0);
    await h.event(
      messageEvent({
        user: EMPLOYEE,
        channel: DM,
        channelType: 'im',
        text: 'how do I reset my password',
        ts: '1700000900.000100',
      }),
    );
    await eventually(() => h.api.of('chat.postMessage').length > 0, 8_000);
  });

  it('refuses a ticket from a shortcut whose message has no ts, politely, and opens no form', async () => {
    const response = await h.interaction({
      type: 'message_action',
      callback_id: 'create_ticket_from_message',
      trigger_id: '1.2.3',
      team: { id: TEAM },
      user: { id: EMPLOYEE, team_id: TEAM },
      channel: { id: 'C0GENERAL1' },
      message_ts: '1700000000.000100',
      message: { type: 'message', text: 'the printer is on fire' },
    });
    expect(response.status).toBe(200);
    await h.settle();
    expect(String(h.api.of('chat.postEphemeral').at(-1)?.args.text)).toBe(
      'I can only open tickets from messages people wrote.',
    );
    expect(h.api.of('views.open')).toHaveLength(0);
  });
});
