import path from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BusinessCalendar } from '../../src/core/tickets/business-calendar.js';
import { defaultSlaTargets, SlaPolicy } from '../../src/core/tickets/sla-policy.js';
import type { Actor } from '../../src/core/tickets/ticket.js';
import { startTestApp, tempDir } from '../support/test-app.js';

const nineToFive = [{ start: 9 * 60, end: 17 * 60 }];
const calendar = new BusinessCalendar({
  timeZone: 'UTC',
  hours: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive },
});
const friday1630 = new Date('2026-06-05T16:30:00Z');

describe('SlaPolicy without a calendar (no SLA_FILE)', () => {
  it('keeps the wall-clock defaults, whatever the tier', () => {
    const policy = new SlaPolicy();
    const due = policy.dueTimes('P3', friday1630);
    expect(due.responseDueAt.toISOString()).toBe('2026-06-05T20:30:00.000Z');
    expect(due.resolveDueAt.toISOString()).toBe('2026-06-08T16:30:00.000Z');
    expect(policy.dueTimes('P2', friday1630, 'L3')).toEqual(policy.dueTimes('P2', friday1630));
    expect(policy.target('P1')).toEqual(defaultSlaTargets.P1);
    expect(policy.calendar).toBeUndefined();
  });
});

describe('SlaPolicy with a calendar', () => {
  const policy = new SlaPolicy(
    {
      ...defaultSlaTargets,
      P1: { responseMinutes: 15, resolveMinutes: 240, aroundTheClock: true },
      P2: { responseMinutes: 60, resolveMinutes: 480 },
    },
    60,
    { calendar, tiers: { L3: { P2: { responseMinutes: 120, resolveMinutes: 960 } } } },
  );

  it('counts business minutes', () => {
    const due = policy.dueTimes('P2', friday1630);
    expect(due.responseDueAt.toISOString()).toBe('2026-06-08T09:30:00.000Z');
    expect(due.resolveDueAt.toISOString()).toBe('2026-06-08T16:30:00.000Z'); // 30 min Fri + 7h30 Mon
  });

  it('counts plain minutes for around-the-clock targets', () => {
    const due = policy.dueTimes('P1', friday1630);
    expect(due.responseDueAt.toISOString()).toBe('2026-06-05T16:45:00.000Z');
    expect(due.resolveDueAt.toISOString()).toBe('2026-06-05T20:30:00.000Z');
  });

  it('uses a tier override for that tier only', () => {
    expect(policy.dueTimes('P2', friday1630, 'L3').responseDueAt.toISOString()).toBe('2026-06-08T10:30:00.000Z');
    expect(policy.dueTimes('P2', friday1630, 'L2').responseDueAt.toISOString()).toBe('2026-06-08T09:30:00.000Z');
    expect(policy.dueTimes('P3', friday1630, 'L3')).toEqual(policy.dueTimes('P3', friday1630));
  });
});

describe('TicketService with SLA_FILE', () => {
  const requester: Actor = { id: 'U-ann', name: 'Ann', role: 'employee' };
  const tmp = tempDir();
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stores business-hours due times with the tier override at open', async () => {
    const file = path.join(tmp.dir, 'sla.yaml');
    writeFileSync(
      file,
      [
        'calendar:',
        '  time_zone: Europe/London',
        '  hours: { mon: "08:00-18:00", tue: "08:00-18:00", wed: "08:00-18:00", thu: "08:00-18:00", fri: "08:00-17:00" }',
        'targets:',
        '  P1: { response: 15, resolution: 240, around_the_clock: true }',
        '  P2: { response: 60, resolution: 480 }',
        '  P3: { response: 240, resolution: 1440 }',
        '  P4: { response: 1440, resolution: 4800 }',
        'tiers:',
        '  L3: { P2: { response: 120 } }',
      ].join('\n'),
    );
    const { app } = await startTestApp(tmp.dir, { SLA_FILE: file });
    try {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-06-05T15:30:00Z')); // Fri 16:30 BST
      const open = (priority: 'P1' | 'P2', tier: 'L2' | 'L3') =>
        app.tickets.open({
          requester,
          channel: 'local',
          conversationKey: 'local:U-ann',
          subject: 'VPN',
          description: 'It fails',
          priority,
          tier,
          category: 'network',
        });
      const l2 = await open('P2', 'L2');
      expect(l2.responseDueAt!.toISOString()).toBe('2026-06-08T07:30:00.000Z'); // Mon 08:30 BST
      const l3 = await open('P2', 'L3');
      expect(l3.responseDueAt!.toISOString()).toBe('2026-06-08T08:30:00.000Z'); // Mon 09:30 BST
      expect(l3.resolveDueAt!.toISOString()).toBe(l2.resolveDueAt!.toISOString()); // resolution not overridden
      const p1 = await open('P1', 'L2');
      expect(p1.responseDueAt!.toISOString()).toBe('2026-06-05T15:45:00.000Z');
      vi.useRealTimers();
      expect((await app.tickets.get(l3.key)).responseDueAt!.toISOString()).toBe('2026-06-08T08:30:00.000Z');
    } finally {
      vi.useRealTimers();
      await app.close();
      tmp.cleanup();
    }
  });
});
