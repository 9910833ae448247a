/**
 * Markdown runbooks, mapped onto the YAML form (see parse.ts). What is supported:
 *
 * - `---` YAML frontmatter on line 1: top-level keys (name, vars, hosts, aws, defaults, ...).
 *   Its `title`/`description` win over the `#` heading and prose. Lists it starts
 *   (`steady_state:`, `steps:`, ...) get the heading steps appended; `stop_when: {every: 10s}`
 *   takes `## Stop when` probes.
 * - First `# Title` -> title; prose before the first `##` -> description (plain text,
 *   `inline code` kept, paragraphs joined by blank lines). A ```yaml drillbook block there
 *   sets top-level keys.
 * - `## Heading` -> a step named by the heading; prose under it (H3+ included) -> description.
 *   `## Finally...`, `## Steady state...`, `## Stop when...` go to finally / steady_state /
 *   stop_when; `## Finally: restore blue` is named `restore blue`.
 * - ```sh / ```bash / ```shell -> the action: `run: <code>`, or `run: {command, env, cwd}`,
 *   or with `host=blue` / `host=blue,green` -> `ssh: {host, run, sudo, env}`.
 *   Attributes `{k=v k="v w" flag}` or Runme's JSON `{"k":"v"}`; unquoted numbers and
 *   true/false are converted (retries=2), id/name/save/when/confirm/host/cwd/env stay text.
 *   `undo` marks the block as the step's undo action. Runme-only keys are ignored.
 * - ```yaml drillbook -> its keys merge into the step (any action, parallel, undo, ...).
 * - `> [!CONFIRM]` + question -> confirm; `Type: phrase`, `Timeout: 2m`,
 *   `On timeout: skip|abort` lines -> the object form. GitHub's alerts (NOTE, TIP, IMPORTANT,
 *   WARNING, CAUTION) are prose; any other `[!WORD]` is an error with a did-you-mean.
 * - Runnable fences and gates count only at the top level of a section: inside a list, a
 *   quote or an HTML element they are refused. `$ ` prompts are stripped when every command
 *   line has one; a block mixing prompted and bare lines is refused.
 * - Every other fenced block is documentation and never runs.
 */
export { parseMarkdown } from './parse.js';
