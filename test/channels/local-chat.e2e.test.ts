import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/test-app.js';
import { lexicalEnv } from '../support/lexical-env.js';

const root = path.resolve(import.meta.dirname, '../..');
let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

/**
 * How long one run may take before it is killed: only a hang guard, far above a normal run. The
 * spawn blocks the test's process, so vitest's own time-out (30 s) could only fire after it; each
 * test is given the guards of its runs instead, and a slow machine makes it slower, not red.
 */
const RUN_GUARD_MS = 60_000;

/** Runs the README's command, `npm start --silent`, with piped input, as a user would. */
function start(input: string, env: Record<string, string> = {}) {
  const result = spawnSync('npm', ['start', '--silent'], {
    cwd: root,
    input,
    encoding: 'utf8',
    timeout: RUN_GUARD_MS,
    env: { ...process.env, DATA_DIR: dir, LOCAL_USER: 'ann', LOG_LEVEL: 'warn', ...lexicalEnv, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('local chat, piped (npm start)', { timeout: 2 * RUN_GUARD_MS }, () => {
  it('understands with the default sentence encoder what the words alone leave unsure', () => {
    // ENCODER unset, as after `npm install && npm start`: the model loads from the installed package.
    // The words alone offer the VPN article among others ("did you mean"); the encoder answers with it.
    const question = 'vpn super slow\n';
    const answerLine = 'In GlobalProtect click the';
    const lexical = start(question);
    expect(lexical.stdout).toContain("I'm not sure I understood");
    expect(lexical.stdout).not.toContain(answerLine);
    const { code, stdout, stderr } = start(question, { ENCODER: '' });
    expect(code, stderr).toBe(0);
    expect(stdout).toContain("VPN won't connect, keeps dropping or is slow");
    expect(stdout).toContain(answerLine);
  });

  it("prints the password article's answer and exits at end of input", () => {
    const { code, stdout } = start('how do I reset my password\n9\n');
    expect(code).toBe(0);
    expect(stdout).toContain('There is no choice 9: type a number from 1 to 3');
    expect(stdout).toContain('Reset a forgotten password');
    expect(stdout).toContain('https://myaccount.example.com');
    expect(stdout).toContain('1) Helpful');
  });

  it('runs the whole flow: ticket, engineer claims, escalates, resolves; the requester sees each change', () => {
    const { code, stdout } = start(
      [
        'my second monitor flickers and goes black every few minutes',
        'talk to a human',
        '/as engineer bob',
        '/queue',
        '/claim HD-1001',
        '/escalate HD-1001 L3 needs a hardware check',
        '/as engineer carol',
        '/claim HD-1001',
        '/resolve HD-1001 replaced the USB-C cable',
        '/show HD-1001',
        '/as employee ann',
        '/mine',
        '/claim HD-1001',
        '/bogus',
      ].join('\n'),
    );
    expect(code).toBe(0);
    expect(stdout).toContain("I've opened ticket HD-1001");
    expect(stdout).toMatch(/\[triage L2\] New ticket HD-1001/);
    expect(stdout).toContain('[to ann] bob is now working on HD-1001.');
    expect(stdout).toContain('[triage L3] HD-1001: bob escalated it from L2 to L3.\n  > needs a hardware check');
    expect(stdout).toContain('[to ann] HD-1001 was escalated to the L3 team.');
    expect(stdout).toContain('[triage L3] HD-1001: carol resolved it.\n  > replaced the USB-C cable');
    expect(stdout).toContain('[to ann] HD-1001 is resolved: replaced the USB-C cable');
    expect(stdout).toMatch(/HD-1001 \[resolved\] P3 L3/);
    expect(stdout).toContain('Only engineers can claim tickets.');
    expect(stdout).toContain('Unknown command /bogus');
  });

  it('keeps conversations and tickets across runs (restart)', () => {
    start('my second monitor flickers\ntalk to a human\n');
    const { stdout } = start('/mine\ntalk to a human\n');
    expect(stdout).toMatch(/HD-1001 \[new\]/);
    expect(stdout).toContain('HD-1001 is already open');
  });

  it('stops at start-up with the variable named when the configuration is bad', () => {
    const { code, stderr, stdout } = start('hello\n', { ANSWER_THRESHOLD: 'very' });
    expect(code).toBe(2);
    expect(stderr).toContain('ANSWER_THRESHOLD: ');
    expect(stdout).toBe('');
  });

  it('starts with broken articles reported and the rest serving', () => {
    const { code, stdout, stderr } = start('how do I reset my password\n', {
      KB_DIR: path.join(root, 'test/fixtures/kb-with-broken'),
    });
    expect(code).toBe(0);
    expect(stderr).toMatch(/article skipped: broken\.md:\d+: updated: expected a date/);
    expect(stdout).toContain('Reset a forgotten password');
  });

  it('walks through a guided script with numbered choices and escalates with the answers', () => {
    const { code, stdout } = start(['cannot connect to the vpn', '2', '2'].join('\n') + '\n');
    expect(code).toBe(0);
    expect(stdout).toMatch(/step by step/);
    expect(stdout).toMatch(/1\) Yes, websites open\s+2\) No, nothing loads\s+3\) Start over\s+4\) Talk to a human/);
    expect(stdout).toMatch(/accept the Wi-Fi login page/);
    expect(stdout).toMatch(/opened ticket HD-1001/);
  });
});
