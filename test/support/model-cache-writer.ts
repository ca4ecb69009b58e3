// A second process writing the trained model cache (test/answering/model-cache.test.ts):
//   node --import tsx test/support/model-cache-writer.ts <cache dir> <key> <bytes file> <times>
// puts the bytes of <bytes file> under <key> <times> times, as a bot starting beside another would.
import { readFileSync } from 'node:fs';
import { FileModelCache } from '../../src/store/model-cache.js';

const [dir, key, file, times] = process.argv.slice(2);
const bytes = new Uint8Array(readFileSync(file!));
const cache = new FileModelCache(dir!);
for (let i = 0; i < Number(times); i++) await cache.put(key!, bytes);
