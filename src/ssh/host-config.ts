/**
 * What the ssh client configuration says about one host, whoever read it: OpenSSH itself
 * (`ssh -G`) or drillbook's built-in reader where no `ssh` binary exists. Paths are as the
 * config wrote them (`~`, `%` tokens); target.ts expands them.
 */
export interface HostConfig {
  hostName: string;
  port: number;
  user: string;
  identityFiles: string[];
  identitiesOnly: boolean;
  /** `ProxyJump` as written (`[user@]host[:port],...`), undefined for none. */
  proxyJump?: string;
  /** `ProxyCommand` as written, tokens unexpanded; undefined for none. */
  proxyCommand?: string;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  hostKeyAlias?: string;
  strictHostKeyChecking: StrictHostKeyChecking;
  resolver: Resolver;
}

export type StrictHostKeyChecking = 'yes' | 'accept-new' | 'no' | 'ask';
/** `openssh` = `ssh -G` answered; `builtin` = drillbook's own reader (no `ssh` binary found). */
export type Resolver = 'openssh' | 'builtin';

/** The runbook's fields, which win over the config as `ssh -l/-p` do. */
export interface HostQuery {
  host: string;
  user?: string;
  port?: number;
}
