// Preloaded (node --import) into a bot started by test/architecture/chat-sdk-loading.test.ts:
// writes every module the process loaded from node_modules to the file named by LOADED_OUT, as
// URLs resolved for import (ESM, and CommonJS packages imported from ESM) and, at exit, the
// CommonJS cache (what those packages required in turn).
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import Module, { register } from 'node:module';
import { pathToFileURL, URL } from 'node:url';

const out = process.env.LOADED_OUT;
if (out) {
  register(new URL('./module-recorder-hooks.mjs', import.meta.url), { data: { out } });
  process.on('exit', () => {
    appendFileSync(out, Object.keys(Module._cache).map((file) => `${pathToFileURL(file).href}\n`).join(''));
  });
}
