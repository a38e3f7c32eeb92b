import { defineConfig } from 'vitest/config';

// Unit and integration tests. Integration tests (`*.integration.test.ts`) run on the embedded PGlite, and again on a
// real PostgreSQL server when TEST_DATABASE_URL is set, because the two differ where it matters: the SQL dialect
// (CI's server is PostgreSQL 15, PGlite is 17), the drivers' parsing of types, locks and concurrent transactions,
// and bulk imports. A file listed below runs on PGlite only: nothing it tests depends on the database beyond what
// other files already run on both. When unsure, leave a new file off this list.
const pgliteOnly = [
  // Who may use each route: decisions made in TypeScript; every module's SQL runs on both in its own tests.
  'test/permissions.integration.test.ts',
  // Command-line parsing and output; the services the commands call are tested on both.
  'src/modules/accounts/cli.integration.test.ts',
  'src/modules/spend/resolution/cli.integration.test.ts',
  // Static pages.
  'src/modules/pages/pages.integration.test.ts',
  // Whole real registers and sample files, loaded once each: their volume and quirks, not the dialect (the register
  // and spend imports' SQL runs on both in the ccew, upload and import tests).
  'src/modules/organisations/registers/real-registers.integration.test.ts',
  'src/modules/organisations/registers/clubs-mutuals.integration.test.ts',
  'src/modules/spend/resolution/samples.integration.test.ts',
];
const postgres = process.env.TEST_DATABASE_URL;
if (!postgres) console.log('TEST_DATABASE_URL is not set: integration tests run on PGlite only.');

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default on two cores is one worker; half of these files wait on the PostgreSQL server, not the CPU,
    // so two at once keep both cores busy.
    maxWorkers: 2,
    projects: [
      {
        extends: true as const,
        test: {
          name: 'pglite',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['test/e2e/**'],
          env: { TEST_DB: 'pglite' },
        },
      },
      ...(postgres
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: ['src/**/*.integration.test.ts', 'test/**/*.integration.test.ts'],
                exclude: ['test/e2e/**', ...pgliteOnly],
                env: { TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
