// The loader hooks behind module-log.mjs (they run on the loader's own thread).
import { appendFileSync } from 'node:fs';

let file;

export function initialize(data) {
  file = data;
}

export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  if (typeof file === 'string' && r.url.startsWith('file:')) appendFileSync(file, `${r.url}\n`);
  return r;
}
