import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The settings store persists through electron-store, which imports `electron`: outside Electron
 * that package is only the path of the binary (and throws where the binary was never downloaded,
 * as on CI). Tests get the stand-in instead; electron-store is inlined so the alias reaches its
 * import. Tests pass their own folders, so the stand-in's paths are never used.
 */
const electronStandIn = {
  alias: { electron: fileURLToPath(new URL('./test/fakes/electron.ts', import.meta.url)) },
  server: { deps: { inline: ['electron-store'] } },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: ['test/unit/packaging.test.ts'],
          environment: 'node',
          ...electronStandIn,
          // Hundreds of small files: one module graph per worker instead of one per file halves the
          // wall time. Safe because unit tests keep no state between files (the fake electron's
          // shared records are cleared or offset by the tests that read them).
          pool: 'threads',
          isolate: false,
        },
      },
      {
        // The installers' configuration and icons, checked without building them (slow: image decoding).
        test: {
          name: 'packaging',
          include: ['test/unit/packaging.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          ...electronStandIn,
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Loopback sockets and child processes: keep the 2-core machines from oversubscribing.
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'notification',
          include: ['test/notification/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // One virtual desktop at a time keeps D-Bus captures unambiguous.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          environment: 'node',
          ...electronStandIn,
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // One Chromium at a time: two cores, and screenshots must not race.
          fileParallelism: false,
        },
      },
    ],
  },
});
