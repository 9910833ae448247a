/** Environment variables that hold credentials even when a runbook does not declare them. */
export const IMPLICIT_SECRETS = ['DRILLBOOK_SSH_PASSPHRASE', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];

/** Name -> value of every secret of a run that is set: the declared ones, then the implicit. */
export function secretsFromEnv(
  declared: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of [...declared, ...IMPLICIT_SECRETS]) {
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (value) found[name] = value;
  }
  return found;
}
