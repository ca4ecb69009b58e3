import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests open real SQLite files and spawn the real app; give the shared 2-core machines room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
