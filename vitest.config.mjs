import { defineConfig } from 'vitest/config';

// Forks pool: native addons and worker threads are safest in separate processes.
export default defineConfig({
  test: {
    pool: 'forks',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
