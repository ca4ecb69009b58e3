// Generates the Prisma client into src/store/prisma/generated (run by npm's postinstall).
//
// Why the environment variable: Prisma's CLI wants to locate its schema engine even for
// `generate`, which does not use it. The engine binary is downloaded by an install script
// that this project does not approve (our build machines have no internet), so we point the
// CLI at an existing file. Generation itself runs in WebAssembly and needs no engine.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';

const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
if (result.status !== 0) {
  console.error('Generating the Prisma client failed (see above).');
  process.exit(result.status ?? 1);
}
