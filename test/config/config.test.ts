import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('has working defaults with nothing set', () => {
    expect(loadConfig({})).toMatchObject({
      databaseFile: './data/helpdesk.db',
      kbDir: './knowledge-base',
      thresholds: { answer: 0.5, suggest: 0.25 },
      ticketKeyPrefix: 'HD',
      slackConfigured: false,
      teamsConfigured: false,
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ANSWER_THRESHOLD: '', DATABASE_URL: '  ' }).thresholds.answer).toBe(0.5);
  });

  it.each([
    [{ ANSWER_THRESHOLD: 'high' }, /^ANSWER_THRESHOLD: .*\(got "high"\)/],
    [{ ANSWER_THRESHOLD: '1.5' }, /^ANSWER_THRESHOLD: expected a number between 0 and 1/],
    [{ ANSWER_THRESHOLD: '0.3', SUGGEST_THRESHOLD: '0.4' }, /^SUGGEST_THRESHOLD: must not be above ANSWER_THRESHOLD/],
    [{ DATABASE_URL: 'postgres://db/helpdesk' }, /^DATABASE_URL: expected a SQLite URL/],
    [{ TICKET_KEY_PREFIX: 'hd-' }, /^TICKET_KEY_PREFIX: expected 1-10 capital letters/],
    [{ KB_BASE_URL: 'not a url' }, /^KB_BASE_URL: expected an http\(s\) URL/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL: /],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV: /],
  ])('names the variable and what it expects: %j', (env, message) => {
    const problems = problemsOf(env as Record<string, string>);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(message);
  });

  it('reads a file: DATABASE_URL and never echoes secrets', () => {
    expect(loadConfig({ DATABASE_URL: 'file:/tmp/x.db' }).databaseFile).toBe('/tmp/x.db');
    const error = (() => {
      try {
        loadConfig({ SLACK_BOT_TOKEN: 'xoxb-secret', SLACK_SIGNING_SECRET: 's3cret', ANSWER_THRESHOLD: 'x' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toMatch(/xoxb-secret|s3cret/);
  });

  it('reads Slack settings: both secrets or neither, channel ids, routes and engineers', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-1-2-3',
      SLACK_SIGNING_SECRET: 'abcdef123456',
      SLACK_TRIAGE_L2: 'C0TRIAGE2',
      SLACK_TRIAGE_VENDOR: 'C0VENDOR1',
      SLACK_TRIAGE_ROUTES: 'printing=C0PRINT01, access/L3=G0ACCESS1',
      SLACK_ENGINEER_GROUPS: 'S0ENGINEERS',
      SLACK_ENGINEERS: 'U0ALICE01,U0BOB0001',
      PORT: '8080',
    });
    expect(config.port).toBe(8080);
    expect(config.slack).toMatchObject({
      appToken: undefined,
      triage: { L2: 'C0TRIAGE2', L4: 'C0VENDOR1' },
      routes: [
        { category: 'printing', destination: { channel: 'slack', address: 'C0PRINT01' } },
        { category: 'access', tier: 'L3', destination: { channel: 'slack', address: 'G0ACCESS1' } },
      ],
      engineerGroups: ['S0ENGINEERS'],
      engineers: ['U0ALICE01', 'U0BOB0001'],
    });
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1' })[0]).toMatch(/SLACK_BOT_TOKEN: Slack needs both/);
    const bad = problemsOf({ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_SIGNING_SECRET: 'abcdef123456', SLACK_TRIAGE_L2: '#it-help', SLACK_TRIAGE_ROUTES: 'printing:C1' });
    expect(bad.join('\n')).toMatch(/SLACK_BOT_TOKEN: expected a bot token starting with xoxb-/);
    expect(bad.join('\n')).not.toContain('xoxp-user-token');
    expect(bad.join('\n')).toMatch(/SLACK_TRIAGE_L2: expected a Slack channel id/);
    expect(bad.join('\n')).toMatch(/SLACK_TRIAGE_ROUTES: expected category\[\/tier\]=CHANNEL_ID/);
  });
});
