import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { TriageModel } from '../../src/core/triage/triage-model.js';
import { evaluateTriage, readTickets, type TriageEvalResult } from '../../src/evaluation/triage-eval.js';

const root = path.resolve(import.meta.dirname, '../..');
const fixture = (name: string) => path.join(root, 'test/fixtures', name);

let gate: TriageEvalResult;
beforeAll(async () => {
  const model = await TriageModel.build((await loadKnowledgeBase(path.join(root, 'knowledge-base'))).articles);
  gate = evaluateTriage(model, readTickets(fixture('ticket-triage.jsonl')));
});

// The held-out file (test/fixtures/ticket-triage.md): nothing was tuned on it. Measured: category
// 86.9%, priority exact 71.3%, within one step 95.9%, P1 found 64.7% (the first model, before the
// fitting file's changes, had 86.1%, 73.8%, 96.7%, 64.7%); the gate sits a little under, so a
// change that makes triage worse fails here.
describe('triage on the held-out tickets', () => {
  it('has at least 120 tickets covering every category of the bundled knowledge base', async () => {
    const categories = new Set(
      // Outside topics (pay, the building) are no category of a ticket of ours.
      (await loadKnowledgeBase(path.join(root, 'knowledge-base'))).articles
        .filter((a) => !a.outside)
        .map((a) => a.category),
    );
    expect(gate.tickets).toBeGreaterThanOrEqual(120);
    expect(Object.keys(gate.confusion).sort()).toEqual([...categories].sort());
  });

  it('puts at least 82% in the right category', () => {
    expect(gate.categoryAccuracy).toBeGreaterThanOrEqual(0.82);
  });

  it('gives at least 68% the right priority and 93% a priority within one step', () => {
    expect(gate.priorityExact).toBeGreaterThanOrEqual(0.68);
    expect(gate.priorityWithinOne).toBeGreaterThanOrEqual(0.93);
  });

  it('finds at least 55% of the P1 tickets', () => {
    expect(gate.p1Recall).toBeGreaterThanOrEqual(0.55);
  });
});

describe('npm run triage:eval', () => {
  const run = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/evaluation/triage-eval.ts', ...args], { cwd: root });

  it('prints the figures, both confusions and the count below confidence', async () => {
    const { stdout } = await run(['--file', 'test/fixtures/ticket-triage-fit.jsonl', '--json']);
    expect(stdout).toMatch(/^test\/fixtures\/ticket-triage-fit.jsonl: 107 tickets$/m);
    for (const line of [
      'category accuracy',
      'priority exact',
      'priority within one step',
      'below confidence',
      'categories',
      'priorities',
    ])
      expect(stdout).toContain(line);
    const figures = JSON.parse(stdout.trim().split('\n').at(-1)!) as TriageEvalResult;
    expect(figures.tickets).toBe(107);
  });

  it('refuses a command line without --file, with the usage', async () => {
    await expect(run([])).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('triage:eval failed: give the file of labelled tickets with --file'),
    });
  });
});
