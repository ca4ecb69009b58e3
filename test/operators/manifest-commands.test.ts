import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'manifests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const APP_ID = '6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b';

function run(script: string, args: string[], env: Record<string, string>) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!('PUBLIC_URL' in env)) delete childEnv.PUBLIC_URL;
  // cwd: a folder without .env, so only the environment given here counts.
  return spawnSync(process.execPath, [path.join(ROOT, 'scripts', script), ...args], {
    cwd: dir,
    env: childEnv,
    encoding: 'utf8',
  });
}

describe('npm run slack:manifest', () => {
  it('writes PUBLIC_URL/slack/events into the three request URLs and leaves every other byte of manifest.json', () => {
    const out = path.join(dir, 'slack.json');
    const result = run('slack-manifest.mjs', ['--out', out], { PUBLIC_URL: 'https://help.corp.test/bot/' });
    expect(result.status, result.stderr).toBe(0);
    const original = readFileSync(path.join(ROOT, 'manifest.json'), 'utf8');
    const written = readFileSync(out, 'utf8');
    const manifest = JSON.parse(written) as {
      settings: { event_subscriptions: { request_url: string }; interactivity: { request_url: string } };
      features: { slash_commands: Array<{ url: string }> };
    };
    expect([
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      manifest.features.slash_commands[0]!.url,
    ]).toEqual(Array(3).fill('https://help.corp.test/bot/slack/events'));
    expect(
      written.replaceAll('https://help.corp.test/bot/slack/events', 'https://helpdesk.example.com/slack/events'),
    ).toBe(original);
    // Run again: nothing to change.
    expect(run('slack-manifest.mjs', ['--in', out], { PUBLIC_URL: 'https://help.corp.test/bot' }).stdout).toMatch(
      /already points at/,
    );
  });

  it('refuses a missing or hostile PUBLIC_URL with exit code 2 and writes nothing', () => {
    const out = path.join(dir, 'refused.json');
    for (const value of [
      '',
      'ftp://x.test',
      'https://x.test/?a=1',
      'https://user:pw@x.test',
      'https://x.test/"},"evil":"1',
    ]) {
      const result = run('slack-manifest.mjs', ['--out', out], { PUBLIC_URL: value });
      if (value === 'https://x.test/"},"evil":"1') {
        // A quote in the path is percent-encoded by the URL parser: still one JSON string.
        expect(result.status).toBe(0);
        expect(JSON.parse(readFileSync(out, 'utf8'))).not.toHaveProperty('evil');
        continue;
      }
      expect(result.status, value).toBe(2);
      expect(result.stderr).toMatch(/PUBLIC_URL/);
    }
  });

  it('warns when PUBLIC_URL is still a documentation domain', () => {
    const result = run('slack-manifest.mjs', ['--out', path.join(dir, 'example.json')], {
      PUBLIC_URL: 'https://helpdesk.example.org',
    });
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/documentation domain/);
  });
});

describe('npm run teams:package with PUBLIC_URL', () => {
  it("puts PUBLIC_URL into the package's links and valid domain; without it, warns and keeps the template's", () => {
    const out = path.join(dir, 'teams.zip');
    const withUrl = run('teams-package.mjs', ['--out', out], {
      MICROSOFT_APP_ID: APP_ID,
      PUBLIC_URL: 'https://help.corp.test',
    });
    expect(withUrl.status, withUrl.stderr).toBe(0);
    const manifest = JSON.parse(strFromU8(unzipSync(readFileSync(out))['manifest.json']!)) as {
      developer: Record<string, string>;
      validDomains: string[];
    };
    expect(manifest.developer.websiteUrl).toBe('https://help.corp.test');
    expect(manifest.developer.privacyUrl).toBe('https://help.corp.test/privacy');
    expect(manifest.validDomains).toEqual(['help.corp.test']);
    const without = run('teams-package.mjs', ['--out', out], { MICROSOFT_APP_ID: APP_ID });
    expect(without.status).toBe(0);
    expect(without.stderr).toMatch(/PUBLIC_URL is not set.*keeps https:\/\/helpdesk.example.com/);
  });
});
