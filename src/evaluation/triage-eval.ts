// How well triage predicts tickets' category and priority, with the bot's own model and policy.
//
//   npm run triage:eval -- --file FILE.jsonl [--kb DIR] [--json]
//
// FILE.jsonl: one {"subject", "description", "category", "priority"} per line (see
// test/fixtures/ticket-triage.md). Each ticket is settled as one opened from chat with nothing
// chosen: the prediction where it is sure, today's defaults (P3, general) where it is not.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { readJsonLines } from './json-lines.js';
import { formatProblem, loadKnowledgeBase } from '../core/knowledge/knowledge-base.js';
import { priorities } from '../core/tickets/ticket.js';
import { settleTriage } from '../core/triage/ticket-triage.js';
import { TriageModel } from '../core/triage/triage-model.js';
import { runCli, UsageError } from './run-cli.js';

const USAGE = 'usage: npm run triage:eval -- --file FILE.jsonl [--kb DIR] [--json]';

const lineSchema = z.strictObject({
  subject: z.string(),
  description: z.string(),
  category: z.string().min(1),
  priority: z.enum(priorities),
});
export type LabelledTicket = z.infer<typeof lineSchema>;

export function readTickets(file: string): LabelledTicket[] {
  return readJsonLines(file, lineSchema);
}

/** The figures of one run, each a share (0-1) of the tickets unless named a count. */
export interface TriageEvalResult {
  tickets: number;
  /** The category the ticket got (predicted when sure, else "general") is the expected one. */
  categoryAccuracy: number;
  /** The model's own best category, sure or not. */
  categoryTopAccuracy: number;
  priorityExact: number;
  /** At most one step away (P2 for a P1, P3 or P1 for a P2...). */
  priorityWithinOne: number;
  /** Tickets expected at P1 that got P1: an outage left at P3 costs most. */
  p1Recall: number;
  /** Counts of tickets whose category or priority prediction was below its threshold and left at the default. */
  categoryDefaulted: number;
  priorityDefaulted: number;
  /** expected category -> category given -> count. */
  confusion: Record<string, Record<string, number>>;
  /** expected priority -> priority given -> count. */
  priorityConfusion: Record<string, Record<string, number>>;
  mistakes: Array<{ subject: string; expected: string; got: string; confidence: number; reasons: string[] }>;
}

export function evaluateTriage(model: TriageModel, tickets: readonly LabelledTicket[]): TriageEvalResult {
  const confusion: Record<string, Record<string, number>> = {};
  const priorityConfusion: Record<string, Record<string, number>> = {};
  let category = 0;
  let top = 0;
  let exact = 0;
  let withinOne = 0;
  let p1 = 0;
  let p1Right = 0;
  let categoryDefaulted = 0;
  let priorityDefaulted = 0;
  const mistakes: TriageEvalResult['mistakes'] = [];
  for (const ticket of tickets) {
    const prediction = model.predict({ subject: ticket.subject, description: ticket.description });
    const settled = settleTriage({}, prediction);
    if (settled.category === ticket.category) category++;
    if (prediction.category.value === ticket.category) top++;
    if (!prediction.category.sure) categoryDefaulted++;
    if (!prediction.priority.sure) priorityDefaulted++;
    const distance = Math.abs(priorities.indexOf(settled.priority) - priorities.indexOf(ticket.priority));
    if (distance === 0) exact++;
    if (distance <= 1) withinOne++;
    if (ticket.priority === 'P1') {
      p1++;
      if (settled.priority === 'P1') p1Right++;
    }
    count(confusion, ticket.category, settled.category);
    count(priorityConfusion, ticket.priority, settled.priority);
    if (settled.category !== ticket.category || distance > 0) {
      mistakes.push({
        subject: ticket.subject,
        expected: `${ticket.category} ${ticket.priority}`,
        got: `${settled.category} ${settled.priority}`,
        confidence: prediction.category.confidence,
        reasons: settled.record?.reasons ?? [],
      });
    }
  }
  const n = tickets.length || 1;
  return {
    tickets: tickets.length,
    categoryAccuracy: category / n,
    categoryTopAccuracy: top / n,
    priorityExact: exact / n,
    priorityWithinOne: withinOne / n,
    p1Recall: p1 === 0 ? 0 : p1Right / p1,
    categoryDefaulted,
    priorityDefaulted,
    confusion,
    priorityConfusion,
    mistakes,
  };
}

function count(table: Record<string, Record<string, number>>, expected: string, got: string): void {
  const row = (table[expected] ??= {});
  row[got] = (row[got] ?? 0) + 1;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

function confusionTable(table: Record<string, Record<string, number>>): string {
  const labels = [...new Set([...Object.keys(table), ...Object.values(table).flatMap(Object.keys)])].sort();
  const width = Math.max(10, ...labels.map((l) => l.length)) + 1;
  const head = `${'expected \\ got'.padEnd(width + 4)}${labels.map((l) => l.slice(0, 6).padStart(7)).join('')}`;
  const rows = labels
    .filter((l) => table[l])
    .map((l) => `${l.padEnd(width + 4)}${labels.map((g) => String(table[l]?.[g] ?? '.').padStart(7)).join('')}`);
  return [head, ...rows].join('\n');
}

export function formatTriageEval(result: TriageEvalResult, file: string): string {
  return [
    `${file}: ${result.tickets} tickets`,
    `category accuracy          ${percent(result.categoryAccuracy)}  (model's best guess, sure or not: ${percent(result.categoryTopAccuracy)})`,
    `priority exact             ${percent(result.priorityExact)}`,
    `priority within one step   ${percent(result.priorityWithinOne)}`,
    `P1 found                   ${percent(result.p1Recall)}`,
    `below confidence           category ${result.categoryDefaulted}, priority ${result.priorityDefaulted} (left at general / P3)`,
    '',
    'categories',
    confusionTable(result.confusion),
    '',
    'priorities',
    confusionTable(result.priorityConfusion),
  ].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      kb: { type: 'string', default: 'knowledge-base' },
      json: { type: 'boolean', default: false },
      mistakes: { type: 'boolean', default: false },
    },
  });
  if (!values.file) throw new UsageError('give the file of labelled tickets with --file');
  const kb = await loadKnowledgeBase(path.resolve(values.kb));
  for (const problem of kb.problems) process.stderr.write(`article skipped: ${formatProblem(problem)}\n`);
  const model = await TriageModel.build(kb.articles);
  const result = evaluateTriage(model, readTickets(path.resolve(values.file)));
  const { mistakes, ...figures } = result;
  process.stdout.write(`${formatTriageEval(result, values.file)}\n`);
  if (values.mistakes)
    for (const m of mistakes)
      process.stdout.write(`  ${m.expected} -> ${m.got} (${m.confidence}) ${m.subject} | ${m.reasons.join('; ')}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(figures)}\n`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) runCli('triage:eval', USAGE, main);
