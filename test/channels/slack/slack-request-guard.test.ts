import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_MAX_BODY_BYTES } from '../../../src/channels/slack/slack-request-guard.js';
import { DM, EMPLOYEE, startSlackHarness, type SlackHarness } from '../../support/slack.js';

let h: SlackHarness;
beforeEach(async () => {
  h = await startSlackHarness();
});
afterEach(async () => {
  await h.close();
});

const now = () => Math.floor(Date.now() / 1000);
const dm = (text: string, ts = '1700000500.000100') => ({
  type: 'message',
  channel: DM,
  channel_type: 'im',
  user: EMPLOYEE,
  text,
  ts,
});
const eventBody = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: 'event_callback',
    team_id: 'T0TEAM001',
    api_app_id: 'A0HELPDESK',
    event_id: id,
    event: dm('how do I reset my password'),
    ...extra,
  });

/** Headers that look signed (a fresh timestamp) but carry a signature nobody computed. */
const forged = () => ({
  'content-type': 'application/json',
  'x-slack-request-timestamp': String(now()),
  'x-slack-signature': `v0=${'0'.repeat(64)}`,
});

/**
 * Streams up to `total` bytes of body to /slack/events in 64 KB chunks and never ends it: an
 * answer can only come from a server that decided without the whole body. Resolves with the status.
 */
function streamUntilAnswered(url: string, headers: Record<string, string>, total: number): Promise<{ status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/slack/events`, { method: 'POST', headers });
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let written = 0;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
      req.destroy();
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const pump = () => {
      while (!answered && written < total) {
        written += chunk.length;
        if (!req.write(chunk)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}

describe('Slack: the guard in front of the receiver', () => {
  it('refuses a signed request stamped more than five minutes ahead or behind, like Bolt refuses an old one', async () => {
    const ahead = await h.post(eventBody('EvFUTURE01'), { timestamp: now() + 10 * 60 });
    expect(ahead.status).toBe(401);
    const farAhead = await h.post(eventBody('EvFUTURE02'), { timestamp: now() + 365 * 24 * 3600 });
    expect(farAhead.status).toBe(401);
    const behind = await h.post(eventBody('EvPAST0001'), { timestamp: now() - 6 * 60 });
    expect(behind.status).toBe(401);
    const fresh = await h.post(eventBody('EvFRESH001'), { timestamp: now() + 60 });
    expect(fresh.status).toBe(200);
    await h.settle();
    expect(h.api.of('chat.postMessage')).toHaveLength(1);
  });

  it('answers 400 to a signed body that is not an object (JSON null, a number, an array, a null payload)', async () => {
    for (const body of ['null', ' null', '42', '[]', '"event_callback"']) {
      expect((await h.post(body)).status, body).toBe(400);
    }
    expect((await h.post('payload=null', { contentType: 'application/x-www-form-urlencoded' })).status).toBe(400);
    expect((await h.post('payload=%5B%5D', { contentType: 'application/x-www-form-urlencoded' })).status).toBe(400);
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('accepts a signed message event of a few hundred KB, under the cap', async () => {
    const text = `how do I reset my password ${'😀'.repeat(60_000)}`;
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T0TEAM001',
      event_id: 'EvBIGLEGIT',
      event: dm(text),
    });
    expect(Buffer.byteLength(body)).toBeGreaterThan(200_000);
    expect(Buffer.byteLength(body)).toBeLessThan(SLACK_MAX_BODY_BYTES);
    expect((await h.post(body)).status).toBe(200);
  });

  it('answers 413 to a 3.9 MB body from its Content-Length, before it is sent', async () => {
    const size = 3_900_000;
    const answer = await streamUntilAnswered(h.url, { ...forged(), 'content-length': String(size) }, 64 * 1024);
    expect(answer.status).toBe(413);
    const unsigned = await streamUntilAnswered(
      h.url,
      { 'content-type': 'application/json', 'content-length': String(size) },
      64 * 1024,
    );
    expect(unsigned.status).toBe(413);
  });

  it('answers 413 to a chunked body once it passes the cap, without reading the rest', async () => {
    const answer = await streamUntilAnswered(h.url, { ...forged(), 'transfer-encoding': 'chunked' }, 3_900_000);
    expect(answer.status).toBe(413);
    // Without a signature nothing is read at all.
    const unsigned = await streamUntilAnswered(
      h.url,
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      3_900_000,
    );
    expect(unsigned.status).toBe(401);
  });

  it('keeps answering /healthz during a flood of big bodies', async () => {
    const flood = Array.from({ length: 40 }, (_, i) =>
      streamUntilAnswered(
        h.url,
        i % 2 ? { ...forged(), 'transfer-encoding': 'chunked' } : { ...forged(), 'content-length': '3900000' },
        3_900_000,
      ),
    );
    const health = await fetch(`${h.url}/healthz`);
    expect(health.status).toBe(200);
    const answers = await Promise.all(flood);
    expect(answers.every((a) => a.status === 413)).toBe(true);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });
});
