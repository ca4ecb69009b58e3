import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem, loadKnowledgeBase } from '../../src/core/knowledge/knowledge-base.js';
import { parseArticle } from '../../src/core/knowledge/parse-article.js';
import { tempDir } from '../support/test-app.js';

const good = (id: string, extra = '') => `---
id: ${id}
title: Connect to the VPN
questions:
  - how do I connect to the vpn
tags: [vpn, network]
category: network
owner: network-team
updated: 2026-10-01
${extra}---

# Connect to the VPN

## Answer

1. Open GlobalProtect.
2. Connect.

## Details

More text.
`;

describe('parseArticle', () => {
  it('reads front matter and the answer section', () => {
    const result = parseArticle(good('vpn-setup', 'escalate_to: L2\nthreshold: 0.7\n'), 'network/vpn-setup.md');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.article).toMatchObject({
      id: 'vpn-setup',
      tags: ['vpn', 'network'],
      updated: '2026-10-01',
      escalateTo: 'L2',
      threshold: 0.7,
      answer: '1. Open GlobalProtect.\n2. Connect.',
      path: 'network/vpn-setup.md',
    });
  });

  it.each([
    [
      'a missing required field',
      good('x-y').replace('owner: network-team\n', ''),
      'owner',
      /expected string|required/i,
    ],
    ['a bad date', good('x-y').replace('2026-10-01', '01/10/2026'), 'updated', /2026-10-15/],
    ['an unknown field (typo)', good('x-y', 'escalate-to: L2\n'), 'escalate-to', /unknown field/],
    ['a bad tier', good('x-y', 'escalate_to: L9\n'), 'escalate_to', /L2/],
    ['an id with spaces', good('Bad Id'), 'id', /lowercase/],
    ['no front matter', '# Just a title\n\nText', 'front matter', /front matter/],
    ['broken YAML', good('x-y').replace('tags: [vpn, network]', 'tags: [vpn, network'), 'front matter', /invalid YAML/],
    ['no answer', good('x-y').replace(/# Connect[\s\S]*$/, '## Details\n\nonly details\n'), 'body', /Answer/],
  ])('reports %s with the file, field and reason', (_name, source, field, reason) => {
    const result = parseArticle(source, 'network/broken.md');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problem = result.problems.find((p) => p.field === field);
    expect(problem, JSON.stringify(result.problems)).toBeDefined();
    expect(problem!.file).toBe('network/broken.md');
    expect(problem!.message).toMatch(reason);
  });

  it('builds data only from YAML: tags that would construct objects are refused', () => {
    const result = parseArticle(
      good('x-y').replace('owner: network-team', 'owner: !!js/function "function(){}"'),
      'a.md',
    );
    expect(result.ok).toBe(false);
  });
});

describe('loadKnowledgeBase', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('loads the good articles and reports the broken ones and duplicate ids', async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    mkdirSync(path.join(tmp.dir, 'network'));
    mkdirSync(path.join(tmp.dir, 'drafts'));
    writeFileSync(path.join(tmp.dir, 'network', 'a-vpn.md'), good('vpn-setup'));
    writeFileSync(path.join(tmp.dir, 'network', 'b-vpn-copy.md'), good('vpn-setup'));
    writeFileSync(path.join(tmp.dir, 'network', 'broken.md'), good('wifi').replace('title: Connect to the VPN\n', ''));
    writeFileSync(path.join(tmp.dir, 'drafts', 'draft.md'), good('draft-one'));
    writeFileSync(path.join(tmp.dir, 'README.md'), '# About this folder');

    const kb = await loadKnowledgeBase(tmp.dir);
    expect(kb.articles.map((a) => a.id)).toEqual(['vpn-setup']);
    expect(kb.problems.map(formatProblem)).toEqual([
      'network/b-vpn-copy.md: id: id "vpn-setup" is already used by network/a-vpn.md',
      expect.stringMatching(/^network\/broken\.md: title: /),
    ]);
  });

  it('the bundled knowledge base loads cleanly with at least 40 articles', async () => {
    const kb = await loadKnowledgeBase(path.resolve(import.meta.dirname, '../../knowledge-base'));
    expect(kb.problems.map(formatProblem)).toEqual([]);
    expect(kb.articles.length).toBeGreaterThanOrEqual(40);
    for (const article of kb.articles) expect(article.answer.length, article.id).toBeLessThan(1200);
  });
});
