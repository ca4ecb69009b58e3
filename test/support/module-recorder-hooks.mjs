// Module hooks for module-recorder.mjs: records each resolved URL under node_modules.
import { appendFileSync } from 'node:fs';

let out;
export function initialize(data) {
  out = data.out;
}

export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (out && result.url.includes('/node_modules/')) appendFileSync(out, `${result.url}\n`);
  return result;
}
