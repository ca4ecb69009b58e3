import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lexicalEnv } from '../support/lexical-env.js';

/**
 * The chat SDKs load only when their channel is configured: botbuilder alone costs about 2 s of
 * CPU at each start. Checked twice: on the source (the static imports reachable from src/main.ts
 * and from each channel), which names the file that broke it, and on real starts of the bot (the
 * packages a local chat and a Slack-only bot load), which catches what a parse would miss.
 */
const root = path.resolve(import.meta.dirname, '../..');
const src = path.join(root, 'src');
const SLACK = /^@slack\//;
const TEAMS = /^(botbuilder|botframework-)/;

/** Static (not type-only, not dynamic) imports of one file. */
function staticImports(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) specifiers.push(match[1]!);
  return specifiers;
}

/** The packages reachable from a source file through static imports, each with a path of files that reaches it. */
function packagesReachable(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const visit = (file: string, trail: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of staticImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = path.resolve(path.dirname(file), specifier).replace(/\.js$/, '.ts');
        if (existsSync(target)) visit(target, [...trail, path.relative(src, target)]);
      } else if (!specifier.startsWith('node:')) {
        const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!;
        if (!packages.has(name)) packages.set(name, trail);
      }
    }
  };
  visit(path.join(src, entry), [entry]);
  return packages;
}

function offending(packages: Map<string, string[]>, pattern: RegExp): string[] {
  return [...packages]
    .filter(([name]) => pattern.test(name))
    .map(([name, trail]) => `${name} via ${trail.join(' -> ')}`);
}

describe('chat SDKs load only with their channel: the source', () => {
  it('src/main.ts reaches no chat SDK through static imports (the channels are imported when configured)', () => {
    const packages = packagesReachable('main.ts');
    expect(packages.has('express')).toBe(true); // the walk does reach the server
    expect(offending(packages, SLACK)).toEqual([]);
    expect(offending(packages, TEAMS)).toEqual([]);
  });

  it("the Slack channel does not bring the Bot Framework's SDK, nor the Teams channel Slack's", () => {
    const slack = packagesReachable('channels/slack/slack-channel.ts');
    const teams = packagesReachable('channels/teams/teams-channel.ts');
    expect(slack.has('@slack/bolt') && teams.has('botbuilder')).toBe(true);
    expect(offending(slack, TEAMS)).toEqual([]);
    expect(offending(teams, SLACK)).toEqual([]);
  });

  it('the parse sees static imports and skips type-only and dynamic ones', () => {
    const sample = [
      "import { App } from '@slack/bolt';",
      "import type { Activity } from 'botbuilder';",
      "import express, { type Application } from 'express';",
      "import 'pino';",
      "export { x } from './x.js';",
      "const teams = await import('botbuilder');",
    ].join('\n');
    expect(staticImports(sample)).toEqual(['@slack/bolt', 'express', 'pino', './x.js']);
  });
});

/** Starts src/main.ts with the recorder preloaded; returns the packages it loaded. */
async function packagesLoaded(
  env: Record<string, string>,
  drive: (child: ReturnType<typeof spawn>, stderr: () => string) => Promise<void>,
): Promise<Set<string>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'helpdesk-sdk-load-'));
  const out = path.join(dir, 'loaded.txt');
  try {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--import', path.join(root, 'test/support/module-recorder.mjs'), 'src/main.ts'],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? dir,
          KB_DIR: path.join(root, 'knowledge-base'),
          DATA_DIR: dir,
          KB_WATCH: '0',
          LOADED_OUT: out,
          ...lexicalEnv,
          ...env,
        },
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await drive(child, () => stderr);
    expect(await exited, stderr).toBe(0);
    const names = readFileSync(out, 'utf8')
      .split('\n')
      .flatMap((url) => [...url.matchAll(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)].map((m) => m[1]!));
    return new Set(names);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 3_000 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  if (!check()) throw new Error(`not seen: ${what}`);
}

describe('chat SDKs load only with their channel: real starts', () => {
  let slackApi: Server;
  beforeAll(async () => {
    // auth.test is all a Slack-only start asks of Slack.
    slackApi = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify(
            req.url?.includes('auth.test')
              ? { ok: true, user_id: 'U0HELPBOT', bot_id: 'B0HELPBOT', team_id: 'T0TEAM001', team: 'Example' }
              : { ok: true },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => slackApi.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => slackApi.close(() => resolve())));

  it('the local chat loads neither Bolt nor botbuilder', async () => {
    const loaded = await packagesLoaded({}, async (child) => {
      child.stdin!.end('my printer is jammed\n');
    });
    expect(loaded.has('better-sqlite3') || loaded.has('@prisma/client')).toBe(true); // the recorder sees packages
    expect([...loaded].filter((name) => SLACK.test(name) || TEAMS.test(name))).toEqual([]);
  }, 120_000);

  it('a Slack-only bot loads Bolt and not botbuilder', async () => {
    const env = {
      PORT: '0',
      LOG_LEVEL: 'silent',
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'test-signing-secret-0123',
      SLACK_API_URL: `http://127.0.0.1:${(slackApi.address() as AddressInfo).port}/api/`,
      SLACK_ENGINEERS: 'U0ENGINEER1',
      SLACK_TRIAGE_L2: 'C0TRIAGE2',
      SLACK_TRIAGE_L3: 'C0TRIAGE3',
      SLACK_TRIAGE_VENDOR: 'C0VENDOR1',
    };
    const loaded = await packagesLoaded(env, async (child, stderr) => {
      child.stdin!.end();
      await until(() => stderr().includes('Knowledge base loaded'), 'the bot ready');
      child.kill('SIGTERM');
    });
    expect(loaded.has('@slack/bolt')).toBe(true);
    expect([...loaded].filter((name) => TEAMS.test(name))).toEqual([]);
  }, 120_000);
});
