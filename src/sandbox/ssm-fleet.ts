import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { runScript, type ShellRun } from './ssm-shell.js';
import type { Colour } from './world.js';

/** A managed instance of the sandbox: its commands run on this machine, in a directory of its own. */
export interface FleetInstance {
  id: string;
  tags: Record<string, string>;
  /** The Bookstore colour it stands for: a stopped colour cannot be reached. */
  colour?: Colour;
}

/** The Bookstore hosts as SSM sees them (blue's id is the one runbooks/bookstore-stage4 names). */
export const DEFAULT_FLEET: readonly FleetInstance[] = [
  {
    id: 'i-0b1e000000000b1e0',
    tags: { Name: 'bookstore-api-blue', App: 'bookstore-api', Colour: 'blue' },
    colour: 'blue',
  },
  {
    id: 'i-06ee000000000ee60',
    tags: { Name: 'bookstore-api-green', App: 'bookstore-api', Colour: 'green' },
    colour: 'green',
  },
];

export type InvocationStatus =
  | 'Pending'
  | 'InProgress'
  | 'Success'
  | 'Failed'
  | 'TimedOut'
  | 'Cancelled'
  | 'Cancelling';

export interface Invocation {
  instance: FleetInstance;
  status: InvocationStatus;
  statusDetails: string;
  responseCode: number;
  startedAt?: Date;
  endedAt?: Date;
  stdout: string;
  stderr: string;
  run?: ShellRun;
}

/** A validated SendCommand, as the fleet runs it. */
export interface CommandRequest {
  documentName: string;
  lines: string[];
  parameters: Record<string, string[]>;
  workingDirectory?: string;
  executionTimeoutS: number;
  instances: FleetInstance[];
  /** How the caller named them, echoed back (InstanceIds or Targets). */
  instanceIds: string[];
  targets: Array<{ Key: string; Values: string[] }>;
  maxConcurrency: string;
  maxErrors: string;
  comment: string;
}

export interface SsmCommand extends CommandRequest {
  id: string;
  requestedAt: Date;
  invocations: Invocation[];
  cancelled: boolean;
  errors: number;
}

const TERMINAL: ReadonlySet<InvocationStatus> = new Set(['Success', 'Failed', 'TimedOut', 'Cancelled']);

export function invocationDone(i: Invocation): boolean {
  return TERMINAL.has(i.status);
}

/**
 * The sandbox's Run Command: starts invocations as MaxConcurrency allows, stops starting new
 * ones once more than MaxErrors failed (those left are Cancelled), and cancels on request
 * by killing each running script's process group.
 */
export class SsmFleet {
  readonly commands = new Map<string, SsmCommand>();
  private readonly root = mkdtempSync(join(tmpdir(), 'drillbook-sandbox-ssm-'));

  constructor(
    readonly instances: readonly FleetInstance[],
    private readonly host: {
      reachable(instance: FleetInstance): boolean;
      env(instance: FleetInstance): Record<string, string>;
    },
  ) {}

  send(request: CommandRequest): SsmCommand {
    const command: SsmCommand = {
      ...request,
      id: randomUUID(),
      requestedAt: new Date(),
      cancelled: false,
      errors: 0,
      invocations: request.instances.map((instance) => ({
        instance,
        status: 'Pending',
        statusDetails: 'Pending',
        responseCode: -1,
        stdout: '',
        stderr: '',
      })),
    };
    this.commands.set(command.id, command);
    this.pump(command);
    return command;
  }

  cancel(command: SsmCommand): void {
    command.cancelled = true;
    for (const i of command.invocations) {
      if (i.status === 'InProgress') {
        i.status = 'Cancelling';
        i.statusDetails = 'Cancelling';
        i.run?.kill();
      }
    }
    this.pump(command);
  }

  /** Kills every script still running and removes the instances' directories. */
  close(): void {
    for (const c of this.commands.values()) for (const i of c.invocations) i.run?.kill();
    rmSync(this.root, { recursive: true, force: true });
  }

  private pump(command: SsmCommand): void {
    const stopStarting =
      command.cancelled || command.errors > errorBudget(command.maxErrors, command.invocations.length);
    const slots = concurrencyLimit(command.maxConcurrency, command.invocations.length);
    for (const i of command.invocations) {
      if (i.status !== 'Pending') continue;
      if (stopStarting) {
        finish(i, 'Cancelled', 'Cancelled', -1);
        continue;
      }
      const running = command.invocations.filter(
        (x) => x.status === 'InProgress' || x.status === 'Cancelling',
      );
      if (running.length >= slots) break;
      this.start(command, i);
    }
  }

  private start(command: SsmCommand, i: Invocation): void {
    if (!this.host.reachable(i.instance)) {
      command.errors++;
      finish(i, 'Failed', 'Undeliverable', -1);
      return;
    }
    const home = join(this.root, i.instance.id);
    const wd = command.workingDirectory;
    // A working directory is taken inside the instance's own directory: the sandbox's
    // instances share this machine, and a drill must not reach its real paths through it.
    const cwd = wd ? join(home, isAbsolute(wd) ? wd.slice(1) : wd) : home;
    i.status = 'InProgress';
    i.statusDetails = 'InProgress';
    i.startedAt = new Date();
    const run = runScript({
      scriptDir: join(home, '.ssm', command.id),
      cwd,
      lines: command.lines,
      env: { ...this.host.env(i.instance), HOME: home },
    });
    i.run = run;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      run.kill();
    }, command.executionTimeoutS * 1000);
    timer.unref();
    void run.done.then((code) => {
      clearTimeout(timer);
      i.stdout = run.stdout.text;
      i.stderr = run.stderr.text;
      delete i.run;
      if (i.status === 'Cancelling') finish(i, 'Cancelled', 'Cancelled', -1);
      else if (timedOut) finish(i, 'TimedOut', 'Execution Timed Out', -1);
      else finish(i, code === 0 ? 'Success' : 'Failed', code === 0 ? 'Success' : 'Failed', code);
      if (i.status !== 'Success' && i.status !== 'Cancelled') command.errors++;
      this.pump(command);
    });
  }
}

function finish(i: Invocation, status: InvocationStatus, details: string, code: number): void {
  i.status = status;
  i.statusDetails = details;
  i.responseCode = code;
  i.endedAt = new Date();
}

/** MaxConcurrency `10` or `25%` of `total` targets: a share rounds up, and at least one runs. */
function concurrencyLimit(value: string, total: number): number {
  if (!value.endsWith('%')) return Math.max(1, Number(value));
  return Math.max(1, Math.ceil((total * Number(value.slice(0, -1))) / 100));
}

/** MaxErrors `2` or `10%` of `total` targets: a share rounds down (10% of 3 tolerates none). */
function errorBudget(value: string, total: number): number {
  if (!value.endsWith('%')) return Number(value);
  return Math.floor((total * Number(value.slice(0, -1))) / 100);
}

/** The command's own status, from its invocations (what ListCommands reports). */
export function commandStatus(c: SsmCommand): { status: string; details: string } {
  const open = c.invocations.filter((i) => !invocationDone(i));
  if (open.length > 0) {
    if (c.cancelled) return { status: 'Cancelling', details: 'Cancelling' };
    const started = c.invocations.some((i) => i.status !== 'Pending');
    return started
      ? { status: 'InProgress', details: 'In Progress' }
      : { status: 'Pending', details: 'Pending' };
  }
  if (c.cancelled) return { status: 'Cancelled', details: 'Cancelled' };
  if (c.invocations.every((i) => i.status === 'Success')) return { status: 'Success', details: 'Success' };
  return { status: 'Failed', details: c.errors > 0 ? 'Failed' : 'Incomplete' };
}
