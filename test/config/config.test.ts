import { describe, expect, it } from 'vitest';
import { ConfigError, describeDatabase, loadConfig } from '../../src/config/config.js';

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
      database: { kind: 'sqlite', file: './data/helpdesk.db' },
      kbDir: './knowledge-base',
      // The sentence encoder by default, with its fitted thresholds; the lexical ones if it cannot load.
      encoder: 'use-lite',
      encoderChosen: false,
      thresholds: { answer: 0.285, suggest: 0.21, withoutOutside: { answer: 0.365, suggest: 0.275 } },
      thresholdsWithoutEncoder: { answer: 0.295, suggest: 0.07, withoutOutside: { answer: 0.43, suggest: 0.225 } },
      ticketKeyPrefix: 'HD',
      slack: undefined,
      teams: undefined,
    });
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ ANSWER_THRESHOLD: '', DATABASE_URL: '  ' }).thresholds.answer).toBe(0.285);
  });

  it('takes the thresholds fitted for the chosen encoder unless ANSWER_THRESHOLD or SUGGEST_THRESHOLD says otherwise', () => {
    // Both unset: the fitted pairs, with and without outside topics in the knowledge base (pairFor).
    expect(loadConfig({ ENCODER: 'use-lite' }).thresholds).toEqual({
      answer: 0.285,
      suggest: 0.21,
      withoutOutside: { answer: 0.365, suggest: 0.275 },
    });
    expect(loadConfig({ ENCODER: 'use-lite', SUGGEST_THRESHOLD: '0.2' }).thresholds).toEqual({
      answer: 0.285,
      suggest: 0.2,
    });
    expect(loadConfig({ ENCODER: 'none', ANSWER_THRESHOLD: '0.6' }).thresholds).toEqual({
      answer: 0.6,
      suggest: 0.07,
    });
    expect(loadConfig({ SUGGEST_THRESHOLD: '0.2' }).thresholdsWithoutEncoder).toEqual({ answer: 0.295, suggest: 0.2 });
    // The check compares what will be used, a default included.
    expect(() => loadConfig({ ENCODER: 'none', ANSWER_THRESHOLD: '0.05' })).toThrow(
      /SUGGEST_THRESHOLD: must not be above ANSWER_THRESHOLD \(an unset one is the pair fitted/,
    );
  });

  it.each([
    [{ ANSWER_THRESHOLD: 'high' }, /^ANSWER_THRESHOLD: .*\(got "high"\)/],
    [{ ANSWER_THRESHOLD: '1.5' }, /^ANSWER_THRESHOLD: expected a number between 0 and 1/],
    [{ ANSWER_THRESHOLD: '0.3', SUGGEST_THRESHOLD: '0.4' }, /^SUGGEST_THRESHOLD: must not be above ANSWER_THRESHOLD/],
    [
      { DATABASE_URL: 'mysql://db/helpdesk' },
      /^DATABASE_URL: expected file:.* \(SQLite\) or postgres:\/\/.* \(PostgreSQL/,
    ],
    [{ DATABASE_URL: './data/helpdesk.db' }, /^DATABASE_URL: expected file:/],
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
    expect(loadConfig({ DATABASE_URL: 'file:/tmp/x.db' }).database).toEqual({ kind: 'sqlite', file: '/tmp/x.db' });
    expect(loadConfig({ DATA_DIR: '/var/lib/helpdesk/' }).database).toEqual({
      kind: 'sqlite',
      file: '/var/lib/helpdesk/helpdesk.db',
    });
    const error = (() => {
      try {
        loadConfig({ SLACK_BOT_TOKEN: 'xoxb-secret', SLACK_SIGNING_SECRET: 's3cret', ANSWER_THRESHOLD: 'x' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toMatch(/xoxb-secret|s3cret/);
  });

  it('reads a PostgreSQL DATABASE_URL, with ?schema= taken out of the URL for the driver', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://helpdesk:s3cret@db.internal:5432/helpdesk' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://helpdesk:s3cret@db.internal:5432/helpdesk',
      schema: undefined,
    });
    const withSchema = loadConfig({
      DATABASE_URL: 'postgresql://helpdesk@db/helpdesk?sslmode=require&schema=bot_1',
    }).database;
    expect(withSchema).toEqual({
      kind: 'postgres',
      url: 'postgresql://helpdesk@db/helpdesk?sslmode=require',
      schema: 'bot_1',
    });
    expect(describeDatabase(withSchema)).toBe('postgresql://helpdesk@db/helpdesk?sslmode=require (schema bot_1)');
    expect(describeDatabase(loadConfig({ DATABASE_URL: 'postgres://helpdesk:s3cret@db/helpdesk' }).database)).toBe(
      'postgres://helpdesk:***@db/helpdesk',
    );
  });

  it('refuses a bad PostgreSQL URL without printing its password', () => {
    const problems = [
      ...problemsOf({ DATABASE_URL: 'postgres://helpdesk:s3cret@db/helpdesk?schema=bad-name' }),
      ...problemsOf({ DATABASE_URL: 'postgres://helpdesk:s3cret@db/helpdesk?schema=a&schema=b' }),
      ...problemsOf({ DATABASE_URL: 'postgres://helpdesk:s3cr@t@[db/helpdesk' }),
      ...problemsOf({ DATABASE_URL: 'mysql://helpdesk:s3cret@db/helpdesk' }),
    ];
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(
      /^DATABASE_URL: expected \?schema= to name a schema with letters, digits and _ \(got "bad-name"\)/,
    );
    expect(problems[1]).toMatch(/^DATABASE_URL: expected at most one \?schema= parameter/);
    expect(problems[2]).toMatch(/not a valid URL/);
    expect(problems.join('\n')).not.toMatch(/s3cr/);
    expect(problems[3]).toContain('(got "mysql://helpdesk:***@db/helpdesk")');
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
    const bad = problemsOf({
      SLACK_BOT_TOKEN: 'xoxp-user-token',
      SLACK_SIGNING_SECRET: 'abcdef123456',
      SLACK_TRIAGE_L2: '#it-help',
      SLACK_TRIAGE_ROUTES: 'printing:C1',
    });
    expect(bad.join('\n')).toMatch(/SLACK_BOT_TOKEN: expected a bot token starting with xoxb-/);
    expect(bad.join('\n')).not.toContain('xoxp-user-token');
    expect(bad.join('\n')).toMatch(/SLACK_TRIAGE_L2: expected a Slack channel id/);
    expect(bad.join('\n')).toMatch(/SLACK_TRIAGE_ROUTES: expected category\[\/tier\]=CHANNEL_ID/);
  });

  it('reads Teams settings, and refuses unauthenticated Teams in production', () => {
    const config = loadConfig({
      MICROSOFT_APP_ID: '0b6e9a3c-5f44-4c6a-9a51-6a0b1f7c2d11',
      MICROSOFT_APP_PASSWORD: 'secret-value',
      TEAMS_TRIAGE_L2: '19:triage2@thread.tacv2',
      TEAMS_TRIAGE_ROUTES: 'printing=19:print@thread.tacv2',
      TEAMS_ENGINEERS: '22222222-2222-4222-8222-222222222222',
    });
    expect(config.teams).toMatchObject({
      appId: '0b6e9a3c-5f44-4c6a-9a51-6a0b1f7c2d11',
      appType: 'MultiTenant',
      serviceUrl: 'https://smba.trafficmanager.net/teams/',
      triage: { L2: '19:triage2@thread.tacv2' },
      routes: [{ category: 'printing', destination: { channel: 'teams', address: '19:print@thread.tacv2' } }],
      engineers: ['22222222-2222-4222-8222-222222222222'],
    });
    expect(loadConfig({ TEAMS_ENABLED: '1' }).teams).toMatchObject({ appId: '' });
    expect(problemsOf({ TEAMS_ENABLED: '1', NODE_ENV: 'production' })[0]).toMatch(
      /TEAMS_ENABLED: .*refused when NODE_ENV=production/,
    );
    expect(problemsOf({ MICROSOFT_APP_ID: 'not-a-guid' })[0]).toMatch(
      /MICROSOFT_APP_ID: expected the bot's Microsoft App ID, a GUID/,
    );
    expect(problemsOf({ MICROSOFT_APP_ID: '0b6e9a3c-5f44-4c6a-9a51-6a0b1f7c2d11' })[0]).toMatch(
      /MICROSOFT_APP_PASSWORD: needed with MICROSOFT_APP_ID/,
    );
    expect(
      problemsOf({
        MICROSOFT_APP_ID: '0b6e9a3c-5f44-4c6a-9a51-6a0b1f7c2d11',
        MICROSOFT_APP_PASSWORD: 'x',
        MICROSOFT_APP_TYPE: 'SingleTenant',
      })[0],
    ).toMatch(/MICROSOFT_APP_TENANT_ID: needed/);
    expect(problemsOf({ TEAMS_TRIAGE_L2: 'General' })[0]).toMatch(/TEAMS_TRIAGE_L2: expected a Teams channel id/);
  });

  it('reads ENCODER: the sentence encoder by name, none for the lexical engine, anything else refused naming the choices', () => {
    expect(loadConfig({})).toMatchObject({
      encoder: 'use-lite',
      encoderChosen: false,
      encoderCacheDir: './data/encoder-cache',
    });
    expect(loadConfig({ ENCODER: '' })).toMatchObject({ encoder: 'use-lite', encoderChosen: false });
    expect(loadConfig({ ENCODER: 'use-lite', DATA_DIR: '/var/lib/helpdesk/' })).toMatchObject({
      encoder: 'use-lite',
      encoderCacheDir: '/var/lib/helpdesk/encoder-cache',
    });
    expect(loadConfig({ ENCODER: 'none' })).toMatchObject({ encoder: 'none', encoderChosen: true });
    expect(problemsOf({ ENCODER: 'bert' })).toEqual([
      expect.stringMatching(/^ENCODER: expected one of none, use-lite \(none: .*\) \(got "bert"\)$/),
    ]);
  });

  it('reads LEARN_MIN_ASKERS: 3 people by default, a whole number from 1 to 1000', () => {
    expect(loadConfig({}).learnMinAskers).toBe(3);
    expect(loadConfig({ LEARN_MIN_ASKERS: '5' }).learnMinAskers).toBe(5);
    expect(problemsOf({ LEARN_MIN_ASKERS: '0' })).toEqual([
      expect.stringMatching(/^LEARN_MIN_ASKERS: expected 1-1000 people/),
    ]);
    expect(problemsOf({ LEARN_MIN_ASKERS: '2.5' })).toEqual([
      expect.stringMatching(/^LEARN_MIN_ASKERS: expected a whole number/),
    ]);
    expect(problemsOf({ LEARN_MIN_ASKERS: 'three' })).toEqual([
      expect.stringMatching(/^LEARN_MIN_ASKERS: expected a number of people/),
    ]);
  });
});
