import { cpSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp } from '../../src/app.js';
import { silentLogger } from '../../src/core/logger.js';
import { watchKnowledge } from '../../src/service/knowledge-watch.js';
import { RecordingNotifier, tempDir } from '../support/test-app.js';
import { eventually } from '../support/slack.js';
import { lexicalEnv } from '../support/lexical-env.js';
import { loadWithSharedModels } from '../support/shared-models.js';

const bundled = path.resolve(import.meta.dirname, '../../knowledge-base');
let dir: string;
let cleanup: () => void;
let app: App;
let stop: () => void;
const told: string[] = [];

beforeEach(async () => {
  ({ dir, cleanup } = tempDir('helpdesk-reload-'));
  cpSync(bundled, path.join(dir, 'kb'), { recursive: true });
  app = await createApp(
    loadConfig({ DATA_DIR: dir, KB_DIR: path.join(dir, 'kb'), ...lexicalEnv }),
    silentLogger,
    new RecordingNotifier(),
    { loadLibrary: loadWithSharedModels },
  );
  told.length = 0;
  stop = watchKnowledge(app, silentLogger, async (markdown) => {
    told.push(markdown);
  });
});
afterEach(async () => {
  stop();
  await app.close();
  cleanup();
});

/**
 * How long a test waits for a reload to show. Not a speed target (a reload takes about 150 ms
 * after the last save plus the rebuild; `npm run bench:start` measures builds): a bound well
 * inside the test's own time-out, because at load 15 on two cores a rebuild took over 3 s.
 */
const RELOADED = 20_000;

const ask = (text: string) => app.engine.ask(text);
const article = (name: string) => path.join(dir, 'kb', name);

describe('live reload', () => {
  it('a new article answers after the reload, without a restart', async () => {
    expect(ask('how do I book the parking garage').outcome).not.toBe('answered');
    writeFileSync(
      article('general/parking.md'),
      `---\nid: parking-garage\ntitle: Book a space in the parking garage\nquestions:\n  - how do I book the parking garage\n  - reserve a parking space\n  - parking permit for the garage\ntags: [parking, garage]\ncategory: general\nowner: facilities\nupdated: 2026-11-01\n---\n\n# Book a space in the parking garage\n\n## Answer\n\nBook at **parking.example.com** with your badge number.\n`,
    );
    await eventually(() => {
      const result = ask('how do I book the parking garage');
      return result.outcome === 'answered' && result.article.id === 'parking-garage';
    }, RELOADED);
  });

  it(
    'an edit changes the answer, a rename keeps it, a delete removes it',
    async () => {
      const file = article('accounts/password-reset.md');
      writeFileSync(file, readFileSync(file, 'utf8').replace('myaccount.example.com', 'reset.example.com'));
      await eventually(() => app.engine.article('password-reset')?.answer.includes('reset.example.com'), RELOADED);
      renameSync(file, article('accounts/forgot-password.md'));
      await eventually(() => app.engine.article('password-reset')?.path === 'accounts/forgot-password.md', RELOADED);
      rmSync(article('accounts/forgot-password.md'));
      await eventually(() => app.engine.article('password-reset') === undefined, RELOADED);
    },
    3 * RELOADED,
  );

  it('a broken edit is reported to the editors and the last good version keeps serving', async () => {
    const file = article('network/vpn-setup.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('category: network', 'category: [broken'));
    await eventually(() => told.length > 0, RELOADED);
    expect(told[0]).toMatch(/network\/vpn-setup\.md:\d+: front matter: invalid YAML/);
    expect(told[0]).toMatch(/last good version keeps serving for: network\/vpn-setup\.md/);
    expect(app.engine.article('vpn-setup')).toBeDefined();
    expect(ask('how do I install globalprotect').outcome).toBe('answered');
  });
});

describe('live reload while the bot stops', () => {
  it('a reload that the stop ends is logged as stopped, not as a failure', async () => {
    const { dir: own, cleanup: clean } = tempDir('helpdesk-reload-stop-');
    try {
      cpSync(bundled, path.join(own, 'kb'), { recursive: true });
      const stopping = new AbortController();
      const library = await loadWithSharedModels(path.join(own, 'kb'), { answer: 0.43, suggest: 0.225 }, null, {
        signal: stopping.signal,
      });
      const lines: Array<{ level: string; msg: string | undefined }> = [];
      const record = (level: string) => (_obj: object, msg?: string) => void lines.push({ level, msg });
      const logger = { debug: record('debug'), info: record('info'), warn: record('warn'), error: record('error') };
      const stopWatching = library.watch(logger, () => lines.push({ level: 'reloaded', msg: undefined }));
      try {
        stopping.abort(new Error('the bot is stopping'));
        writeFileSync(
          path.join(own, 'kb', 'general', 'parking.md'),
          `---\nid: parking-garage\ntitle: Book a space in the parking garage\nquestions:\n  - how do I book the parking garage\ncategory: general\nowner: facilities\nupdated: 2026-11-01\n---\n\n# Book a space\n\n## Answer\n\nBook at parking.example.com.\n`,
        );
        await eventually(() => lines.length > 0, RELOADED);
        expect(lines).toEqual([{ level: 'info', msg: 'knowledge base reload stopped: the bot is stopping' }]);
      } finally {
        stopWatching();
      }
    } finally {
      clean();
    }
  });
});
