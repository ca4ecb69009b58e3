import { afterEach, describe, expect, it } from 'vitest';
import {
  BIDI_OR_CONTROL,
  HOSTILE_INVISIBLE,
  HOSTILE_MARKUP,
  renderedStrings,
  teamsHazards,
} from '../../support/hostile-text.js';
import { startTeamsHarness, TEAMS_TRIAGE_L2, teamsMessage, type TeamsHarness } from '../../support/teams.js';

let h: TeamsHarness;
afterEach(async () => {
  await h?.close();
});

/** What Teams sends for text a person typed: HTML, with <, > and & as entities. */
const typed = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('Teams: hostile input', () => {
  it('answers 413 to a body over the limit and 400 to malformed JSON', async () => {
    h = await startTeamsHarness();
    const big = await h.send(teamsMessage({ text: 'x'.repeat(300_000) }));
    expect(big.status).toBe(413);
    const malformed = await fetch(`${h.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"type": "message", ',
    });
    expect(malformed.status).toBe(400);
    expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
  });

  it('shows hostile text on the triage card and in its thread escaped and cleaned: no link, no mention', async () => {
    h = await startTeamsHarness();
    const text = typed(`${HOSTILE_MARKUP} ${HOSTILE_INVISIBLE} my printer is on fire`);
    await h.send(teamsMessage({ text }));
    await h.send(teamsMessage({ text: 'talk to a human' }));
    await h.settle();
    await h.send(teamsMessage({ text }));
    await h.settle();
    const triage = h.connector.calls.filter(
      (c) => c.path.includes(TEAMS_TRIAGE_L2) || JSON.stringify(c.body).includes(TEAMS_TRIAGE_L2),
    );
    expect(triage.length).toBeGreaterThanOrEqual(2);
    for (const call of triage) expect(teamsHazards(call.body), call.path).toEqual([]);
    expect(JSON.stringify(triage)).toContain('\\\\[reset\\\\]\\\\(https://evil.example\\\\)');
    // Everything posted anywhere (the requester's own chat too) is free of control and bidi characters.
    for (const call of h.connector.calls)
      expect(
        renderedStrings(call.body).filter(({ value }) => BIDI_OR_CONTROL.test(value)),
        call.path,
      ).toEqual([]);
  });
});
