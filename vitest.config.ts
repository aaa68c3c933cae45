import { defineConfig } from 'vitest/config';

// Unit and integration files run side by side (they wait on PostgreSQL more than they compute: three
// workers keep a 2-core machine busy, where vitest's default of cores − 1 ran them one at a time); the
// browser files run after them, one at a time, with the machine to themselves.
const SIDE_BY_SIDE = 3;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          environment: 'node',
          maxWorkers: SIDE_BY_SIDE,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          maxWorkers: SIDE_BY_SIDE,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/support/e2e-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          // What the browser shows follows a request; on a loaded 2-core machine that takes seconds.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
