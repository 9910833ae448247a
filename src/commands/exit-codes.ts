/** Exit codes, as documented in `--help` and the README. */
export const EXIT = {
  passed: 0,
  failed: 1,
  usage: 2,
  /**
   * `--deadline` stopped the drill; rollback and finally ran (GNU timeout's code). The engine's
   * DEADLINE_EXIT_CODE; written out so the CLI's start does not load the engine.
   */
  deadline: 124,
  sigint: 130,
  sigterm: 143,
  sighup: 129,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0    every step passed, or passed with tolerated failures or skipped gates (validate: all valid)
  1    a step failed, a stop condition tripped, the drill aborted, a gate skipped (--fail-on-skip)
  2    invalid runbook or usage (messages name file:line:column)
  124  --deadline reached: the drill was stopped, rollback and finally ran, reports were written
  129  hung up (SIGHUP: the terminal or SSH session closed); finally steps ran and reports were written
  130  interrupted by SIGINT (Ctrl-C); finally steps ran and reports were written
  143  terminated by SIGTERM; finally steps ran and reports were written`;
