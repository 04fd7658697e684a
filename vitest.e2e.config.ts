import { defineConfig } from 'vitest/config';

// Tests that need Debian packages npm cannot bring: Chromium (driven by playwright-core at
// /usr/bin/chromium), mbpoll, systemd-analyze, cage. .ci/run installs them.
export default defineConfig({
  test: {
    include: ['{agent,cloud,protocol,simulator,scripts}/**/*.e2e.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
