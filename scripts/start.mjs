// `npm start`: the bot from dist/, compiled first when dist/ is missing or older than src/
// (scripts/build.mjs). Runs in this process: no second Node to start.
// Only stderr is written here, so piped output stays the bot's alone.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { build, distDir, distIsCurrent, srcDir } from './build.mjs';

const main = path.join(distDir, 'main.js');

// Without src/ (an image that ships dist/ alone) there is nothing to compare with or compile.
if (existsSync(srcDir) && !distIsCurrent()) {
  let esbuildInstalled = true;
  try {
    await import.meta.resolve('esbuild');
  } catch {
    esbuildInstalled = false;
  }
  if (esbuildInstalled) {
    // Where esbuild is, so are TensorFlow.js and @prisma/client: no need to compile them in.
    const { files, seconds } = await build({ forProduction: false });
    process.stderr.write(`Compiled ${files} files from src/ to dist/ in ${seconds.toFixed(1)} s.\n`);
  } else if (existsSync(main)) {
    process.stderr.write(
      'warning: dist/ was not built from src/ as it is now, and esbuild (a dev dependency) is not installed to rebuild it: running dist/ as it is.\n',
    );
  } else {
    process.stderr.write(
      'dist/ is missing and esbuild (a dev dependency) is not installed: run `npm ci` and `npm run build`, or copy a dist/ built elsewhere.\n',
    );
    process.exit(1);
  }
}

await import(pathToFileURL(main).href);
