import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  DM,
  EMPLOYEE,
  eventually,
  FakeSlackApi,
  startSlackHarness,
  TEAM,
  type SlackHarness,
} from '../../support/slack.js';

let h: SlackHarness | undefined;
let server: WebSocketServer | undefined;
afterEach(async () => {
  await h?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  h = undefined;
  server = undefined;
});

/** A stand-in for Slack's Socket Mode endpoint: says hello, sends envelopes, collects acks. */
async function socketServer(): Promise<{ url: string; acks: string[]; connected: Promise<WebSocket> }> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
  const acks: string[] = [];
  const connected = new Promise<WebSocket>((resolve) => {
    server!.on('connection', (socket) => {
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string };
        if (message.envelope_id) acks.push(message.envelope_id);
      });
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'test', approximate_connection_time: 3600 },
          connection_info: { app_id: 'A0HELPDESK' },
        }),
      );
      resolve(socket);
    });
  });
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link/?ticket=test`, acks, connected };
}

describe('Slack Socket Mode', () => {
  it('connects with SLACK_APP_TOKEN, acknowledges envelopes and answers; no /slack/events endpoint then', async () => {
    const socket = await socketServer();
    h = await startSlackHarness({ SLACK_APP_TOKEN: 'xapp-1-A0HELPDESK-test' }, { socketUrl: socket.url });
    const ws = await socket.connected;
    expect(h.api.of('apps.connections.open')).toHaveLength(1);
    ws.send(
      JSON.stringify({
        envelope_id: 'env-0001',
        type: 'events_api',
        accepts_response_payload: false,
        retry_attempt: 0,
        retry_reason: '',
        payload: {
          team_id: TEAM,
          api_app_id: 'A0HELPDESK',
          type: 'event_callback',
          event_id: 'EvSOCKET0001',
          event_time: 1_700_000_000,
          event: {
            type: 'message',
            channel: DM,
            channel_type: 'im',
            user: EMPLOYEE,
            text: 'how do I reset my password',
            ts: '1700003000.000100',
            event_ts: '1700003000.000100',
          },
        },
      }),
    );
    await eventually(() => socket.acks.includes('env-0001'));
    await eventually(() => h!.api.of('chat.postMessage').length === 1);
    expect(FakeSlackApi.textOf(h.api.of('chat.postMessage')[0])).toMatch(/password/i);
    expect((await fetch(`${h.url}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});
