import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAudiencesFile, readAudiencesFile } from '../../src/config/audiences-file.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { tempDir } from '../support/test-app.js';

const problemsOf = (yaml: string) => {
  const result = parseAudiencesFile(yaml, 'audiences.yaml');
  return result.ok ? [] : result.problems;
};

describe('audiences file', () => {
  it('accepts the example file', () => {
    const result = readAudiencesFile(path.resolve(import.meta.dirname, '../../config/audiences.example.yaml'));
    expect(result.ok ? Object.keys(result.audiences).sort() : result.problems).toEqual([
      'contractors',
      'engineers',
      'staff',
    ]);
  });

  it('names the line and field of a bad id, an unknown key, a bad name and `all`', () => {
    expect(problemsOf(['audiences:', '  staff:', '    slack_groups: [C0NOTAGROUP]'].join('\n'))).toEqual([
      expect.stringMatching(/^audiences\.yaml:3: audiences\.staff\.slack_groups\[0\]: expected an id like S0123ABCD/),
    ]);
    expect(problemsOf(['audiences:', '  staff:', '    slack_channels: [C0123ABCD]'].join('\n'))).toEqual([
      expect.stringMatching(/^audiences\.yaml:3: audiences\.staff.*slack_channels/),
    ]);
    expect(problemsOf(['audiences:', '  Big Team:', '    local_users: [ann]'].join('\n'))).toEqual([
      expect.stringMatching(
        /^audiences\.yaml:\d+: audiences\.Big Team: "Big Team": audience names are lowercase letters/,
      ),
    ]);
    expect(problemsOf(['audiences:', '  all:', '    local_users: [ann]'].join('\n'))).toEqual([
      expect.stringMatching(/"all" is everyone and cannot be listed/),
    ]);
    expect(problemsOf('')).toEqual([expect.stringMatching(/the audiences file is empty/)]);
  });

  it('puts the engineer rosters in `engineers`, which exists without the file', () => {
    const config = loadConfig({
      SLACK_ENGINEERS: 'U0ENG00001',
      TEAMS_ENGINEERS: '22222222-2222-4222-8222-222222222222',
    });
    expect(config.audiences.defined).toEqual(['all', 'engineers']);
    expect(config.audiences.members.engineers).toEqual({
      slackGroups: [],
      slackUsers: ['U0ENG00001'],
      teamsUsers: ['22222222-2222-4222-8222-222222222222'],
      localUsers: [],
    });
  });

  it('refuses to start on a bad file, naming it', () => {
    const { dir, cleanup } = tempDir('helpdesk-audiences-');
    try {
      const file = path.join(dir, 'audiences.yaml');
      writeFileSync(file, 'audiences:\n  staff:\n    teams_users: [not-an-id]\n');
      expect(() => loadConfig({ AUDIENCES_FILE: file })).toThrow(ConfigError);
      expect(() => loadConfig({ AUDIENCES_FILE: path.join(dir, 'missing.yaml') })).toThrow(
        /cannot read the audiences file/,
      );
    } finally {
      cleanup();
    }
  });
});
