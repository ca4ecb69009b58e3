import type { App } from '../app.js';
import type { Logger } from '../core/logger.js';

/**
 * Reloads the knowledge base when its files change and says what broke: in the log, and to
 * the editors (a chat channel) when `tell` posts somewhere. Returns a function that stops it.
 */
export function watchKnowledge(
  app: App,
  logger: Logger,
  tell: (markdown: string) => Promise<void> = async () => {},
  counted: (failed: boolean) => void = () => {},
): () => void {
  let reported = new Set<string>();
  return app.knowledge.watch(logger, (report) => {
    counted(report.problems.length > 0);
    logger.info(
      { articles: report.articles, scripts: report.scripts, ms: report.ms, problems: report.problems.length },
      'knowledge base reloaded',
    );
    // Each problem is told once, not again on every later save of another file.
    const fresh = report.problems.filter((problem) => !reported.has(problem));
    reported = new Set(report.problems);
    if (fresh.length === 0) return;
    for (const problem of fresh) logger.warn({ problem }, `knowledge base problem: ${problem}`);
    const kept = report.keptLastGood.length
      ? `\nThe last good version keeps serving for: ${report.keptLastGood.join(', ')}.`
      : '';
    void tell(
      `**Knowledge base: ${fresh.length} problem(s) in the latest edit**\n${fresh.map((p) => `- ${p}`).join('\n')}${kept}`,
    );
  });
}
