import { displaySummary, fillKnown } from '../engine/display-summary.js';
import { planSteps } from '../engine/plan.js';
import { createRedactor } from '../engine/redact.js';
import { secretsFromEnv } from '../engine/secret-values.js';
import type { ActionRegistry } from '../plugin/contract.js';
import { impliedSecrets, settingsBlocks } from '../plugin/declarations.js';
import { describeCount, numberSteps } from '../report/step-numbers.js';
import { formatDuration, writeDuration } from '../runbook/duration.js';
import { RunbookError } from '../runbook/errors.js';
import { escapeUnsafe } from '../runbook/escape.js';
import { loadRunbook } from '../runbook/load.js';
import { refText } from '../runbook/measure-spec.js';
import type { Runbook, Step } from '../runbook/model.js';
import type { TemplateScope } from '../runbook/template.js';
import { EXIT } from './exit-codes.js';
import { type CommandIo, parseVarFlags, printRunbookError } from './io.js';
import { groupLines, stepHosts, stepHostsLine } from './plan-groups.js';
import { hostLines, type PlannedHost, planHosts } from './plan-hosts.js';
import { createRegistry } from './registry.js';

/** `drillbook plan`: the resolved steps, hosts, gates and timeouts, in order. Nothing runs. */
export async function planCommand(
  file: string,
  varFlags: string[] | undefined,
  io: CommandIo,
  json = false,
): Promise<number> {
  const vars = parseVarFlags(varFlags);
  if (typeof vars === 'string') {
    io.stderr.write(`drillbook plan: ${vars}\n`);
    return EXIT.usage;
  }
  try {
    const actions = createRegistry();
    const runbook = await loadRunbook(actions, file, { vars, env: io.env });
    // A --var or an {{ env.X }} may hold a secret's value: mask it as a run would.
    const { redact } = createRedactor(
      Object.values(secretsFromEnv(runbook.secrets, io.env, impliedSecrets(actions))),
    );
    const hosts = planHosts(runbook, io.env);
    io.stdout.write(
      json ? redact(planJson(actions, runbook, hosts)) : renderPlan(actions, runbook, io.env, hosts, redact),
    );
    return EXIT.passed;
  } catch (error) {
    if (!(error instanceof RunbookError)) throw error;
    printRunbookError(io, error);
    return EXIT.usage;
  }
}

export function renderPlan(
  actions: ActionRegistry,
  runbook: Runbook,
  env: Record<string, string | undefined> = {},
  resolved?: PlannedHost[],
  redact: (text: string) => string = (text) => text,
): string {
  // A declared secret stays written as a template, also when it is read as {{ env.NAME }}.
  const shown = Object.fromEntries(Object.entries(env).filter(([k]) => !runbook.secrets.includes(k)));
  const scope: TemplateScope = {
    vars: runbook.vars,
    env: shown,
    secrets: [],
    hosts: runbook.hosts,
    steps: {},
  };
  // The same count as validate and run: main steps, with finally and steady state apart.
  const count = describeCount(numberSteps(planSteps(runbook)));
  const out: string[] = [`${runbook.title} (${runbook.name}, ${runbook.file}): ${count}`];
  const hosts = Object.values(runbook.hosts);
  if (resolved && resolved.length > 0) out.push('', 'Hosts:', ...hostLines(resolved));
  else if (hosts.length > 0) {
    out.push('', 'Hosts:');
    for (const h of hosts)
      out.push(`  ${h.name}: ${h.user ? `${h.user}@` : ''}${h.host}${h.port ? `:${h.port}` : ''}`);
  }
  if (hosts.length > 0) out.push(...groupLines(runbook));
  for (const block of settingsBlocks(actions)) {
    const filled = fillKnown(runbook.settings[block.key] ?? {}, scope, [], false) as Record<string, string>;
    const line = block.planLine?.(filled);
    if (line !== undefined) out.push('', line);
  }
  if (runbook.secrets.length > 0)
    out.push('', `Secrets (from the environment, redacted): ${runbook.secrets.join(', ')}`);
  let n = 0;
  const section = (title: string, steps: Step[], depth = 0) => {
    if (steps.length === 0) return;
    // Each section is numbered from 1, as run numbers steps: finally 1/2 is "1." under Finally.
    if (depth === 0) {
      out.push('', `${title}:`);
      n = 0;
    }
    for (const s of steps) {
      const pad = '  '.repeat(depth + 1);
      out.push(`${pad}${depth === 0 ? `${++n}. ` : '- '}${s.name} [${s.id}]`);
      out.push(`${pad}   ${describe(actions, s, scope)}`);
      const onHosts = stepHostsLine(actions, runbook, s);
      if (onHosts) out.push(`${pad}   ${onHosts}`);
      const extras: string[] = [`timeout ${formatDuration(s.timeout)}`];
      if (s.retries > 0)
        extras.push(`retries ${s.retries} (delay ${formatDuration(s.retryDelay)}, doubling)`);
      if (s.continueOnError) extras.push('continue on error');
      if (s.leaveRunning) extras.push('leaves processes it starts outside its group running');
      if (s.kind === 'action' && s.background)
        extras.push('runs in the background (later steps start at once)');
      if (s.kind === 'action' && s.await) extras.push(`first awaits ${s.await}`);
      if (s.when) extras.push(`when ${s.when}`);
      if (s.save) extras.push(`saves vars.${s.save}`);
      out.push(`${pad}   ${extras.join(', ')}`);
      if (s.confirm)
        out.push(
          `${pad}   GATE: ${s.confirm.message}${s.confirm.phrase ? ` (type "${s.confirm.phrase}")` : ''}${s.confirm.timeout ? ` (decide within ${formatDuration(s.confirm.timeout)}, then ${s.confirm.onTimeout})` : ''}`,
        );
      if (s.undo) out.push(`${pad}   undo: ${displaySummary(actions, s.undo.type, s.undo.config, scope)}`);
      if (s.kind === 'parallel') section('', s.steps, depth + 1);
    }
  };
  section('Steady state (checked before and after)', runbook.steadyState);
  if (runbook.stopWhen.probes.length > 0)
    section(
      `Stop when any fails (polled every ${formatDuration(runbook.stopWhen.interval)})`,
      runbook.stopWhen.probes,
    );
  section('Steps', runbook.steps);
  section('Finally (always run)', runbook.finally);
  out.push(...measureLines(runbook));
  // Each entry is one line of the plan: a value's newline or escape sequence is shown as
  // `\n`/`\u001B`, so a value can neither forge a line of the plan nor drive the terminal.
  // Masked first, so a secret holding such a character is still found.
  return `${out.map((line) => escapeUnsafe(redact(line))).join('\n')}\n`;
}

function describe(actions: ActionRegistry, step: Step, scope: TemplateScope): string {
  if (step.kind === 'parallel') return `parallel (${step.failFast ? 'fail fast' : 'wait for all'})`;
  return displaySummary(actions, step.action.type, step.action.config, scope);
}

/** `plan --json`: the runbook and, for each host, how it will be reached (see PlannedHost). */
function planJson(actions: ActionRegistry, runbook: Runbook, hosts: PlannedHost[]): string {
  const steps = (phase: string, list: Step[]) =>
    list.map((s) => {
      const hosts = stepHosts(actions, runbook, s);
      return { phase, id: s.id, name: s.name, ...(hosts ? { hosts } : {}) };
    });
  const plan = {
    runbook: runbook.name,
    title: runbook.title,
    file: runbook.file,
    hosts,
    groups: runbook.hostGroups,
    steps: [
      ...steps('steady_state', runbook.steadyState),
      ...steps('steps', runbook.steps),
      ...steps('finally', runbook.finally),
    ],
  };
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/** `Measures:` and one line per measure: what is timed and its objective (none: no lines). */
function measureLines(runbook: Runbook): string[] {
  if (runbook.measures.length === 0) return [];
  return [
    '',
    'Measures:',
    ...runbook.measures.map(
      (m) =>
        `  ${m.name}: ${refText(m.from)} -> ${refText(m.to)}${m.max === undefined ? '' : ` (max ${writeDuration(m.max)}: slower or not measured fails the drill)`}`,
    ),
  ];
}
