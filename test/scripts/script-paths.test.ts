import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import type { Article } from '../../src/core/knowledge/article.js';
import { loadScripts, type ScriptLibrary } from '../../src/core/scripts/load-scripts.js';
import { nextSteps } from '../../src/core/scripts/script.js';
import { explorePaths, type WalkedPath } from '../support/script-explorer.js';

const kbDir = path.resolve(import.meta.dirname, '../../knowledge-base');
let library: ScriptLibrary;
let articles: Map<string, Article>;

beforeAll(async () => {
  const kb = await loadKnowledgeBase(kbDir);
  articles = new Map(kb.articles.map((a) => [a.id, a]));
  library = await loadScripts(path.join(kbDir, 'scripts'), new Set(articles.keys()), kbDir);
});

const SHIPPED = [
  'vpn-not-connecting',
  'printer-offline',
  'wifi-not-working',
  'account-locked-or-mfa-lost',
  'outlook-not-syncing',
  'slow-laptop',
  'disk-full',
  'software-install-request',
];

describe('shipped guided scripts', () => {
  it('all load without problems', () => {
    expect(library.problems).toEqual([]);
    expect(library.scripts.map((s) => s.id).sort()).toEqual([...SHIPPED].sort());
  });

  it.each(SHIPPED)(
    '%s: every path ends in resolve or escalate, and every step and branch target is walked',
    async (id) => {
      const script = library.scripts.find((s) => s.id === id);
      expect(script, `${id} is loaded`).toBeDefined();
      const paths: WalkedPath[] = await explorePaths(script!, (articleId) => articles.get(articleId));
      const stuck = paths.filter((p) => p.end === 'stuck');
      expect(stuck, `paths that neither ended nor looped: ${JSON.stringify(stuck.slice(0, 2))}`).toEqual([]);
      expect(paths.some((p) => p.end === 'resolved') || paths.some((p) => p.end === 'escalated')).toBe(true);
      const visited = new Set(paths.flatMap((p) => p.steps));
      const unvisited = Object.keys(script!.steps).filter((step) => !visited.has(step));
      expect(unvisited, 'steps no path reached (add examples to the question feeding a branch?)').toEqual([]);
      // Every edge out of a branch is taken by some path.
      for (const [stepId, step] of Object.entries(script!.steps)) {
        if (step.kind !== 'branch') continue;
        for (const target of nextSteps(step)) {
          const taken = paths.some((p) => p.steps.some((s, i) => s === stepId && p.steps[i + 1] === target));
          expect(taken, `${stepId} -> ${target} is never taken`).toBe(true);
        }
      }
    },
  );
});
