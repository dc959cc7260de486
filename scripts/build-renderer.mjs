// Bundles the settings window, the call window, the reply window and the preload with esbuild (tsc emits main/ and shared/).
// The renderer becomes one IIFE script (its CSP allows only 'self' scripts); the preload must
// be CommonJS, because a sandboxed preload can load neither ES modules nor node_modules.
import { build } from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');

await mkdir(join(out, 'renderer'), { recursive: true });
await Promise.all([
  // The settings, call and reply windows: one IIFE script each.
  ...['app', 'call', 'reply'].map((page) =>
    build({
      entryPoints: [join(root, 'renderer', `${page}.ts`)],
      outfile: join(out, 'renderer', `${page}.js`),
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome130',
      sourcemap: true,
      legalComments: 'none',
      minify: true,
      logLevel: 'warning',
    }),
  ),
  build({
    entryPoints: [join(root, 'main', 'electron', 'preload.ts')],
    outfile: join(out, 'preload', 'preload.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    external: ['electron'],
    minify: true,
    sourcemap: true,
    logLevel: 'warning',
  }),
  copyFile(join(root, 'renderer', 'index.html'), join(out, 'renderer', 'index.html')),
  copyFile(join(root, 'renderer', 'styles.css'), join(out, 'renderer', 'styles.css')),
  copyFile(join(root, 'renderer', 'call.html'), join(out, 'renderer', 'call.html')),
  copyFile(join(root, 'renderer', 'call.css'), join(out, 'renderer', 'call.css')),
  copyFile(join(root, 'renderer', 'reply.html'), join(out, 'renderer', 'reply.html')),
  copyFile(join(root, 'renderer', 'reply.css'), join(out, 'renderer', 'reply.css')),
]);
