// Triage's cost: building the model and predicting one ticket. Prints figures; asserts nothing
// (timings on shared machines are noisy: compare runs, do not gate on them).
//
//   npm run bench:triage [-- --rounds 5 --settled 2000 --kb DIR]
//
// Side by side, A B A B for --rounds rounds: A loads the live knowledge base as the bot does at
// start (answer engine, scripts and the triage model), B builds the triage model alone; printed
// as min / median / max of each and of B/A round by round (triage's share of the start). Then
// the model built with --settled generated settled tickets, and the time to predict a ticket of
// test/fixtures/ticket-triage.jsonl with and without them.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultThresholds } from '../core/answering/answer-engine.js';
import { loadKnowledgeBase } from '../core/knowledge/knowledge-base.js';
import { priorities, tiers } from '../core/tickets/ticket.js';
import { TriageModel, type SettledTicket } from '../core/triage/triage-model.js';
import { readTickets } from '../evaluation/triage-eval.js';
import { LiveKnowledge } from '../service/live-knowledge.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    settled: { type: 'string', default: '2000' },
    kb: { type: 'string', default: 'knowledge-base' },
  },
});
const rounds = Math.max(1, Number(values.rounds));
const kbDir = path.resolve(values.kb);
const articles = (await loadKnowledgeBase(kbDir)).articles;
const tickets = readTickets(path.resolve('test/fixtures/ticket-triage.jsonl'));

const time = async (run: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await run();
  return performance.now() - start;
};
const summary = (values: number[], unit = 'ms', digits = 0) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(digits);
  return `min ${at(0)} / median ${at(0.5)} / max ${at(0.999)} ${unit}`;
};

const library: number[] = [];
const triage: number[] = [];
for (let round = 0; round < rounds; round++) {
  library.push(await time(() => LiveKnowledge.load(kbDir, defaultThresholds)));
  triage.push(await time(() => TriageModel.build(articles)));
}
process.stdout.write(`${articles.length} articles, ${rounds} rounds side by side\n`);
process.stdout.write(`A live knowledge base load (with triage)  ${summary(library)}\n`);
process.stdout.write(`B triage model alone                    ${summary(triage)}\n`);
process.stdout.write(
  `B/A round by round                      ${summary(
    triage.map((b, i) => b / library[i]!),
    '',
    2,
  )}\n`,
);

const count = Math.max(0, Number(values.settled));
const settled: SettledTicket[] = Array.from({ length: count }, (_, i) => {
  const source = tickets[i % tickets.length]!;
  return {
    key: `HD-${i}`,
    subject: source.subject,
    description: `${source.description} (${i})`,
    question: null,
    category: source.category,
    priority: priorities[i % 4]!,
    tier: tiers[i % 3]!,
  };
});
let withTickets: TriageModel | undefined;
const built = await time(async () => {
  withTickets = await TriageModel.build(articles, settled);
});
process.stdout.write(`triage model with ${count} settled tickets  ${built.toFixed(0)} ms\n`);

const perTicket = async (model: TriageModel) => {
  const ms: number[] = [];
  for (const ticket of tickets) ms.push(await time(async () => model.predict(ticket)));
  return ms;
};
process.stdout.write(
  `predict, articles only                  ${summary(await perTicket(await TriageModel.build(articles)), 'ms', 2)}\n`,
);
process.stdout.write(`predict, with ${count} settled tickets    ${summary(await perTicket(withTickets!), 'ms', 2)}\n`);
