import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const fingerprints = new Map<string, string>();

/**
 * A hash of some of our modules' own source (as this process runs them: the .ts files under tsx,
 * the compiled .js in dist/) and of the versions of the packages they use: what a cache entry
 * computed by that code is keyed by, so that any change to the code makes a start compute it
 * again, with no version number to remember to raise. `modules` are paths without extension,
 * relative to the folder of `fromUrl` (the caller's import.meta.url). Read once per process.
 */
export function codeFingerprint(fromUrl: string, modules: readonly string[], packages: readonly string[]): string {
  const memo = `${fromUrl}\0${modules.join('\0')}\0${packages.join('\0')}`;
  const known = fingerprints.get(memo);
  if (known !== undefined) return known;
  const here = fileURLToPath(fromUrl);
  const extension = path.extname(here);
  const hash = createHash('sha256');
  for (const name of modules)
    hash.update(`${name}\0`).update(readFileSync(path.join(path.dirname(here), `${name}${extension}`)));
  for (const name of packages) hash.update(`${name}@${packageVersion(name, fromUrl)}\0`);
  const fingerprint = hash.digest('hex');
  fingerprints.set(memo, fingerprint);
  return fingerprint;
}

function packageVersion(name: string, fromUrl: string): string {
  // The package's entry, then up to the package.json that names it (exports may not list package.json).
  let dir = path.dirname(createRequire(fromUrl).resolve(name));
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
