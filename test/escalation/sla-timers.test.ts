import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.js';
import type { Actor } from '../../src/core/tickets/ticket.js';
import { startTestApp, tempDir, type RecordingNotifier } from '../support/test-app.js';

const ann: Actor = { id: 'U-ann', name: 'Ann', role: 'employee' };
const bob: Actor = { id: 'U-bob', name: 'Bob', role: 'engineer' };
const T0 = new Date('2026-11-23T09:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

let dir: string;
let cleanup: () => void;
const apps: App[] = [];

async function start(env: Record<string, string> = {}): Promise<{ app: App; notifier: RecordingNotifier }> {
  const started = await startTestApp(dir, env);
  apps.push(started.app);
  return started;
}

/** The SLA clock is the Date clock: only Date is faked, so the database's own timers still run. */
function at(date: Date): void {
  vi.setSystemTime(date);
}

beforeEach(() => {
  ({ dir, cleanup } = tempDir());
  vi.useFakeTimers({ toFake: ['Date'] });
  at(T0);
});
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(apps.splice(0).map((app) => app.close()));
  cleanup();
});

const open = (app: App, priority: 'P1' | 'P2' | 'P3' = 'P2', subject = 'VPN down for the whole office') =>
  app.tickets.open({
    requester: ann,
    channel: 'local',
    conversationKey: 'local:U-ann',
    subject,
    description: 'Nobody can connect',
    priority,
    category: 'network',
  });

describe('SLA timers (default wall-clock targets: P2 response 60 min, resolution 8 h)', () => {
  it("escalates an unclaimed ticket on a response breach with a note, on the next tier's clock, once", async () => {
    const { app, notifier } = await start();
    const ticket = await open(app);
    expect(ticket.tier).toBe('L2');

    at(minutes(59));
    expect((await app.timers.sweep()).fired.filter((f) => f.kind === 'response-breach')).toEqual([]);
    at(minutes(61));
    const result = await app.timers.sweep();
    expect(result.fired).toContainEqual({ ticket: ticket.key, kind: 'response-breach' });
    const escalated = await app.tickets.get(ticket.key);
    expect(escalated).toMatchObject({ tier: 'L3', status: 'escalated', assigneeId: null });
    // L3 gets its own hour from the escalation, not the breached L2 deadline.
    expect(escalated.responseDueAt).toEqual(minutes(121));
    const note = notifier.sent.find((n) => n.type === 'escalated');
    expect(note?.actor).toMatchObject({ role: 'system' });
    expect(note?.note).toMatch(/^Escalated automatically: Nobody at L2 claimed it within the P2 response target/);
    const events = await app.tickets.history(escalated);
    expect(events.filter((e) => e.detail.command === 'escalate')).toHaveLength(1);

    // The same moment again: nothing more happens.
    expect((await app.timers.sweep()).fired.filter((f) => f.kind.endsWith('breach'))).toEqual([]);
    // L3 does not claim either: on to the vendor, and there it stops (announced, not escalated).
    at(minutes(122));
    await app.timers.sweep();
    expect((await app.tickets.get(ticket.key)).tier).toBe('L4');
    at(minutes(300));
    await app.timers.sweep();
    const last = await app.tickets.get(ticket.key);
    expect(last.tier).toBe('L4');
    const breach = notifier.sent.filter((n) => n.type === 'reminder' && n.summary.includes('breached'));
    expect(breach).toHaveLength(1);
    expect(breach[0]!.due?.kind).toBe('response');
    await app.timers.sweep();
    expect(notifier.sent.filter((n) => n.type === 'reminder' && n.summary.includes('breached'))).toHaveLength(1);
  });

  it('escalates a claimed ticket that breaches its resolution target, and leaves one resolved in time alone', async () => {
    const { app } = await start();
    const late = await open(app, 'P2', 'Late one');
    const onTime = await open(app, 'P2', 'Quick one');
    await app.tickets.claim(late.key, bob);
    await app.tickets.claim(onTime.key, bob);
    at(minutes(60));
    await app.tickets.resolve(onTime.key, bob, 'Restarted the VPN concentrator');
    at(minutes(8 * 60 + 1));
    const result = await app.timers.sweep();
    expect(result.fired).toEqual([{ ticket: late.key, kind: 'resolution-breach' }]);
    const escalated = await app.tickets.get(late.key);
    expect(escalated).toMatchObject({ tier: 'L3', status: 'escalated', assigneeId: null });
    expect((await app.tickets.get(onTime.key)).status).toBe('resolved');
  });

  it('reminds once before a deadline: the channel while unclaimed, the assignee once claimed', async () => {
    const { app, notifier } = await start();
    const ticket = await open(app);
    // The "breaching soon" window of a 60-minute target is a quarter of it: 15 minutes.
    at(minutes(44));
    await app.timers.sweep();
    expect(notifier.sent.filter((n) => n.type === 'reminder')).toHaveLength(0);
    at(minutes(46));
    await app.timers.sweep();
    await app.timers.sweep();
    const reminders = notifier.sent.filter((n) => n.type === 'reminder');
    expect(reminders).toHaveLength(1);
    expect(reminders[0]).toMatchObject({ due: { kind: 'response', at: minutes(60) } });
    expect(reminders[0]!.ticket.assigneeId).toBeNull();

    await app.tickets.claim(ticket.key, bob);
    // Resolution due at 8 h: the window is 60 minutes.
    at(minutes(8 * 60 - 30));
    await app.timers.sweep();
    const second = notifier.sent.filter((n) => n.type === 'reminder');
    expect(second).toHaveLength(2);
    expect(second[1]).toMatchObject({ due: { kind: 'resolution', at: minutes(8 * 60) } });
    expect(second[1]!.ticket.assigneeId).toBe('U-bob');
  });

  it('re-announces an unclaimed ticket each period, only the latest period after an outage', async () => {
    const { app, notifier } = await start({
      SLA_FILE: slaFile({ timers: 'timers:\n  auto_escalate: false\n  reannounce_every: 30\n' }),
    });
    await open(app, 'P3');
    at(minutes(29));
    await app.timers.sweep();
    expect(notifier.sent.filter((n) => n.type === 'unclaimed')).toHaveLength(0);
    at(minutes(31));
    await app.timers.sweep();
    await app.timers.sweep();
    expect(notifier.sent.filter((n) => n.type === 'unclaimed').map((n) => n.summary)).toEqual([
      'HD-1001 has waited 30 minutes for someone at L2 to claim it',
    ]);
    // Down from 0:31 to 3:10: one announcement, not five.
    at(minutes(190));
    await app.timers.sweep();
    expect(
      notifier.sent
        .filter((n) => n.type === 'unclaimed')
        .map((n) => n.summary)
        .at(-1),
    ).toBe('HD-1001 has waited 3 hours for someone at L2 to claim it');
    expect(notifier.sent.filter((n) => n.type === 'unclaimed')).toHaveLength(2);
  });

  it('nudges a requester who has not answered, then closes the ticket; an answer stops both and pauses the clock', async () => {
    const { app, notifier } = await start();
    const quiet = await open(app, 'P3', 'Quiet one');
    const answers = await open(app, 'P3', 'Chatty one');
    for (const t of [quiet, answers]) {
      await app.tickets.claim(t.key, bob);
      await app.tickets.wait(t.key, bob, 'Which laptop model is it?');
    }
    const before = (await app.tickets.get(answers.key)).resolveDueAt!;
    at(minutes(24 * 60 + 1));
    await app.timers.sweep();
    expect(
      notifier.sent
        .filter((n) => n.type === 'nudged')
        .map((n) => n.ticket.key)
        .sort(),
    ).toEqual([quiet.key, answers.key]);
    expect(notifier.sent.find((n) => n.type === 'nudged')?.due).toEqual({ kind: 'close', at: minutes(5 * 24 * 60) });

    // The requester answers after a day of waiting: the resolution deadline moves on by that day.
    await app.tickets.comment(answers.key, ann, 'A ThinkPad T14');
    const resumed = await app.tickets.get(answers.key);
    expect(resumed.status).toBe('claimed');
    expect(resumed.resolveDueAt!.getTime() - before.getTime()).toBe(24 * 60 * 60_000 + 60_000);

    at(minutes(5 * 24 * 60 + 1));
    await app.timers.sweep();
    const closed = await app.tickets.get(quiet.key);
    expect(closed.status).toBe('closed');
    expect(notifier.sent.find((n) => n.type === 'closed')?.note).toMatch(/No reply from the requester for 5 days/);
    expect((await app.tickets.get(answers.key)).status).not.toBe('closed');
  });

  it("words its reasons for who reads them: an escalation's in the engineers' language, a close's in the requester's", async () => {
    const { app, notifier } = await start({ DEFAULT_LANGUAGE: 'de' });
    const unclaimed = await open(app, 'P2', 'VPN weg');
    const quiet = await app.tickets.open({
      requester: ann,
      channel: 'local',
      conversationKey: 'local:U-ann',
      subject: 'Imprimante muette',
      description: 'Rien ne sort',
      priority: 'P3',
      category: 'printing',
      language: 'fr',
    });
    await app.tickets.claim(quiet.key, bob);
    await app.tickets.wait(quiet.key, bob, 'Quel modèle ?');
    at(minutes(61));
    await app.timers.sweep();
    const escalated = notifier.sent.find((n) => n.type === 'escalated' && n.ticket.key === unclaimed.key);
    expect(escalated?.note).toBe(
      'Automatisch eskaliert: Niemand auf L2 hat es innerhalb des P2-Ziels für die erste Antwort übernommen (fällig 2026-11-23 10:00 UTC).',
    );
    at(minutes(6 * 24 * 60));
    await app.timers.sweep();
    expect((await app.tickets.get(quiet.key)).status).toBe('closed');
    expect(notifier.sent.find((n) => n.type === 'closed' && n.ticket.key === quiet.key)?.note).toBe(
      'Sans réponse de votre part depuis 5 jours. Répondez ou rouvrez le ticket si vous avez encore besoin d’aide.',
    );
  });

  it('survives a restart: what fired stays fired, and what fell due while down fires on the first sweep', async () => {
    const first = await start();
    const a = await open(first.app, 'P2', 'Before the restart');
    at(minutes(30));
    const b = await open(first.app, 'P2', 'During the outage');
    at(minutes(61));
    await first.app.timers.sweep();
    expect((await first.app.tickets.get(a.key)).tier).toBe('L3');
    await first.app.close();

    // Down from 1:01 to 1:40: b's deadline (1:30) passed meanwhile; a's at L3 is 2:01.
    at(minutes(100));
    const second = await start();
    const result = await second.app.timers.sweep();
    expect(result.fired).toContainEqual({ ticket: b.key, kind: 'response-breach' });
    expect(result.fired.filter((f) => f.ticket === a.key && f.kind.endsWith('breach'))).toEqual([]);
    expect((await second.app.tickets.get(a.key)).tier).toBe('L3');
    expect((await second.app.tickets.get(b.key)).tier).toBe('L3');
  });

  it('takes over a firing whose process died after claiming it, but not one still within its lease', async () => {
    const { app } = await start();
    const dead = await open(app, 'P2', 'Claimed by a process that died');
    const alive = await open(app, 'P2', 'Claimed by a process still working');
    const dueAt = minutes(60).toISOString();
    at(minutes(61));
    await app.store.prisma.timerFiring.create({
      data: {
        key: `${dead.id}:response-breach:${dueAt}`,
        ticketId: dead.id,
        kind: 'response-breach',
        claimedBy: 'gone',
        claimedAt: minutes(55),
      },
    });
    await app.store.prisma.timerFiring.create({
      data: {
        key: `${alive.id}:response-breach:${dueAt}`,
        ticketId: alive.id,
        kind: 'response-breach',
        claimedBy: 'busy',
        claimedAt: minutes(60.5),
      },
    });
    const result = await app.timers.sweep();
    expect(result.fired.filter((f) => f.kind === 'response-breach')).toEqual([
      { ticket: dead.key, kind: 'response-breach' },
    ]);
    expect((await app.tickets.get(dead.key)).tier).toBe('L3');
    expect((await app.tickets.get(alive.key)).tier).toBe('L2');
  });

  it('forgets fired timers after 30 days, so the claims table does not only grow', async () => {
    const { app } = await start();
    await open(app);
    at(minutes(61));
    await app.timers.sweep();
    const fired = await app.store.prisma.timerFiring.count();
    expect(fired).toBeGreaterThan(0);
    // A fresh process (no memory of its last prune) 31 days on: the month-old rows are gone.
    const later = await start();
    at(minutes(31 * 24 * 60));
    await later.app.timers.sweep();
    const left = await later.app.store.prisma.timerFiring.findMany();
    expect(left.every((row) => row.claimedAt.getTime() > minutes(61).getTime())).toBe(true);
  });

  it('honours auto_escalate: false by announcing the breach instead', async () => {
    const { app, notifier } = await start({
      SLA_FILE: slaFile({ timers: 'timers:\n  auto_escalate: false\n  reannounce_every: 0\n' }),
    });
    const ticket = await open(app, 'P2');
    at(minutes(24 * 60));
    await app.timers.sweep();
    expect((await app.tickets.get(ticket.key)).tier).toBe('L2');
    expect(notifier.sent.filter((n) => n.type === 'reminder').map((n) => n.summary)).toContain(
      `${ticket.key} breached its response target`,
    );
    expect(notifier.sent.filter((n) => n.type === 'unclaimed')).toEqual([]);
  });
});

describe('the vendor tier (L4)', () => {
  it('records the vendor, case reference and contact on escalation and later, refusing them below L4', async () => {
    const { app, notifier } = await start();
    const ticket = await open(app);
    await expect(
      app.tickets.escalate(ticket.key, bob, { tier: 'L3', reason: 'x', vendor: { name: 'Acme' } }),
    ).rejects.toThrow('Vendor details belong to the vendor tier (L4).');
    await expect(app.tickets.setVendor(ticket.key, bob, { name: 'Acme' })).rejects.toThrow(
      'escalate it to the vendor tier (L4) first',
    );
    const escalated = await app.tickets.escalate(ticket.key, bob, {
      tier: 'L4',
      reason: 'Firmware bug',
      vendor: { name: ' Acme   Networks ', caseRef: 'CS-4471' },
    });
    expect(escalated).toMatchObject({
      tier: 'L4',
      vendorName: 'Acme Networks',
      vendorCaseRef: 'CS-4471',
      vendorContact: null,
    });
    await expect(app.tickets.setVendor(ticket.key, ann, { name: 'Evil' })).rejects.toThrow('Only engineers');
    await expect(app.tickets.setVendor(ticket.key, bob, { caseRef: 'only a case' })).rejects.toThrow(
      "Give the vendor's name.",
    );
    const updated = await app.tickets.setVendor(ticket.key, bob, {
      name: 'Acme Networks',
      caseRef: 'CS-4471',
      contact: 'support@acme.example',
    });
    expect(updated.vendorContact).toBe('support@acme.example');
    expect(notifier.sent.at(-1)).toMatchObject({
      type: 'vendor',
      summary: `${ticket.key} is with Acme Networks (case CS-4471)`,
    });
    const events = await app.tickets.history(updated);
    expect(events.at(-1)).toMatchObject({ type: 'vendor', detail: { previous: { vendorContact: null } } });
  });
});

function slaFile(parts: { timers: string }): string {
  const file = path.join(dir, 'sla.yaml');
  writeFileSync(
    file,
    `calendar:
  time_zone: UTC
  hours: { mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00" }
targets:
  P1: { response: 15, resolution: 240 }
  P2: { response: 60, resolution: 480 }
  P3: { response: 240, resolution: 4320 }
  P4: { response: 1440, resolution: 14400 }
${parts.timers}`,
  );
  return file;
}
