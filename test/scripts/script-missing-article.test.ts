import { describe, expect, it } from 'vitest';
import { messagesFor } from '../../src/core/messages/catalogue.js';
import { ScriptDialogue } from '../../src/core/scripts/script-dialogue.js';
import { ScriptRunner } from '../../src/core/scripts/script-runner.js';
import { scriptSchema, type Script } from '../../src/core/scripts/script.js';
import { MemoryScriptRunLog } from '../../src/store/memory/memory-script-run-log.js';

// An article step whose article is not loaded (renamed under a running walkthrough, or gone in a
// reload): the walkthrough goes on, and says so in the conversation's words, not in English.
const script: Script = {
  ...scriptSchema.parse({
    id: 'show-gone-article',
    title: 'Show an article that is gone',
    category: 'general',
    start: 'show',
    steps: {
      show: { kind: 'article', article: 'gone-article', text: 'Lesen Sie das hier:', next: 'done' },
      done: { kind: 'resolve', text: 'Fertig.' },
    },
  }),
  path: 'scripts/show-gone-article.yaml',
};

const dialogue = new ScriptDialogue({
  runner: new ScriptRunner(
    (id) => (id === script.id ? script : undefined),
    () => undefined,
    { run: async () => ({ ok: true, detail: 'not run', ms: 0 }) },
  ),
  scripts: () => new Map([[script.id, script]]),
  triggerEngine: () => null,
  runs: new MemoryScriptRunLog(),
  timeoutMinutes: 30,
});

describe('a walkthrough whose article is not loaded', () => {
  it.each(['de', 'fr', 'en'])('%s: says so in that language, after the step its author wrote', async (language) => {
    const t = messagesFor(language);
    const turn = await dialogue.start(script.id, 'local:sam', t);
    const text = turn.replies.map((r) => r.markdown).join('\n');
    expect(text).toContain(`Lesen Sie das hier:\n\n${t('script.articleMissing', { article: 'gone-article' })}`);
    if (language !== 'en') expect(text).not.toContain('is not available right now');
  });
});
