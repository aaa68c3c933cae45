import { defineConfig } from 'vitest/config';
import { LongestFirst } from './test/support/sequencer.js';

// Unit and integration files run side by side: they wait on PostgreSQL more than they compute, so three
// workers keep a 2-core machine busy where vitest's default (cores − 1) ran them one at a time. The
// browser files run after them, two at a time, on the one Chromium e2e-setup.ts launches, each worker
// importing the server's modules once (isolate: false): a file waits on its own server and on the browser
// more than it computes (~10 s of start-up per file), and the project took 10 min instead of 19 (2 cores,
// load 5–9 from other work). Tests that time requests against each other, or kill worker processes at
// chosen moments of an import, run last, alone, so other files' load cannot skew them.
const SIDE_BY_SIDE = 3;
const TIMED = [
  'test/integration/invitations-enumeration.test.ts',
  'test/integration/import-crash.test.ts',
  'test/integration/webhooks-crash.test.ts',
  'test/integration/scim-scale.test.ts',
  'test/integration/faults-database.test.ts',
  'test/integration/faults-shutdown.test.ts',
  'test/integration/faults-pglite.test.ts',
  'test/integration/backup.test.ts',
  'test/integration/scale-out.test.ts',
];
const integration = {
  include: ['test/integration/**/*.test.ts'],
  globalSetup: ['test/support/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
};

export default defineConfig({
  test: {
    sequence: { sequencer: LongestFirst },
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
          ...integration,
          name: 'integration',
          exclude: TIMED,
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
          maxWorkers: 2,
          isolate: false,
          sequence: { groupOrder: 1 },
          // What the browser shows follows a request; on a loaded 2-core machine that takes seconds.
          expect: { poll: { timeout: 10_000 } },
        },
      },
      {
        test: {
          ...integration,
          name: 'timed',
          include: TIMED,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
