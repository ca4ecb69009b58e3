import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyEnvFile } from '../../src/config/env-file.js';
import { loadConfig } from '../../src/config/config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'env-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function envFile(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('.env', () => {
  it('fills variables the environment does not set, and a variable already set wins, even an empty one', () => {
    const file = envFile(
      'precedence.env',
      'PORT=4000\nKB_DIR=/srv/kb\nTICKET_KEY_PREFIX=IT\n# a comment\nLOG_LEVEL="debug"\n',
    );
    const env: NodeJS.ProcessEnv = { PORT: '5000', TICKET_KEY_PREFIX: '' };
    expect(applyEnvFile(file, env)).toEqual(['KB_DIR', 'LOG_LEVEL']);
    expect(env).toEqual({ PORT: '5000', TICKET_KEY_PREFIX: '', KB_DIR: '/srv/kb', LOG_LEVEL: 'debug' });
    // The config then reads the merged environment: the empty value is unset, so the default.
    expect(loadConfig(env)).toMatchObject({ port: 5000, kbDir: '/srv/kb', ticketKeyPrefix: 'HD', logLevel: 'debug' });
  });

  it('is optional: without the file nothing changes', () => {
    const env: NodeJS.ProcessEnv = { PORT: '1' };
    expect(applyEnvFile(path.join(dir, 'missing.env'), env)).toBeUndefined();
    expect(env).toEqual({ PORT: '1' });
  });

  it('refuses a line that is not NAME=value, naming it (Node 20 would join it to the next name and drop that variable)', () => {
    const file = envFile('stray.env', 'A=1\nnot a variable line\nC=2\n');
    expect(() => applyEnvFile(file, {})).toThrow(/stray.env line 2: expected NAME=value/);
  });

  it('takes hostile content as text: quotes, = and # in values, multi-line values, no code runs', () => {
    const file = envFile(
      'hostile.env',
      'A="x=1 # not a comment"\nB=$(touch /tmp/pwned)\nM="line one\nline two"\nC=\'single\'\n__proto__=polluted\n',
    );
    const env: NodeJS.ProcessEnv = Object.create(null) as NodeJS.ProcessEnv;
    applyEnvFile(file, env);
    expect(env.A).toBe('x=1 # not a comment');
    expect(env.B).toBe('$(touch /tmp/pwned)');
    expect(env.C).toBe('single');
    expect(env.M).toBe('line one\nline two');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('stops when the file exists but cannot be read', () => {
    if (process.getuid?.() === 0) return; // root reads any file
    const file = envFile('unreadable.env', 'PORT=1\n');
    chmodSync(file, 0o000);
    expect(() => applyEnvFile(file, {})).toThrow(/EACCES/);
  });
});
