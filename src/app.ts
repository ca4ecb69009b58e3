import path from 'node:path';
import { AnswerEngine } from './core/answering/answer-engine.js';
import { ConversationService } from './core/conversation/conversation-service.js';
import { formatProblem, loadKnowledgeBase, type KnowledgeBase } from './core/knowledge/knowledge-base.js';
import type { Logger } from './core/logger.js';
import type { TicketNotifier } from './core/tickets/ticket-notifier.js';
import { loadScripts, type ScriptLibrary } from './core/scripts/load-scripts.js';
import { ScriptDialogue } from './core/scripts/script-dialogue.js';
import { ScriptRunner } from './core/scripts/script-runner.js';
import type { Script } from './core/scripts/script.js';
import { formatProblem as formatScriptProblem } from './core/scripts/script-problems.js';
import { TicketService } from './core/tickets/ticket-service.js';
import { NetworkCheckRunner } from './checks/network-check-runner.js';
import type { Article } from './core/knowledge/article.js';
import type { Config } from './config/config.js';
import { openSqliteStore, type Store } from './store/open-store.js';

/** The composed bot: core services on a store, ready for channels. */
export interface App {
  config: Config;
  store: Store;
  knowledgeBase: KnowledgeBase;
  scripts: ScriptLibrary;
  engine: AnswerEngine;
  conversations: ConversationService;
  tickets: TicketService;
  close(): Promise<void>;
}

/** Wires the core to the store and a notifier. The one place where the parts meet. */
export async function createApp(config: Config, logger: Logger, notifier: TicketNotifier): Promise<App> {
  const knowledgeBase = await loadKnowledgeBase(config.kbDir).catch((error: NodeJS.ErrnoException) => {
    throw new Error(
      error.code === 'ENOENT'
        ? `The knowledge base folder ${config.kbDir} does not exist. Set KB_DIR to the folder holding your articles.`
        : `Cannot read the knowledge base in ${config.kbDir}: ${error.message}`,
      { cause: error },
    );
  });
  for (const problem of knowledgeBase.problems) logger.warn({ problem }, `article skipped: ${formatProblem(problem)}`);
  if (knowledgeBase.articles.length === 0) logger.warn({ dir: knowledgeBase.dir }, 'the knowledge base has no articles: every question will be offered a ticket');

  const store = await openSqliteStore(config.databaseFile);
  if (store.migrated.length > 0) logger.info({ migrations: store.migrated, database: store.location }, 'database migrated');

  const engine = new AnswerEngine(knowledgeBase.articles, config.thresholds);
  const scripts = await loadScripts(path.join(knowledgeBase.dir, 'scripts'), new Set(knowledgeBase.articles.map((a) => a.id)), knowledgeBase.dir);
  for (const problem of scripts.problems) logger.warn({ problem }, `script ${problem.severity === 'error' ? 'disabled' : 'warning'}: ${formatScriptProblem(problem)}`);
  const scriptsById = new Map(scripts.scripts.map((script) => [script.id, script]));
  const triggerEngine = scripts.scripts.length > 0 ? new AnswerEngine(scripts.scripts.map(triggerArticle), config.thresholds) : null;
  const tickets = new TicketService(store.tickets, notifier, logger, {
    keyPrefix: config.ticketKeyPrefix,
    defaultTier: config.ticketDefaultTier,
  });
  const dialogue = new ScriptDialogue({
    runner: new ScriptRunner((id) => scriptsById.get(id), (id) => engine.article(id), new NetworkCheckRunner(), config.checkVariables),
    scripts: () => scriptsById,
    triggerEngine: () => triggerEngine,
    runs: store.scriptRuns,
    timeoutMinutes: config.scriptTimeoutMinutes,
  });
  const conversations = new ConversationService({
    scripts: dialogue,
    engine: () => engine,
    store: store.conversations,
    questions: store.questions,
    tickets,
    logger,
    options: { ...(config.kbBaseUrl ? { kbBaseUrl: config.kbBaseUrl } : {}), maxTextChars: config.maxMessageChars },
  });
  logger.info({ articles: knowledgeBase.articles.length, problems: knowledgeBase.problems.length, database: store.location }, 'bot ready');
  return { config, store, knowledgeBase, scripts, engine, conversations, tickets, close: () => store.close() };
}

/** A script seen as an article whose questions are its triggers, so the same engine can match it. */
function triggerArticle(script: Script): Article {
  return {
    id: script.id,
    title: script.title,
    questions: script.triggers,
    tags: [],
    category: script.category,
    owner: 'scripts',
    updated: '',
    answer: script.description ?? script.title,
    body: script.description ?? '',
    path: script.path,
  };
}
