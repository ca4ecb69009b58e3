import type { AnswerThresholds } from '../core/answering/answer-engine.js';
import { engineCatalog, type KnowledgeCatalog } from '../core/analytics/automation.js';
import { LiveKnowledge, type KnowledgeSnapshot } from '../service/live-knowledge.js';

/**
 * What is shipped, as the automation report sees it: the snapshot's articles and scripts, and
 * coverage by its engines' lexical ranking (`ask`, never the sentence encoder), so the report
 * gives the same figures from the command line and from a running bot.
 */
export function catalogOf(snapshot: KnowledgeSnapshot): KnowledgeCatalog {
  return engineCatalog(
    snapshot.engine,
    snapshot.triggerEngine,
    // Outside topics (pay, the building) are never given as answers: nothing of ours to count or automate.
    snapshot.knowledgeBase.articles
      .filter((a) => !a.outside)
      .map((a) => ({ id: a.id, title: a.title, script: a.script })),
    snapshot.scripts.scripts.map((s) => ({ id: s.id, title: s.title })),
  );
}

/** Loads a knowledge-base folder without a sentence encoder; broken files are left out, as the bot leaves them. */
export async function loadCatalog(
  dir: string,
  thresholds: AnswerThresholds,
): Promise<{ catalog: KnowledgeCatalog; problems: number }> {
  const library = await LiveKnowledge.load(dir, thresholds, null);
  const { knowledgeBase, scripts } = library.snapshot;
  return {
    catalog: catalogOf(library.snapshot),
    problems: knowledgeBase.problems.length + scripts.problems.filter((p) => p.severity === 'error').length,
  };
}
