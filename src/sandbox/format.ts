import type { SandboxInfo } from './sandbox.js';

/** What `drillbook sandbox` prints: where everything is and how to point a runbook at it. */
export function describeSandbox(info: SandboxInfo): string {
  const e = info.endpoints;
  return [
    `  blue     ${e.blue}   Bookstore API (as ${info.ips.blue})`,
    `  green    ${e.green}   Bookstore API (as ${info.ips.green})`,
    `  front    ${e.front}   failover front: blue while healthy, else green`,
    `  aws      ${e.aws}   CloudWatch + Route 53 (zone ${info.zoneId}, ${info.record}) + SSM Run Command`,
    ...(info.ssmInstances ?? []).map(
      (i) =>
        `           ssm instance ${i.id} (${Object.entries(i.tags)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')})`,
    ),
    `  control  ${e.control}   break and restore things`,
    '',
    'Point a runbook at it (any access key works; keys starting AKIADENIED get AccessDenied):',
    `  aws: { endpoint: ${e.aws}, region: ${info.region} }`,
    'or the AWS SDK / CLI environment:',
    `  export AWS_ENDPOINT_URL=${e.aws} AWS_REGION=${info.region}`,
    '  export AWS_ACCESS_KEY_ID=sandbox AWS_SECRET_ACCESS_KEY=sandbox',
    'Break and restore:',
    `  curl -X POST ${e.control}/control/blue/stop        # also: start, unhealthy, healthy, blackhole, restore`,
    `  curl -X POST ${e.control}/control/reset`,
    `  curl ${e.control}/state`,
  ].join('\n');
}
