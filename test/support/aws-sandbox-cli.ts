/**
 * Runs `drillbook sandbox` through its real yargs command module, for tests, until the lead's
 * src/cli.ts registers it: `node --import tsx test/support/aws-sandbox-cli.ts sandbox --detach`.
 */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { sandboxCommand } from '../../src/commands/sandbox.js';

await yargs(hideBin(process.argv))
  .scriptName('drillbook')
  .command(sandboxCommand)
  .strict()
  .demandCommand(1)
  .parseAsync();
