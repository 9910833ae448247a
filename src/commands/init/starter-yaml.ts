/**
 * The runbook `drillbook init --yaml NAME` writes. It drills the practice world, so it
 * runs as written: `drillbook sandbox --detach` first, then `drillbook run`. `{name}` is
 * replaced by the runbook name.
 */
export const STARTER_YAML = `# yaml-language-server: $schema=https://unpkg.com/drillbook/schema/drillbook.schema.json
# A starter drill, written by \`drillbook init\`. It practises a failover on the local
# sandbox: start it first with
#   drillbook sandbox --detach
# then:
#   drillbook validate {file}      # check it
#   drillbook plan {file}          # see what would run
#   drillbook run {file} --dry-run # walk it, run nothing
#   drillbook run {file}           # the drill
# Replace the steps with your own system's; keep the shape: check, break, check, restore.
drillbook: 1
name: {name}
title: Starter drill
description: >-
  Proves that the front keeps serving when the blue service stops, and that blue comes back.
vars:
  # Written by \`drillbook sandbox --detach\`: the ports and URLs of the practice world.
  state: .drillbook/sandbox.json
defaults:
  timeout: 1m              # no step may take longer unless it says so
steps:
  - id: front-url
    name: Find the front's URL
    # Shell text runs with /bin/sh. A template such as {{ vars.state }} reaches the
    # shell as data (a variable reference), never as code.
    run: node -p "require(require('path').resolve(process.argv[1])).endpoints.front" {{ vars.state }}
    save: front            # the output becomes {{ vars.front }} for later steps
  - id: control-url
    name: Find the control URL
    run: node -p "require(require('path').resolve(process.argv[1])).endpoints.control" {{ vars.state }}
    save: control
  - id: front-serves-blue
    name: Front serves blue (steady state)
    http:
      url: "{{ vars.front }}/"
      expect: { status: 200, json: { path: colour, equals: blue } }
      within: 10s          # keep asking until it passes, for at most 10s
      interval: 250ms
  - id: stop-blue
    name: Stop blue
    # A gate: a person approves it in the TUI (or --yes / --approve stop-blue in CI).
    confirm: Stop the blue service?
    http: { url: "{{ vars.control }}/control/blue/stop", method: POST }
    # Runs on rollback (a later step failed), and only when this step acted.
    undo:
      http: { url: "{{ vars.control }}/control/blue/start", method: POST }
  - id: front-serves-green
    name: Front fails over to green
    http:
      url: "{{ vars.front }}/"
      expect: { status: 200, json: { path: colour, equals: green } }
      within: 20s
      interval: 250ms
finally:
  # Runs after everything else, whatever happened (failure, abort, Ctrl-C).
  - id: restore-blue
    name: Restore blue
    # Only when the control URL was found; default('') keeps --dry-run and plan working
    # before the variable exists.
    when: "{{ vars.control | default('') }}"
    http: { url: "{{ vars.control }}/control/blue/start", method: POST }
`;
