import { defineConfig } from 'vitest/config';

// Unit, contract and integration tests. Browser tests live in vitest.e2e.config.ts because they
// need Debian's Chromium, which npm cannot install.
export default defineConfig({
  test: {
    include: ['{agent,cloud,protocol,simulator,scripts}/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.e2e.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
