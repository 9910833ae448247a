import type { AuthPlan } from './auth.js';
import type { SshTarget } from './target.js';

/** Turns an ssh2/socket error during connect into a sentence that names the fix. */
export function describeConnectError(
  target: SshTarget,
  error: Error & { level?: string; code?: string },
  auth: { tried: string[]; serverAccepts: string[] },
  plan: AuthPlan,
): string {
  const at = `${target.name} (${target.user}@${target.address}:${target.port})`;
  const via = target.via ? ` via jump host ${target.via.name}` : '';
  if (error.level === 'client-authentication') {
    const tried = auth.tried.length > 0 ? auth.tried.join(', ') : 'nothing (no agent, no usable key file)';
    const skipped = plan.skipped.length > 0 ? `; skipped: ${plan.skipped.join('; ')}` : '';
    const accepts =
      auth.serverAccepts.length > 0 ? `; the server accepts: ${auth.serverAccepts.join(', ')}` : '';
    return (
      `authentication failed for ${at}: tried ${tried}${skipped}${accepts}. ` +
      `Add your public key to ~${target.user}/.ssh/authorized_keys on the host, set identity_file, or load the key into ssh-agent.`
    );
  }
  switch (error.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve host name '${target.address}' for ${target.name}: check hosts.${target.name}.host, HostName in ~/.ssh/config, or DNS`;
    case 'ECONNREFUSED':
      return `connection refused by ${target.address}:${target.port} (${target.name})${via}: is sshd running and listening on that port?`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
      return `host ${target.address}:${target.port} (${target.name}) is unreachable (${error.code})${via}: check the address, routes, security group or firewall`;
    case 'ECONNRESET':
      return `${at} closed the connection during the handshake${via}: is it an SSH server, and does it allow this client (MaxStartups, fail2ban, AllowUsers)?`;
  }
  if (error.level === 'client-timeout') {
    return `no SSH handshake from ${at} within 20 s${via}: the host is unreachable or a firewall drops the traffic`;
  }
  return `cannot connect to ${at}${via}: ${error.message}`;
}
