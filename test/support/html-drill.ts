/**
 * A drill with every kind of row the HTML timeline draws: a gate, a parallel group whose
 * members overlap, a step that fails after others passed (so rollback runs their undo), and
 * finally. Steps sleep briefly so the bars have widths. Runs in about two seconds.
 */
export const HTML_DRILL_YAML = `drillbook: 1
name: html-drill
title: HTML report drill
secrets: [DRILL_TOKEN]
steps:
  - id: deploy
    name: Deploy green
    run: sleep 0.3; echo deployed
    undo: { run: sleep 0.1; echo undeploy }
  - id: blackhole
    name: Blackhole blue
    confirm: Blackhole blue?
    run: sleep 0.3; echo "token=$DRILL_TOKEN"
    undo: { run: echo restore routes }
  - id: checks
    name: Checks at once
    parallel:
      - { id: dns, name: DNS on green, run: sleep 0.5 }
      - { id: health, name: Green healthy, run: sleep 0.3 }
  - id: verify
    name: Verify failover
    run: echo "token=$DRILL_TOKEN"; for i in 1 2 3; do echo "checking $i"; done; echo "green did not answer" >&2; exit 3
  - id: never
    name: Never reached
    run: "true"
finally:
  - id: cleanup
    name: Restore blue
    run: sleep 0.2; echo restored
`;

export const DRILL_TOKEN = 'hunter2-the-drill-token';
