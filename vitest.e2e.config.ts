import { defineConfig } from 'vitest/config';

// Browser journeys in Debian's Chromium, with axe on every page visited.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    env: { TEST_DB: 'pglite' },
  },
});
