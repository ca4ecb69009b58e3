/**
 * SLA timers with several replicas on one PostgreSQL schema: every replica sweeps, each timer
 * fires once, and a replica that dies mid-sweep leaves nothing undone nor done twice.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.js';
import type { Actor } from '../../src/core/tickets/ticket.js';
import { startTestApp, type RecordingNotifier } from '../support/test-app.js';
import { newTestSchema, postgresUrlFor, testPostgresUrl } from '../support/test-database.js';
import { lexicalEnv } from '../support/lexical-env.js';

const ann: Actor = { id: 'U-ann', name: 'Ann', role: 'employee' };
const T0 = new Date('2026-11-23T09:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

let apps: App[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(apps.map((app) => app.close().catch(() => undefined)));
  apps = [];
});

async function replicas(count: number): Promise<Array<{ app: App; notifier: RecordingNotifier }>> {
  const url = postgresUrlFor(newTestSchema());
  const started = [];
  // One after the other: the first creates and migrates the schema.
  for (let i = 0; i < count; i++) started.push(await startTestApp(`/nonexistent/replica-${i}`, { DATABASE_URL: url }));
  apps.push(...started.map((s) => s.app));
  return started;
}

async function openMany(app: App, count: number) {
  const opened = [];
  for (let i = 0; i < count; i++) {
    opened.push(
      await app.tickets.open({
        requester: ann,
        channel: 'local',
        conversationKey: null,
        subject: `Outage ${i}`,
        description: 'Down',
        priority: 'P2',
        category: 'network',
      }),
    );
  }
  return opened;
}

async function escalationsOf(app: App, ticket: { key: string }): Promise<number> {
  const events = await app.tickets.history(await app.tickets.get(ticket.key));
  return events.filter((e) => e.detail.command === 'escalate').length;
}

describe.skipIf(!testPostgresUrl)('SLA timers on several replicas (PostgreSQL)', () => {
  it('fires each timer exactly once when three replicas sweep at the same moment', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(T0);
    const nodes = await replicas(3);
    const opened = await openMany(nodes[0]!.app, 30);
    vi.setSystemTime(minutes(61));
    const results = await Promise.all(nodes.map(({ app }) => app.timers.sweep()));
    const breaches = results.flatMap((r) => r.fired).filter((f) => f.kind === 'response-breach');
    expect(breaches.map((f) => f.ticket).sort()).toEqual(opened.map((t) => t.key).sort());
    expect(results.reduce((n, r) => n + r.failed, 0)).toBe(0);
    for (const ticket of opened) expect(await escalationsOf(nodes[0]!.app, ticket)).toBe(1);
    const told = nodes.flatMap(({ notifier }) => notifier.sent).filter((n) => n.type === 'escalated');
    expect(told).toHaveLength(30);
    // A second round does nothing. (Which replica fired which timer is left to the scheduler: on a
    // loaded machine one replica's sweep can claim all 30 before the others' first query returns.)
    const again = await Promise.all(nodes.map(({ app }) => app.timers.sweep()));
    expect(again.flatMap((r) => r.fired).filter((f) => f.kind === 'response-breach')).toEqual([]);
  });

  it('finishes the work of a replica killed (SIGKILL) mid-sweep once its claims expire, without doing anything twice', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'helpdesk-sla-'));
    // A long L3 target, so the tickets escalated here stay at L3 while the test's clock moves on.
    const slaFile = path.join(dir, 'sla.yaml');
    writeFileSync(
      slaFile,
      'calendar:\n  time_zone: UTC\n  hours: { mon: "00:00-24:00", tue: "00:00-24:00", wed: "00:00-24:00", thu: "00:00-24:00", fri: "00:00-24:00", sat: "00:00-24:00", sun: "00:00-24:00" }\n' +
        'targets:\n  P1: { response: 15, resolution: 240 }\n  P2: { response: 60, resolution: 480 }\n  P3: { response: 240, resolution: 4320 }\n  P4: { response: 1440, resolution: 14400 }\n' +
        'tiers:\n  L3:\n    P2: { response: 100000, resolution: 200000 }\n',
    );
    const url = postgresUrlFor(newTestSchema());
    const { app: survivor } = await startTestApp(dir, { DATABASE_URL: url, SLA_FILE: slaFile });
    apps.push(survivor);
    const opened = await openMany(survivor, 60);
    const sweepAt = Date.now() + 61 * 60_000;

    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.resolve(import.meta.dirname, '../support/timer-sweeper-process.ts')],
      {
        env: {
          ...process.env,
          ...databaseFreeEnv(),
          ...lexicalEnv,
          DATABASE_URL: url,
          SLA_FILE: slaFile,
          KB_DIR: path.resolve(import.meta.dirname, '../../knowledge-base'),
          SWEEP_AT: String(sweepAt),
          LOG_LEVEL: 'silent',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Kill it once it has claimed part of the work.
    const claims = () => survivor.store.prisma.timerFiring.count();
    for (let i = 0; i < 400 && (await claims()) < 10; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    child.kill('SIGKILL');
    await exited;
    const unfinished = await survivor.store.prisma.timerFiring.count({ where: { doneAt: null } });
    const claimed = await claims();
    expect(claimed).toBeGreaterThanOrEqual(10);
    expect(claimed).toBeLessThan(opened.length);
    // Killed between claiming a timer and finishing it (its chat is slow, so that is where it spends its time).
    expect(unfinished).toBeGreaterThanOrEqual(1);

    // Within the lease the dead replica's claims are left alone; after it they are taken over.
    await survivor.timers.sweep(new Date(sweepAt));
    expect(await survivor.store.prisma.timerFiring.count({ where: { doneAt: null } })).toBe(unfinished);
    await survivor.timers.sweep(new Date(sweepAt + 3 * 60_000));
    for (const ticket of opened) {
      expect(await escalationsOf(survivor, ticket)).toBe(1);
      expect((await survivor.tickets.get(ticket.key)).tier).toBe('L3');
    }
    expect(await survivor.store.prisma.timerFiring.count({ where: { doneAt: null } })).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});

/** The child gets its database from DATABASE_URL alone, not from the test project's variables. */
function databaseFreeEnv(): Record<string, string> {
  return { HELPDESK_TEST_DATABASE: '' };
}
