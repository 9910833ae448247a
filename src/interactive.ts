/**
 * The one place that decides "interactive". The TUI needs a person: stdin and stdout are
 * terminals and this is not CI. Anything else gets the headless renderer, never a
 * degraded TUI.
 */
export function isInteractive(options: {
  headless: boolean;
  stdin: { isTTY?: boolean };
  stdout: { isTTY?: boolean };
  env: Record<string, string | undefined>;
}): boolean {
  if (options.headless) return false;
  if (!options.stdin.isTTY || !options.stdout.isTTY) return false;
  return !isCi(options.env);
}

export function isCi(env: Record<string, string | undefined>): boolean {
  const ci = env['CI'];
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return true;
  return ['JENKINS_URL', 'BUILD_NUMBER', 'GITHUB_ACTIONS', 'GITLAB_CI', 'BUILDKITE'].some((k) => !!env[k]);
}
