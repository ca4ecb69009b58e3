import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/core/logger.js';
import type { TicketNotification, TicketNotifier } from '../../src/core/tickets/ticket-notifier.js';
import { databaseEnvFor } from './test-database.js';
import { lexicalEnv } from './lexical-env.js';
import { loadWithSharedModels } from './shared-models.js';

/** Collects notifications instead of posting them anywhere. */
export class RecordingNotifier implements TicketNotifier {
  readonly sent: TicketNotification[] = [];
  async notify(notification: TicketNotification): Promise<void> {
    this.sent.push(notification);
  }
}

export function tempDir(prefix = 'helpdesk-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The real app with the bundled knowledge base, its data in a temp folder: a fresh SQLite file
 * there, or in the postgres project a fresh PostgreSQL schema of its own (test-database.ts). The
 * trained models are the run's (shared-models.ts).
 */
export async function startTestApp(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ app: App; notifier: RecordingNotifier }> {
  const notifier = new RecordingNotifier();
  const config = loadConfig({
    DATA_DIR: dataDir,
    KB_DIR: path.resolve(import.meta.dirname, '../../knowledge-base'),
    ...databaseEnvFor(dataDir),
    ...lexicalEnv,
    ...env,
  });
  const app = await createApp(config, silentLogger, notifier, { loadLibrary: loadWithSharedModels });
  return { app, notifier };
}
