import { defineConfig } from 'vitest/config';

/**
 * Unit and integration tests run under plain Node against the TypeScript sources; browser tests
 * (test/e2e) drive Debian's Chromium against browser mode served from the built renderer, which
 * is why `npm test` builds before it runs vitest.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // two cores: browser tests and kernel processes are heavy, so keep parallelism modest
    maxWorkers: 2,
    reporters: ['default'],
  },
});
