// Compiles src/ to dist/ (npm run build): every .ts file to one .js file at the same place, with
// esbuild, types stripped and nothing bundled but two big packages (bundleRuntimePackages below).
// Keeping the layout keeps every path the code computes from its own location (prisma/migrations
// from src/store, the encoder's dynamic import) right from dist/ as well.
//
// Why esbuild and not tsc: it compiles the 185 files with about 0.3 s of CPU (tsc: 17 s), so
// `npm start` can build first without starting slower than tsx did. Types are still
// checked, by `npm run typecheck` (tsc --noEmit) in `npm run check` and CI.
//
// dist/build-info.json records what was compiled (src/, this script, package.json and -lock, the
// Prisma schema), by content and by size and time: `npm start` (scripts/start.mjs) rebuilds when
// neither matches any more.
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
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

/**
 * The files a build depends on: the sources, this script, package.json and its lockfile. The
 * Prisma clients count by their schema: they are generated from it at install, and a production
 * install, which has dist/ but no prisma CLI, has no generated sources to compare.
 */
function inputFiles(files = sourceFiles()) {
  const generated = /^store\/prisma\/generated(-pg)?\//;
  return [
    ...files.filter((file) => !generated.test(file)).map((file) => path.join(srcDir, file)),
    import.meta.filename,
    ...['package.json', 'package-lock.json', 'prisma/schema.prisma'].map((file) => path.join(root, file)),
  ];
}

/** A hash of the inputs' paths and bytes. */
export function sourceHash(files = sourceFiles()) {
  const hash = createHash('sha256');
  for (const file of inputFiles(files))
    hash
      .update(`${path.relative(root, file)}\0`)
      .update(readFileSync(file))
      .update('\0');
  return hash.digest('hex');
}

/** The same inputs by path, size and modification time only: cheaper to check (no file is read). */
function sourceStamp(files = sourceFiles()) {
  const hash = createHash('sha256');
  for (const file of inputFiles(files)) {
    const stats = statSync(file);
    hash.update(`${file}\0${stats.size}\0${stats.mtimeMs}\0`);
  }
  return hash.digest('hex');
}

/**
 * True when dist/ was built from the sources as they are now: their sizes and times are those
 * recorded, or else (files copied or checked out again) their contents are. `forProduction`: and
 * with the big packages compiled in (a build by `npm start` leaves them to node_modules).
 */
export function distIsCurrent({ forProduction = false } = {}) {
  let info;
  try {
    info = JSON.parse(readFileSync(buildInfoFile, 'utf8'));
  } catch {
    return false;
  }
  if (forProduction && !info.packagesBundled) return false;
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
 * Two big packages are compiled into dist/ instead of being installed where the bot runs: of
 * TensorFlow.js's 90 MB of packages the encoder loads 3 MB, and of @prisma/client's 72 MB (query
 * compilers for five databases, each twice over) the clients load 5 MB each. Both are dev
 * dependencies; `npm ci --omit=dev` does not install them.
 */
async function bundleRuntimePackages(esbuild, staging) {
  const common = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'inline',
  };
  // TensorFlow.js: its CommonJS builds for Node in one file, next to the WebAssembly binaries that
  // its backend looks for beside itself (use-lite-encoder.ts requires this file when it exists).
  const vendor = path.join(staging, 'vendor');
  await esbuild.build({
    ...common,
    stdin: {
      contents:
        "module.exports = { core: require('@tensorflow/tfjs-core'), converter: require('@tensorflow/tfjs-converter') };\nrequire('@tensorflow/tfjs-backend-wasm');\n",
      resolveDir: root,
      loader: 'js',
      sourcefile: 'tensorflow-entry.cjs',
    },
    format: 'cjs',
    outfile: path.join(vendor, 'tensorflow.cjs'),
  });
  const wasmDir = path.join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const name of readdirSync(wasmDir))
    if (name.endsWith('.wasm')) copyFileSync(path.join(wasmDir, name), path.join(vendor, name));
  // The Prisma clients, each one file with Prisma's runtime in it (every other package stays an import).
  const prismaInside = {
    name: 'prisma-inside',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) =>
        /^@prisma\/client(-runtime-utils)?(\/|$)/.test(args.path) || args.kind === 'entry-point'
          ? undefined
          : { path: args.path, external: true },
      );
    },
  };
  for (const client of ['generated', 'generated-pg']) {
    await esbuild.build({
      ...common,
      entryPoints: [path.join('src/store/prisma', client, 'client.ts')],
      format: 'esm',
      outfile: path.join(staging, 'store/prisma', client, 'client.js'),
      allowOverwrite: true,
      plugins: [prismaInside],
      // Prisma's runtime for Node is CommonJS: its require() calls of Node's modules need one.
      banner: {
        js: "import { createRequire as createRequireForPrisma } from 'node:module';\nconst require = createRequireForPrisma(import.meta.url);",
      },
    });
    rmSync(path.join(staging, 'store/prisma', client, 'client.js.map'), { force: true });
  }
}

/**
 * Compiles src/ into a fresh dist/; returns the number of files and the seconds taken. The files
 * are written to a folder of their own and swapped in whole, so a bot starting from dist/ at the
 * same moment never reads a half-written file; when two builds of the same sources race, the
 * second finds dist/ current and keeps it.
 *
 * `forProduction: false` (npm start, where the dev dependencies are installed) leaves TensorFlow.js
 * and @prisma/client to node_modules: bundling them takes more than half of the build's time.
 */
export async function build({ forProduction = true } = {}) {
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
    if (forProduction) await bundleRuntimePackages(esbuild, staging);
    const info = {
      sourceHash: hash,
      sourceStamp: stamp,
      files: files.length,
      packagesBundled: forProduction,
      builtAt: new Date().toISOString(),
    };
    writeFileSync(path.join(staging, 'build-info.json'), `${JSON.stringify(info, null, 2)}\n`);
    const unlock = lockSwap();
    try {
      swapIn(staging, forProduction);
    } finally {
      unlock();
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return { files: files.length, seconds: (performance.now() - started) / 1000 };
}

/** Puts the staged build in place of dist/, unless another build of the same sources got there first. */
function swapIn(staging, forProduction) {
  if (distIsCurrent({ forProduction })) return;
  const old = `${distDir}.old-${process.pid}`;
  if (existsSync(distDir)) {
    // Other files stay (npm run teams:package puts its zip in dist/); compiled code left by a
    // source file since deleted does not.
    for (const entry of readdirSync(distDir, { withFileTypes: true })) {
      if (entry.isFile() && !/\.(js|map)$/.test(entry.name) && !existsSync(path.join(staging, entry.name)))
        renameSync(path.join(distDir, entry.name), path.join(staging, entry.name));
    }
    renameSync(distDir, old);
  }
  renameSync(staging, distDir);
  rmSync(old, { recursive: true, force: true });
}

/**
 * One build at a time checks and swaps (a folder made atomically is the lock), so two builds
 * finishing together do not both swap and delete the dist/ the other just put in place. A lock
 * older than a minute was left by a build that died.
 */
function lockSwap() {
  const lock = `${distDir}.swap-lock`;
  for (;;) {
    try {
      mkdirSync(lock);
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 60_000) rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released meanwhile: try again.
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // --if-stale: leave a current dist/ alone (tests, and anyone who just wants one that is current).
  if (process.argv.includes('--if-stale') && distIsCurrent({ forProduction: true })) {
    console.log('dist/ is current.');
  } else {
    const { files, seconds } = await build();
    console.log(`Compiled ${files} files from src/ to dist/ in ${seconds.toFixed(2)} s.`);
  }
}
