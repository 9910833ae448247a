/**
 * Child process for the "no Node-version warning" test: runs both AWS actions against a
 * sandbox and prints their results as JSON. With `raw`, it builds an SDK client the plain
 * way instead, which shows whether this Node would print the SDK's warning at all.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { startSandbox } from '../../src/sandbox/sandbox.js';
import { awsHarness, runAction } from './aws-context.js';

if (process.argv[2] === 'raw') {
  new CloudWatchClient({ region: 'us-east-1' }).destroy();
} else {
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
  process.stdout.write(JSON.stringify({ alarm: alarm.ok, dns: dns.ok }));
}
