// Logs which AWS SDK packages a Node process imports, one specifier a line, to the file named by
// DRILLBOOK_MODULE_LOG. Load it with NODE_OPTIONS="--import <this file>": on the main thread
// it registers itself as a module hook; in the loader thread it is the hook.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) register(import.meta.url);

export async function resolve(specifier, context, next) {
  const log = process.env.DRILLBOOK_MODULE_LOG;
  if (log && specifier.startsWith('@aws-sdk/')) appendFileSync(log, `${specifier}\n`);
  return next(specifier, context);
}
