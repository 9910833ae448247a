#!/usr/bin/env node
// Launcher: the CLI is compiled to dist/ and bundled into dist/bundle/ (`npm run build`, run by `prepare`).
import { failInternally, main } from '../dist/bundle/cli.js';

// Last resort: a bug, not bad input (bad input is reported by main() with exit 2). One line
// and the run directory, never a raw stack trace (DRILLBOOK_DEBUG=1 prints it), exit 70.
const fatal = (error) => {
  failInternally(error);
  process.exit(70);
};
process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
}, fatal);
