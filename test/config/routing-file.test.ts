import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { parseRoutingFile, readRoutingFile } from '../../src/config/routing-file.js';
import { DM, EMPLOYEE, startSlackHarness, TRIAGE_L2, type SlackHarness } from '../support/slack.js';
import { tempDir } from '../support/test-app.js';

const problemsOf = (yaml: string) => {
  const result = parseRoutingFile(yaml, 'routing.yaml');
  return result.ok ? [] : result.problems;
};

describe('routing file validation', () => {
  it('accepts the example file', () => {
    const result = readRoutingFile(path.resolve(import.meta.dirname, '../../config/routing.example.yaml'));
    expect(result.ok ? result.rules.file.routes.map((r) => r.name) : result.problems).toEqual([
      'printers to facilities',
      'finance gets the finance desk',
    ]);
  });

  it('names the line and field of an unknown key', () => {
    const yaml = [
      'routes:',
      '  - name: print',
      '    when:',
      '      category: [printing]',
      '      colour: blue',
      '    slack: C0PRINT01',
    ].join('\n');
    expect(problemsOf(yaml)).toEqual(['routing.yaml:5: routes[0].when.colour: unknown field(s) "colour"']);
  });

  it('names bad channel ids, tiers and priorities with their lines', () => {
    const yaml = [
      'routes:',
      '  - name: print',
      '    when: { priority: [P9] }',
      '    tier: L7',
      '    slack: "#printing"',
      '    teams: print-channel',
      'tiers:',
      '  L5: { slack: C0TRIAGE5 }',
    ].join('\n');
    const problems = problemsOf(yaml);
    expect(problems).toContainEqual('routing.yaml:3: routes[0].when.priority[0]: expected one of P1, P2, P3, P4');
    expect(problems).toContainEqual('routing.yaml:4: routes[0].tier: expected one of L1, L2, L3, L4');
    expect(problems).toContainEqual(
      expect.stringMatching(/^routing\.yaml:5: routes\[0\]\.slack: expected a Slack channel id/),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/^routing\.yaml:6: routes\[0\]\.teams: expected a Teams channel id/),
    );
    expect(problems.some((p) => p.startsWith('routing.yaml:8: tiers'))).toBe(true);
  });

  it('refuses an unknown group', () => {
    const yaml = [
      'routes:',
      '  - name: finance',
      '    when: { requester_group: [finance, legal] }',
      '    slack: C0FINDESK1',
      'groups:',
      '  finance: [U0FIN0001]',
    ].join('\n');
    expect(problemsOf(yaml)).toEqual([
      'routing.yaml:3: routes[0].when.requester_group[1]: unknown group "legal" (define it under "groups")',
    ]);
  });

  it('refuses a route without conditions or destinations, a missing name and bad group members', () => {
    const yaml = [
      'routes:',
      '  - name: everything',
      '    when: {}',
      '    slack: C0ALL0001',
      '  - name: nowhere',
      '    when: { category: [access] }',
      '  - when: { category: [vpn] }',
      '    slack: C0VPN0001',
      'groups:',
      '  finance: [alice@example.com]',
    ].join('\n');
    expect(problemsOf(yaml)).toEqual([
      expect.stringMatching(/^routing\.yaml:3: routes\[0\]\.when: expected at least one condition/),
      'routing.yaml:5: routes[1]: expected at least one destination: slack and/or teams',
      'routing.yaml:7: routes[2].name: required',
      expect.stringMatching(/^routing\.yaml:10: groups\.finance\[0\]: expected a Slack member id/),
    ]);
  });

  it('reports YAML errors, duplicate keys and empty files with lines', () => {
    expect(problemsOf('default:\n  slack: C0TRIAGE2\n  slack: C0TRIAGE3\n')).toEqual([
      expect.stringMatching(/^routing\.yaml:3: yaml: /),
    ]);
    expect(problemsOf('routes: [\n')).toEqual([expect.stringMatching(/^routing\.yaml:\d+: yaml: /)]);
    expect(problemsOf('# nothing\n')).toEqual([
      expect.stringMatching(/^routing\.yaml:1: file: the routing file is empty/),
    ]);
    expect(problemsOf('default: { teams: "19:x@thread.tacv2", slck: C0X000001 }')).toEqual([
      'routing.yaml:1: default.slck: unknown field(s) "slck"',
    ]);
  });

  it('makes start-up fail with a ConfigError naming the file and line', () => {
    const { dir, cleanup } = tempDir('helpdesk-routing-');
    try {
      const file = path.join(dir, 'routing.yaml');
      writeFileSync(file, 'default:\n  slack: not-a-channel\n');
      expect(() => loadConfig({ ROUTING_FILE: file })).toThrow(ConfigError);
      expect(() => loadConfig({ ROUTING_FILE: file })).toThrow(`${file}:2: default.slack: expected a Slack channel id`);
      expect(() => loadConfig({ ROUTING_FILE: path.join(dir, 'missing.yaml') })).toThrow(
        /missing\.yaml: file: cannot read the routing file \(ENOENT\)/,
      );
      expect(loadConfig({}).routing).toBeUndefined();
    } finally {
      cleanup();
    }
  });
});

describe('routing file in the running bot', () => {
  let h: SlackHarness | undefined;
  const temp = tempDir('helpdesk-routing-');
  afterEach(async () => {
    await h?.close();
    h = undefined;
    temp.cleanup();
  });

  it('sends printing tickets to the Slack channels of the matching routes, by keyword and by article tags', async () => {
    const file = path.join(temp.dir, 'routing.yaml');
    writeFileSync(
      file,
      [
        'routes:',
        '  - name: scanning desk',
        '    when: { category: [printing], tags: [scan-to-email] }',
        '    slack: C0SCANDESK',
        '  - name: printers',
        '    when: { category: [printing], keywords: [printer] }',
        '    slack: C0PRINTFILE',
        'default:',
        '  slack: C0DEFAULT1',
      ].join('\n'),
    );
    h = await startSlackHarness({ ROUTING_FILE: file });
    const bot = h;
    const cards = () =>
      bot.api
        .of('chat.postMessage')
        .map((c) => String(c.args.channel))
        .filter((c) => c.startsWith('C'));
    const ask = async (text: string, ts: number) => {
      await bot.event({ type: 'message', channel: DM, channel_type: 'im', user: EMPLOYEE, text, ts: `${ts}.000100` });
      await bot.event({
        type: 'message',
        channel: DM,
        channel_type: 'im',
        user: EMPLOYEE,
        text: 'talk to a human',
        ts: `${ts + 1}.000100`,
        thread_ts: `${ts}.000100`,
      });
      await bot.settle();
      return bot.bot.app.store.prisma.ticket.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
    };

    // A guided script opens this one: no article, so no tags; the keyword route catches it.
    const printer = await ask('the printer on my floor is offline', 1700002000);
    expect(printer.category).toBe('printing');
    expect(cards()).toEqual(['C0PRINTFILE']);

    // The bot suggested the scan-to-email article first: its tags route the ticket.
    const scan = await ask('how do I scan a document to my email', 1700003000);
    expect(scan.category).toBe('printing');
    expect(JSON.parse(scan.collected)).toMatchObject({ articleTried: 'scan-to-email' });
    expect(cards()).toEqual(['C0PRINTFILE', 'C0SCANDESK']);
    expect(cards()).not.toContain(TRIAGE_L2);
  });
});
