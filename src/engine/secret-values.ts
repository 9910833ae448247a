/**
 * Name -> value of every secret of a run that is set: the declared ones, then the implied ones
 * (credentials the actions read from the environment even when a runbook does not declare
 * them; each action declares its own, see `impliedSecrets`).
 */
export function secretsFromEnv(
  declared: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  implied: readonly string[],
): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of [...declared, ...implied]) {
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (value) found[name] = value;
  }
  return found;
}
