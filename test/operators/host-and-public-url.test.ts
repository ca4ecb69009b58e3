import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, listenHost, loadConfig } from '../../src/config/config.js';
import { publicUrlWarnings } from '../../src/config/public-url-check.js';

const slack = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret-secret' };
const teams = { MICROSOFT_APP_ID: '6f1c2a9e-3b4d-4e5f-8a7b-0c1d2e3f4a5b', MICROSOFT_APP_PASSWORD: 'pw' };
const dir = mkdtempSync(path.join(tmpdir(), 'public-url-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('HOST', () => {
  it('defaults to every interface for the service', () => {
    expect(listenHost(loadConfig(slack))).toBe('0.0.0.0');
    expect(listenHost(loadConfig(teams))).toBe('0.0.0.0');
  });

  it('defaults to loopback when Teams runs unauthenticated (local testing)', () => {
    expect(listenHost(loadConfig({ TEAMS_ENABLED: '1' }))).toBe('127.0.0.1');
    expect(listenHost(loadConfig({ TEAMS_ENABLED: '1', ...slack }))).toBe('127.0.0.1');
  });

  it('is what HOST says when set, and a bad value stops start-up naming it', () => {
    expect(listenHost(loadConfig({ ...slack, HOST: '127.0.0.1' }))).toBe('127.0.0.1');
    expect(listenHost(loadConfig({ TEAMS_ENABLED: '1', HOST: '::' }))).toBe('::');
    expect(() => loadConfig({ HOST: 'a b; rm -rf /' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: 'a b' })).toThrow(/HOST: expected an address/);
  });
});

describe('PUBLIC_URL', () => {
  it('is an http(s) URL, kept without its trailing slash', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://help.corp.test/' }).publicUrl).toBe('https://help.corp.test');
    expect(() => loadConfig({ PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_URL/);
  });

  it('warns in production when unset or a documentation domain, and when manifest.json still says example.com', () => {
    writeFileSync(
      path.join(dir, 'manifest.json'),
      '{"settings":{"event_subscriptions":{"request_url":"https://helpdesk.example.com/slack/events"}}}',
    );
    const unset = publicUrlWarnings(loadConfig({ NODE_ENV: 'production', ...slack }), dir);
    expect(unset).toEqual([
      expect.stringMatching(/^PUBLIC_URL is unset/),
      expect.stringMatching(/^manifest.json still sends Slack/),
    ]);
    expect(
      publicUrlWarnings(
        loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://helpdesk.example.org', ...teams }),
        dir,
      ),
    ).toEqual([expect.stringMatching(/helpdesk.example.org, a documentation domain/)]);
    writeFileSync(
      path.join(dir, 'manifest.json'),
      '{"settings":{"event_subscriptions":{"request_url":"https://help.corp.test/slack/events"}}}',
    );
    expect(
      publicUrlWarnings(loadConfig({ NODE_ENV: 'production', PUBLIC_URL: 'https://help.corp.test', ...slack }), dir),
    ).toEqual([]);
  });

  it('does not warn outside production or in Socket Mode about the manifest', () => {
    expect(publicUrlWarnings(loadConfig({ ...slack }), dir)).toEqual([]);
    writeFileSync(path.join(dir, 'manifest.json'), '{"url":"https://helpdesk.example.com/slack/events"}');
    expect(
      publicUrlWarnings(
        loadConfig({
          NODE_ENV: 'production',
          PUBLIC_URL: 'https://help.corp.test',
          SLACK_APP_TOKEN: 'xapp-1',
          ...slack,
        }),
        dir,
      ),
    ).toEqual([]);
  });
});
