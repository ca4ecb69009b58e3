import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './test-app.js';

const RESTRICTED_FILES = /(^|\/)(vpn-setup|vpn-troubleshooting)\.md$/;
/** The remote workers' Slack user group in the audiences file restrictedKb writes. */
export const REMOTE_GROUP = 'S0REMOTE01';

export interface RestrictedKb {
  /** The knowledge base folder (KB_DIR). */
  kb: string;
  /** The audiences file (AUDIENCES_FILE). */
  audiences: string;
  /** Titles, ids and names that must never reach someone outside the audience. */
  secrets: string[];
  cleanup(): void;
}

/**
 * The bundled knowledge base with the VPN articles (and their translations) and the VPN script
 * for `remote-workers` only, and an audiences file: the Slack group REMOTE_GROUP, the given Teams
 * user ids and local user names.
 */
export function restrictedKb(members: { teamsUsers?: string[]; localUsers?: string[] } = {}): RestrictedKb {
  const { dir, cleanup } = tempDir('helpdesk-audience-kb-');
  const kb = path.join(dir, 'kb');
  cpSync(path.resolve(import.meta.dirname, '../../knowledge-base'), kb, { recursive: true });
  // The product's name is no secret: nine articles for everyone name it (the S: drive's answer says
  // "connect GlobalProtect first"); the restricted articles' ids, titles and the script are.
  const secrets = new Set<string>(['vpn-setup', 'vpn-troubleshooting', 'vpn-not-connecting']);
  const walk = (folder: string): string[] =>
    readdirSync(folder).flatMap((name) => {
      const file = path.join(folder, name);
      return statSync(file).isDirectory() ? walk(file) : [file];
    });
  let restricted = 0;
  for (const file of walk(kb)) {
    const relative = path.relative(kb, file).split(path.sep).join('/');
    if (!RESTRICTED_FILES.test(relative)) continue;
    const source = readFileSync(file, 'utf8');
    const withAudience = /^audience: .*$/m.test(source)
      ? source.replace(/^audience: .*$/m, 'audience: remote-workers')
      : source.replace(/^category: /m, 'audience: remote-workers\ncategory: ');
    writeFileSync(file, withAudience);
    secrets.add(/^title: (.+)$/m.exec(source)![1]!.trim());
    restricted++;
  }
  if (restricted < 2) throw new Error('the bundled VPN articles were not found');
  const script = path.join(kb, 'scripts/vpn-not-connecting.yaml');
  const scriptSource = readFileSync(script, 'utf8');
  writeFileSync(script, scriptSource.replace(/^category: /m, 'audience: remote-workers\ncategory: '));
  secrets.add(/^title: (.+)$/m.exec(scriptSource)![1]!.trim());
  const audiences = path.join(dir, 'audiences.yaml');
  writeFileSync(
    audiences,
    [
      'audiences:',
      '  remote-workers:',
      `    slack_groups: [${REMOTE_GROUP}]`,
      `    teams_users: [${(members.teamsUsers ?? []).join(', ')}]`,
      `    local_users: [${(members.localUsers ?? []).join(', ')}]`,
      '',
    ].join('\n'),
  );
  return { kb, audiences, secrets: [...secrets], cleanup };
}
