/**
 * The runbook `drillbook init --md NAME` writes: the Markdown twin of starter-yaml.ts.
 * `{name}` and `{file}` are replaced.
 */
export const STARTER_MD = `---
drillbook: 1
name: {name}
vars:
  # Written by \`drillbook sandbox --detach\`: the ports and URLs of the practice world.
  state: .drillbook/sandbox.json
defaults:
  timeout: 1m
---

# Starter drill

A starter drill, written by \`drillbook init\`. It proves that the front keeps serving when
the blue service stops, and that blue comes back. Start the practice world first with
\`drillbook sandbox --detach\`, then:

    drillbook validate {file}
    drillbook plan {file}
    drillbook run {file} --dry-run
    drillbook run {file}

Every \`##\` heading with a \`sh\` or \`yaml drillbook\` block below is a step; text like this
is for people and never runs. Replace the steps with your own system's.

## Find the front's URL

Shell blocks run with /bin/sh. A template such as \`{{ vars.state }}\` reaches the shell as
data, never as code. \`save=front\` makes the output \`{{ vars.front }}\` for later steps.

\`\`\`sh {id=front-url save=front}
node -p "require(require('path').resolve(process.argv[1])).endpoints.front" {{ vars.state }}
\`\`\`

## Find the control URL

\`\`\`sh {id=control-url save=control}
node -p "require(require('path').resolve(process.argv[1])).endpoints.control" {{ vars.state }}
\`\`\`

## Front serves blue (steady state)

\`\`\`yaml drillbook
id: front-serves-blue
http:
  url: "{{ vars.front }}/"
  expect: { status: 200, json: { path: colour, equals: blue } }
  within: 10s
  interval: 250ms
\`\`\`

## Stop blue

A gate: a person approves it in the TUI (or \`--yes\` / \`--approve stop-blue\` in CI). The
undo runs on rollback, and only when this step acted.

> [!CONFIRM]
> Stop the blue service?

\`\`\`yaml drillbook
id: stop-blue
http: { url: "{{ vars.control }}/control/blue/stop", method: POST }
undo:
  http: { url: "{{ vars.control }}/control/blue/start", method: POST }
\`\`\`

## Front fails over to green

\`\`\`yaml drillbook
id: front-serves-green
http:
  url: "{{ vars.front }}/"
  expect: { status: 200, json: { path: colour, equals: green } }
  within: 20s
  interval: 250ms
\`\`\`

## Finally: Restore blue

Runs after everything else, whatever happened. \`default('')\` keeps \`--dry-run\` and \`plan\`
working before the control URL is known.

\`\`\`yaml drillbook
id: restore-blue
when: "{{ vars.control | default('') }}"
http: { url: "{{ vars.control }}/control/blue/start", method: POST }
\`\`\`
`;
