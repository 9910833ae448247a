#!/usr/bin/env node
// Launcher: the CLI is compiled to dist/ and bundled into dist/bundle/ (`npm run build`, run by `prepare`).
import { main } from '../dist/bundle/cli.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    // Last resort: a bug, not bad input. Bad input is reported by main() with exit 2.
    process.stderr.write(`drillbook: internal error: ${error?.stack ?? error}\n`);
    process.exitCode = 70;
  },
);
