/**
 * Child process for the AWS action tests that need a fresh process: runs both AWS actions
 * against a sandbox and prints JSON: their results, and how many AWS SDK modules were loaded
 * before and after (the SDK must load only when an AWS step runs). With `raw`, it builds an
 * SDK client the plain way instead, to show whether this Node prints the SDK's warning at all.
 */
import { createRequire } from 'node:module';
import { startSandbox } from '../../src/sandbox/sandbox.js';
import { awsHarness, runAction } from './aws-context.js';

const sdkModules = () =>
  Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('@aws-sdk')).length;

if (process.argv[2] === 'raw') {
  const { CloudWatchClient } = await import('@aws-sdk/client-cloudwatch');
  new CloudWatchClient({ region: 'us-east-1' }).destroy();
} else {
  const before = sdkModules();
  const sandbox = await startSandbox();
  const h = awsHarness({ endpoint: sandbox.endpoints.aws });
  const alarm = await runAction(h, 'cloudwatch_alarm', { prefix: 'bookstore-api-', state: 'OK' });
  const dns = await runAction(h, 'route53', {
    zone_id: sandbox.zoneId,
    record: sandbox.record,
    failover: 'PRIMARY',
  });
  await h.close();
  await sandbox.close();
  process.stdout.write(
    JSON.stringify({ alarm: alarm.ok, dns: dns.ok, sdkBefore: before, sdkAfter: sdkModules() > 0 }),
  );
}
