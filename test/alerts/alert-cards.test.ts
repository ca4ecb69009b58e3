import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startSlackHarness, TRIAGE_L2, type SlackHarness } from '../support/slack.js';

const TOKEN = 'alerts-token-0123456789abcdef';
const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, '../fixtures/alerts', name), 'utf8');

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('alert tickets in Slack', () => {
  it("posts the alert ticket's triage card with its alerts, and a change of the firing alerts as a line in the card's thread", async () => {
    h = await startSlackHarness({ ALERTS_TOKEN: TOKEN });
    const post = (body: string) =>
      fetch(`${h!.url}/api/alerts`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body,
      });
    const body = fixture('alertmanager-v4-firing.json');
    expect((await post(body)).status).toBe(202);
    await h.settle();
    const cards = h.api
      .of('chat.postMessage')
      .filter((call) => call.args.channel === TRIAGE_L2 && !call.args.thread_ts);
    expect(cards).toHaveLength(1);
    const card = JSON.stringify(cards[0]!.args);
    expect(card).toContain('Alertmanager: PostgresDown');
    expect(card).toContain('P1');
    expect(card).toContain('instance=db1.internal.example.test:9187');
    // No requester thread: the requester is the monitoring source, not a person in Slack.
    const cardTs = (cards[0]!.response as { ts: string }).ts;
    const payload = JSON.parse(body) as { alerts: Array<{ status: string }> };
    payload.alerts[1]!.status = 'resolved';
    expect((await post(JSON.stringify(payload))).status).toBe(202);
    await h.settle();
    const lines = h.api
      .of('chat.postMessage')
      .filter((call) => call.args.channel === TRIAGE_L2 && call.args.thread_ts === cardTs);
    expect(lines.map((line) => String(line.args.text))).toEqual([
      expect.stringContaining('1 firing, 1 resolved (1 cleared)'),
    ]);
    expect(h.api.of('chat.postMessage').filter((call) => call.args.channel !== TRIAGE_L2)).toEqual([]);
  });
});
