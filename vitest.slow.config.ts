import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

/** `npm run test:slow`: the heavy fault tests under test/slow/, which `npm test` leaves out. */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/slow/**/*.test.ts'],
    exclude: [],
    testTimeout: 300_000,
  },
});
