import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
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
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // One Chromium at a time: two cores, and screenshots must not race.
          fileParallelism: false,
        },
      },
    ],
  },
});
