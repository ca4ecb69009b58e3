import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { Actor } from '../../src/core/tickets/ticket.js';
import { startTestApp, tempDir } from '../support/test-app.js';

let app: App;
let cleanup: () => void;
const ann: Actor = { id: 'U0ANN0001', name: 'Ann', role: 'employee' };

beforeEach(async () => {
  const tmp = tempDir();
  cleanup = tmp.cleanup;
  const file = path.join(tmp.dir, 'routing.yaml');
  writeFileSync(
    file,
    [
      'routes:',
      '  - name: plotters go to L3',
      '    when: { keywords: [plotter] }',
      '    tier: L3',
      '    slack: C0PLOTTER1',
      'default:',
      '  tier: L1',
      '  slack: C0TRIAGE1',
      '',
    ].join('\n'),
  );
  ({ app } = await startTestApp(tmp.dir, { ROUTING_FILE: file }));
});
afterEach(async () => {
  await app.close();
  cleanup();
});

const open = (subject: string, tier?: 'L2' | 'L4') =>
  app.tickets.open({
    requester: ann,
    channel: 'local',
    conversationKey: null,
    subject,
    description: subject,
    question: subject,
    category: 'printing',
    ...(tier ? { tier } : {}),
  });

describe('routing file tiers at open', () => {
  it("a matching route sets the tier over the article's; the default only fills in when nothing chose one", async () => {
    expect((await open('The plotter on floor 2 is jammed', 'L2')).tier).toBe('L3');
    expect((await open('My laptop will not charge')).tier).toBe('L1');
    expect((await open('Vendor laptop warranty claim', 'L4')).tier).toBe('L4');
  });
});
