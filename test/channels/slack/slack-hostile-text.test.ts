import { afterEach, describe, expect, it } from 'vitest';
import { DM, EMPLOYEE, startSlackHarness, TRIAGE_L2, type SlackHarness } from '../../support/slack.js';
import { BIDI_OR_CONTROL, HOSTILE_INVISIBLE, HOSTILE_MARKUP, slackHazards } from '../../support/hostile-text.js';

let h: SlackHarness;
afterEach(async () => {
  await h?.close();
});

const THREAD = '1700003000.000100';
/** What Slack sends for text a person typed: &, < and > as entities; their real broadcasts as markup. */
const typed = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('Slack: hostile text through the real bot', () => {
  it('reaches the triage card, its fallback text, the thread lines and the requester escaped and cleaned', async () => {
    h = await startSlackHarness();
    const message = `${typed(`${HOSTILE_MARKUP} ${HOSTILE_INVISIBLE} my printer is on fire`)} <!here> <!channel>`;
    await h.event({ type: 'message', channel: DM, channel_type: 'im', user: EMPLOYEE, text: message, ts: THREAD });
    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: EMPLOYEE,
      text: 'talk to a human',
      ts: '1700003001.000100',
      thread_ts: THREAD,
    });
    await h.settle();
    await h.event({
      type: 'message',
      channel: DM,
      channel_type: 'im',
      user: EMPLOYEE,
      text: message,
      ts: '1700003002.000100',
      thread_ts: THREAD,
    });
    await h.settle();

    const card = h.api.of('chat.postMessage').find((c) => c.args.channel === TRIAGE_L2);
    expect(card, 'a triage card').toBeDefined();
    expect(String(card!.args.text)).toContain('&lt;!channel&gt;');
    const line = h.api.of('chat.postMessage').find((c) => c.args.channel === TRIAGE_L2 && c.args.thread_ts);
    expect(String(line?.args.text)).toContain('&lt;https://evil.example|click here&gt;');
    for (const call of h.api.calls) {
      expect(slackHazards([call.args.text, call.args.blocks, call.args.view]), call.method).toEqual([]);
    }
    const ticket = await h.bot.app.store.prisma.ticket.findFirstOrThrow();
    expect(ticket.subject).toContain('<!channel>');
    expect(ticket.subject + ticket.description).not.toMatch(BIDI_OR_CONTROL);
  });
});
