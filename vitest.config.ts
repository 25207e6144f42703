import { defineConfig } from 'vitest/config';

// One runner for the whole suite: unit tests, Postgres integration tests (PGlite and the
// PostgreSQL server) and the browser end-to-end tests. The machine has two cores, so files
// run at most two at a time; database and browser tests raise their own timeouts. `npm test`
// runs the Chromium files in a second pass, one file at a time: their real-time promises
// (a change on another device within 2 s) are about the product, not about sharing the CPU
// with a PostgreSQL test.
export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    environment: 'node',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
