// Preloaded by a test with `--import`: every file module the process resolves is appended to the
// file named by MODULE_LOG, so a test can assert what a command did (and did not) load.
import { register } from 'node:module';

register(new URL('./module-log-hooks.mjs', import.meta.url), { data: process.env.MODULE_LOG });
