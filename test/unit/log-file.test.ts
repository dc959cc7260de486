import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileLog, LOG_FILE } from '../../main/desktop/log-file.js';
import { redactor } from '../../main/core/platform/redact.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vbn-logs-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('desktop log file', () => {
  it('writes JSON lines with secrets redacted, and rotates by size keeping a bounded number of files', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGV4In0.c2lnbmF0dXJlLWJ5dGVz';
    redactor.add('my-access-key-0123456789');
    const log = createFileLog({ dir, size: '2K', maxFiles: 2 });
    log.logger.info(`signed in with ${token}`, { accesskey: 'my-access-key-0123456789' });
    for (let i = 0; i < 60; i++) log.logger.info(`line ${i} ${'x'.repeat(80)}`);
    await new Promise((r) => setTimeout(r, 200));
    await log.close();
    // rotating-file-stream keeps its own index of rotated files in main.log.txt.
    const files = (await readdir(dir)).filter((f) => f.endsWith('.log'));
    expect(files).toContain(LOG_FILE);
    // The current file plus at most two rotated ones: weeks of uptime stay bounded.
    expect(files.length).toBeGreaterThan(1);
    expect(files.length, files.join(', ')).toBeLessThanOrEqual(3);
    const all = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))).join('');
    expect(all).not.toContain(token);
    expect(all).not.toContain('my-access-key-0123456789');
    const current = (await readFile(join(dir, LOG_FILE), 'utf8')).trim().split('\n');
    expect(JSON.parse(current.at(-1)!)).toMatchObject({ level: 30, msg: expect.stringMatching(/^line 59 /) as unknown });
  });
});
