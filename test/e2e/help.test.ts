import { describe, expect, it } from 'vitest';
import { assertBuilt, runCli, workspace } from '../support/cli.js';

const COMMANDS = ['run', 'validate', 'plan', 'resume', 'finally', 'report', 'schema', 'init', 'sandbox'];

/** `drillbook [COMMAND] --help`, as a user sees it in a pipe (no terminal width). */
async function help(command?: string): Promise<string> {
  const r = await runCli(command ? [command, '--help'] : ['--help'], { cwd: workspace().dir });
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return r.stdout;
}

describe('help is consistent for every command', () => {
  it('one width (100), examples everywhere, every positional described, no [array] [default: []] noise', async () => {
    assertBuilt();
    const texts = await Promise.all([undefined, ...COMMANDS].map(help));
    for (const [i, text] of texts.entries()) {
      const name = i === 0 ? 'drillbook' : COMMANDS[i - 1];
      const lines = text.split('\n');
      expect(Math.max(...lines.map((l) => l.length)), name).toBeLessThanOrEqual(100);
      expect(text, name).toContain('\nExamples:\n');
      expect(text, name).not.toContain('[default: []]');
      const positionals = text.split('Positionals:\n')[1]?.split('\n\n')[0] ?? '';
      for (const line of positionals.split('\n').filter(Boolean)) {
        // `  name  Description ... [string] [required]`: a description between name and types.
        expect(line, `${name}: ${line}`).toMatch(/^ {2}\S+ {2,}[A-Z][^[]+\s\[string\] \[required\]$/);
      }
    }
    // Wrapped at 100, not 80: the sandbox used to wrap its own help at 80 columns.
    expect(texts.every((t) => t.split('\n').some((l) => l.length > 80))).toBe(true);
  });

  it('every --help, exactly', async () => {
    assertBuilt();
    expect(await help()).toMatchInlineSnapshot(`
      "drillbook <command> [options]

      Run disaster-recovery and reliability drills from Markdown or YAML runbooks.

      Commands:
        drillbook run <runbook>          Run a drill: a TUI at a terminal, headless (console + JUnit)
                                         otherwise
        drillbook validate <runbooks..>  Check runbooks; print file:line:column for every problem
        drillbook plan <runbook>         Show the resolved steps, hosts, gates and timeouts in order;
                                         nothing runs
        drillbook resume <run-dir>       Continue an interrupted run from its journal
                                         (.drillbook/runs/<time>-<name>)
        drillbook finally <run-dir>      Run a killed run's pending undo and finally steps from its
                                         journal (e.g. after a CI abort)
        drillbook report <run-dir>       Print a run's summary, or rebuild its JUnit/JSON reports, from
                                         its journal (also after a kill)
        drillbook history [dirs..]       One row per past run with its measures and their trend; flags
                                         regressions (--regression)
        drillbook schema                 Print the runbook JSON Schema (for editors: yaml-language-server,
                                         VS Code)
        drillbook init <name>            Write a commented starter runbook NAME.md or NAME.yaml (never
                                         overwrites a file)
        drillbook sandbox                Local blue/green services and CloudWatch/Route 53 compatible
                                         endpoints for practice (see sandbox --help)

      Options:
        --help     Show help                                                                     [boolean]
        --version  Show version number                                                           [boolean]

      Examples:
        drillbook init drill    write a starter runbook, drill.md
        drillbook run drill.md  run it

      Exit codes:
        0    every step passed, or passed with tolerated failures or skipped gates (validate: all valid)
        1    a step failed, a stop condition tripped, the drill aborted, a gate skipped (--fail-on-skip)
        2    invalid runbook or usage (messages name file:line:column)
        124  --deadline reached: the drill was stopped, rollback and finally ran, reports were written
        129  hung up (SIGHUP: the terminal or SSH session closed); finally steps ran and reports were
        written
        130  interrupted by SIGINT (Ctrl-C); finally steps ran and reports were written
        143  terminated by SIGTERM; finally steps ran and reports were written
      "
    `);
    expect(await help('run')).toMatchInlineSnapshot(`
      "drillbook run <runbook>

      Run a drill: a TUI at a terminal, headless (console + JUnit) otherwise

      Positionals:
        runbook  A .md or .yaml runbook                                                [string] [required]

      Options:
            --help                  Show help                                                    [boolean]
            --version               Show version number                                          [boolean]
            --junit                 Write a JUnit XML report (for Jenkins \`junit\`)                [string]
            --json                  Write a JSON report                                           [string]
            --html                  Write a self-contained HTML report: timeline, measures, gates,
                                    failures, trend                                               [string]
            --headless              No TUI, even at a terminal (automatic in CI or when piped)
                                                                                [boolean] [default: false]
        -y, --yes                   Approve every confirmation gate             [boolean] [default: false]
            --approve               Approve the gates of these step ids (also DRILLBOOK_APPROVE)   [array]
            --fail-on-skip          A gate skipped (by a person or on_timeout: skip) fails the drill
                                                                                [boolean] [default: false]
            --color                 Colours and styling in the TUI and console; --no-color (or NO_COLOR=1)
                                    turns them off                               [boolean] [default: true]
            --timestamps            Headless: begin every line with the time (iso, the default) or the
                                    time since the start (elapsed)    [string] [choices: "iso", "elapsed"]
            --var                   Set a variable: --var name=value (repeatable)                  [array]
            --only                  Run only these step ids (finally still runs)                   [array]
            --from                  Start at this step id                                         [string]
            --skip                  Skip these step ids                                            [array]
            --dry-run               Walk the drill, run nothing                 [boolean] [default: false]
            --rollback              When to run undo actions
                                        [choices: "always", "on-failure", "never"] [default: "on-failure"]
            --accept-new-host-keys  Trust unknown SSH host keys (never changed ones)
                                                                                [boolean] [default: false]
            --deadline              Stop the drill in time for rollback and finally (finally_budget) to
                                    end by then, e.g. 90m; exit 124 (env DRILLBOOK_DEADLINE)      [string]
            --run-dir               This run's directory (journal, meta.json), e.g. one per CI build; must
                                    not hold a run yet (env DRILLBOOK_RUN_DIR)                    [string]

      Examples:
        drillbook run drill.md                          a TUI at a terminal, else headless
        drillbook run drill.md --yes --junit junit.xml  in CI: approve every gate, write JUnit
        drillbook run drill.yaml --dry-run              walk the drill, run nothing
      "
    `);
    expect(await help('validate')).toMatchInlineSnapshot(`
      "drillbook validate <runbooks..>

      Check runbooks; print file:line:column for every problem

      Positionals:
        runbooks  Runbook files (.md, .yaml)                                           [string] [required]

      Options:
        --help     Show help                                                                     [boolean]
        --version  Show version number                                                           [boolean]

      Examples:
        drillbook validate drill.md                       exit 2 and file:line:column if not valid
        drillbook validate runbooks/*.md runbooks/*.yaml  check many at once
      "
    `);
    expect(await help('plan')).toMatchInlineSnapshot(`
      "drillbook plan <runbook>

      Show the resolved steps, hosts, gates and timeouts in order; nothing runs

      Positionals:
        runbook  A .md or .yaml runbook                                                [string] [required]

      Options:
        --help     Show help                                                                     [boolean]
        --version  Show version number                                                           [boolean]
        --var      Set a variable: --var name=value                                                [array]
        --json     Print the plan as JSON: steps and, per host, how ssh reaches it (hostname, port, user,
                   proxies, keys, known_hosts)                                                   [boolean]

      Examples:
        drillbook plan drill.md                      every step in order, with hosts, gates and timeouts
        drillbook plan drill.yaml --var env=staging  as it would run with this variable
        drillbook plan drill.md --json               the same as JSON, with how each host is reached
      "
    `);
    expect(await help('resume')).toMatchInlineSnapshot(`
      "drillbook resume <run-dir>

      Continue an interrupted run from its journal (.drillbook/runs/<time>-<name>)

      Positionals:
        run-dir  A run directory, .drillbook/runs/<time>-<name>                        [string] [required]

      Options:
            --help          Show help                                                            [boolean]
            --version       Show version number                                                  [boolean]
            --junit         Write a JUnit XML report (for Jenkins \`junit\`)                        [string]
            --json          Write a JSON report                                                   [string]
            --html          Write a self-contained HTML report: timeline, measures, gates, failures, trend
                                                                                                  [string]
            --headless      No TUI, even at a terminal (automatic in CI or when piped)
                                                                                [boolean] [default: false]
        -y, --yes           Approve every confirmation gate                     [boolean] [default: false]
            --approve       Approve the gates of these step ids (also DRILLBOOK_APPROVE)           [array]
            --fail-on-skip  A gate skipped (by a person or on_timeout: skip) fails the drill
                                                                                [boolean] [default: false]
            --color         Colours and styling in the TUI and console; --no-color (or NO_COLOR=1) turns
                            them off                                             [boolean] [default: true]
            --timestamps    Headless: begin every line with the time (iso, the default) or the time since
                            the start (elapsed)                       [string] [choices: "iso", "elapsed"]
            --deadline      As for run: stop in time for rollback and finally to end by then (env
                            DRILLBOOK_DEADLINE)                                                   [string]

      Examples:
        drillbook resume .drillbook/runs/<dir>        continue after a crash or kill
        drillbook resume .drillbook/runs/<dir> --yes  in CI: approve every gate
      "
    `);
    expect(await help('report')).toMatchInlineSnapshot(`
      "drillbook report <run-dir>

      Print a run's summary, or rebuild its JUnit/JSON reports, from its journal (also after a kill)

      Positionals:
        run-dir  A run directory, .drillbook/runs/<time>-<name>                        [string] [required]

      Options:
        --help     Show help                                                                     [boolean]
        --version  Show version number                                                           [boolean]
        --junit    Write a JUnit XML report (for Jenkins \`junit\`)                                 [string]
        --json     Write a JSON report                                                            [string]
        --html     Write a self-contained HTML report: timeline, measures, gates, failures, trend [string]

      Examples:
        drillbook report .drillbook/runs/<dir>        print the summary table
        drillbook report <run-dir> --junit junit.xml  write JUnit for Jenkins
      "
    `);
    expect(await help('schema')).toMatchInlineSnapshot(`
      "drillbook schema

      Print the runbook JSON Schema (for editors: yaml-language-server, VS Code)

      Options:
        --help     Show help                                                                     [boolean]
        --version  Show version number                                                           [boolean]

      Examples:
        drillbook schema > drillbook.schema.json  then point yaml-language-server at it
        drillbook schema | jq .definitions.step   a step's fields
      "
    `);
    expect(await help('init')).toMatchInlineSnapshot(`
      "drillbook init <name>

      Write a commented starter runbook NAME.md or NAME.yaml (never overwrites a file)

      Positionals:
        name  Runbook name or file                                                     [string] [required]

      Options:
        --help     Show help                                                                     [boolean]
        --version  Show version number                                                           [boolean]
        --md       Write Markdown (the default)                                                  [boolean]
        --yaml     Write YAML                                                                    [boolean]

      Examples:
        drillbook init failover         writes failover.md
        drillbook init --yaml failover  writes failover.yaml
      "
    `);
    expect(await help('sandbox')).toMatchInlineSnapshot(`
      "drillbook sandbox

      Run local blue/green Bookstore services with CloudWatch, Route 53 and SSM Run Command compatible
      endpoints

      Options:
        --help         Show help                                                                 [boolean]
        --version      Show version number                                                       [boolean]
        --detach       Start in the background, write --state and exit once ready                [boolean]
        --stop         Stop the background sandbox named by --state                              [boolean]
        --state        State file (ports, pid, endpoints); default .drillbook/sandbox.json with
                       --detach/--stop                                                            [string]
        --port         Fixed ports from this base: blue, green, front, aws, control (0 = free ports)
                                                                                     [number] [default: 0]
        --alarm-delay  How long a breakage holds before its alarm fires           [string] [default: "1s"]

      Examples:
        drillbook sandbox           run in the foreground until Ctrl-C
        drillbook sandbox --detach  start in the background (state in .drillbook/sandbox.json)
        drillbook sandbox --stop    stop it (in a finally step)
      "
    `);
  });
});

describe('usage errors', () => {
  it('a bad option value prints one line and a hint, not the whole help, exit 2', async () => {
    assertBuilt();
    const ws = workspace();
    ws.write('d.yaml', 'drillbook: 1\nsteps: [{ id: a, run: "touch ran" }]\n');
    const r = await runCli(['run', 'd.yaml', '--rollback', 'x'], { cwd: ws.dir });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'drillbook: Invalid values: Argument: rollback, Given: "x", Choices: "always", "on-failure", "never"\n' +
        'hint: see drillbook run --help\n',
    );
    expect(ws.exists('ran')).toBe(false);
    const sandbox = await runCli(['sandbox', '--bogus'], { cwd: ws.dir });
    expect(sandbox.code).toBe(2);
    expect(sandbox.stderr).toBe('drillbook: Unknown argument: bogus\nhint: see drillbook sandbox --help\n');
    const unknown = await runCli(['rn', 'd.yaml'], { cwd: ws.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n').length).toBeLessThanOrEqual(4);
    expect(unknown.stderr).toContain('hint: see drillbook --help');
  });
});
