import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * Reads a .env file into `env` when the file exists; a variable already set in `env` (even to an
 * empty value) wins over the file, as with Node's `process.loadEnvFile`, whose parser this is
 * (util.parseEnv: KEY=value lines, # comments, quoted values). Returns the names taken from the
 * file, or undefined when there is none. A file that exists but cannot be read throws.
 */
export function applyEnvFile(file: string, env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const stray = strayLine(text);
  if (stray) throw new Error(`${file} line ${stray}: expected NAME=value, a # comment or a blank line`);
  const taken: string[] = [];
  for (const [name, value] of Object.entries(parseEnv(text))) {
    if (name in env) continue;
    env[name] = value;
    taken.push(name);
  }
  return taken;
}

/**
 * The first line that is neither NAME=value, a comment nor blank (outside a multi-line quoted
 * value). Node 20's parser joins such a line to the next variable's name, silently dropping that
 * variable, so it is refused instead.
 */
function strayLine(text: string): number | undefined {
  const lines = text.split(/\r?\n/);
  let quote: string | undefined;
  for (const [index, line] of lines.entries()) {
    if (quote) {
      if (line.includes(quote)) quote = undefined;
      continue;
    }
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const match = /^(?:export\s+)?[\w.-]+\s*=\s*(["'`]?)(.*)$/.exec(trimmed);
    if (!match) return index + 1;
    if (match[1] && !match[2]!.includes(match[1])) quote = match[1];
  }
  return undefined;
}
