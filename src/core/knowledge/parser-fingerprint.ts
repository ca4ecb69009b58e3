import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The modules whose code decides what a file parses to (parseArticle and what it imports of ours). */
const PARSER_MODULES = ['parse-article', 'article', 'parse-kb-yaml', 'audience'];
/** The packages they parse and check with. */
const PARSER_PACKAGES = ['yaml', 'zod'];

let fingerprint: string | undefined;

/**
 * A hash of the parser's own source (these modules as this process runs them: the .ts files under
 * tsx, the compiled .js in dist/) and of the yaml and zod versions installed: kept parses are
 * keyed by it, so any change to how articles are parsed makes a start parse them again, with no
 * version number to remember to raise. Read once per process (a few small files).
 */
export function parserFingerprint(): string {
  if (fingerprint !== undefined) return fingerprint;
  const here = import.meta.filename;
  const extension = path.extname(here);
  const hash = createHash('sha256');
  for (const name of PARSER_MODULES)
    hash.update(`${name}\0`).update(readFileSync(path.join(path.dirname(here), `${name}${extension}`)));
  for (const name of PARSER_PACKAGES) hash.update(`${name}@${packageVersion(name)}\0`);
  fingerprint = hash.digest('hex');
  return fingerprint;
}

function packageVersion(name: string): string {
  // The package's entry, then up to the package.json that names it (exports may not list package.json).
  let dir = path.dirname(createRequire(import.meta.url).resolve(name));
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === name) return manifest.version ?? 'unknown';
    } catch {
      // No package.json here: go up.
    }
    const parent = path.dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}
