import { defineConfig } from 'vitest/config';

// Unit and integration tests. Integration tests (`*.integration.test.ts`) run on the embedded PGlite,
// and again on a real PostgreSQL server when TEST_DATABASE_URL is set.
const postgres = process.env.TEST_DATABASE_URL;
if (!postgres) console.log('TEST_DATABASE_URL is not set: integration tests run on PGlite only.');

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
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
                exclude: ['test/e2e/**'],
                env: { TEST_DB: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
