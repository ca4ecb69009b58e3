// Compiles src/ to dist/ (npm run build): every .ts file to one .js file at the same place, with
// esbuild, types stripped and nothing bundled. Keeping the layout keeps every path the code
// computes from its own location (prisma/migrations from src/store, the Prisma clients generated
// under src/store/prisma, the encoder's dynamic import) right from dist/ as well.
//
// Why esbuild and not tsc: it compiles the 185 files in a fraction of a second, so `npm start`
// can build first without starting slower than tsx did; tsc takes seconds. Types are still
// checked, by `npm run typecheck` (tsc --noEmit) in `npm run check` and CI.
//
// dist/build-info.json records what was compiled (src/, this script, package.json), by content
// and by size and time: `npm start` (scripts/start.mjs) rebuilds when neither matches any more.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

export const root = path.resolve(import.meta.dirname, '..');
export const srcDir = path.join(root, 'src');
export const distDir = path.join(root, 'dist');
export const buildInfoFile = path.join(distDir, 'build-info.json');

/** The .ts files under src/, sorted, as paths relative to src/. */
function sourceFiles() {
  return readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

/** A hash of everything a build depends on: each source file's path and bytes, this script, package.json. */
export function sourceHash(files = sourceFiles()) {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file}\0`).update(readFileSync(path.join(srcDir, file))).update('\0');
  hash.update(readFileSync(import.meta.filename)).update(readFileSync(path.join(root, 'package.json')));
  return hash.digest('hex');
}

/** The same inputs by path, size and modification time only: cheaper to check (no file is read). */
function sourceStamp(files = sourceFiles()) {
  const hash = createHash('sha256');
  for (const file of [...files.map((name) => path.join(srcDir, name)), import.meta.filename, path.join(root, 'package.json')]) {
    const stats = statSync(file);
    hash.update(`${file}\0${stats.size}\0${stats.mtimeMs}\0`);
  }
  return hash.digest('hex');
}

/**
 * True when dist/ was built from the sources as they are now: their sizes and times are those
 * recorded, or else (files copied or checked out again) their contents are.
 */
export function distIsCurrent() {
  let info;
  try {
    info = JSON.parse(readFileSync(buildInfoFile, 'utf8'));
  } catch {
    return false;
  }
  const files = sourceFiles();
  const stamp = sourceStamp(files);
  if (info.sourceStamp === stamp) return true;
  if (info.sourceHash !== sourceHash(files)) return false;
  // Same contents, new times: record them, so the next check reads no file.
  try {
    writeFileSync(buildInfoFile, `${JSON.stringify({ ...info, sourceStamp: stamp }, null, 2)}\n`);
  } catch {
    // A read-only dist/ is still current.
  }
  return true;
}

/**
 * Compiles src/ into a fresh dist/; returns the number of files and the seconds taken. The files
 * are written to a folder of their own and swapped in whole, so a bot starting from dist/ at the
 * same moment never reads a half-written file; when two builds of the same sources race, the
 * second finds dist/ current and keeps it.
 */
export async function build() {
  const started = performance.now();
  // esbuild is a dev dependency: a production install (npm ci --omit=dev) runs a dist/ built elsewhere.
  const esbuild = await import('esbuild');
  const files = sourceFiles();
  const hash = sourceHash(files);
  const stamp = sourceStamp(files);
  const staging = `${distDir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    await esbuild.build({
      absWorkingDir: root,
      entryPoints: files.map((file) => path.join('src', file)),
      outdir: staging,
      outbase: 'src',
      bundle: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      sourcemap: 'linked',
      sourcesContent: false,
      logLevel: 'warning',
    });
    writeFileSync(path.join(staging, 'build-info.json'), `${JSON.stringify({ sourceHash: hash, sourceStamp: stamp, files: files.length, builtAt: new Date().toISOString() }, null, 2)}\n`);
    if (!distIsCurrent()) {
      const old = `${distDir}.old-${process.pid}`;
      if (existsSync(distDir)) {
        // Other files stay (npm run teams:package puts its zip in dist/); compiled code left by a
        // source file since deleted does not.
        for (const entry of readdirSync(distDir, { withFileTypes: true })) {
          if (entry.isFile() && !/\.(js|map)$/.test(entry.name) && !existsSync(path.join(staging, entry.name))) renameSync(path.join(distDir, entry.name), path.join(staging, entry.name));
        }
        renameSync(distDir, old);
      }
      renameSync(staging, distDir);
      rmSync(old, { recursive: true, force: true });
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { files: files.length, seconds: (performance.now() - started) / 1000 };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // --if-stale: leave a current dist/ alone (tests, and anyone who just wants one that is current).
  if (process.argv.includes('--if-stale') && distIsCurrent()) {
    console.log('dist/ is current.');
  } else {
    const { files, seconds } = await build();
    console.log(`Compiled ${files} files from src/ to dist/ in ${seconds.toFixed(2)} s.`);
  }
}
