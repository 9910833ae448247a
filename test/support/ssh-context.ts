import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionContext } from '../../src/plugin/contract.js';
import type { HostSpec } from '../../src/runbook/model.js';
import type { Sshd } from './sshd.js';

export interface Chunk {
  stream: 'stdout' | 'stderr' | 'info';
  text: string;
  label: string | undefined;
}

export interface TestRun {
  ctx: ActionContext;
  chunks: Chunk[];
  /** Concatenated output of one stream (and one label, if given). */
  text(stream: Chunk['stream'], label?: string): string;
  /** Per-run resources, disposed like the engine does at run end. */
  close(): Promise<void>;
}

/**
 * A real ActionContext for driving actions without the engine: a temp HOME (so the real
 * ~/.ssh is never read), an output collector, run resources in a Map disposed on close.
 */
export function makeRun(options: {
  hosts: Record<string, Omit<HostSpec, 'name'>>;
  home: string;
  cwd?: string;
  signal?: AbortSignal;
  acceptNewHostKeys?: boolean;
  env?: Record<string, string>;
  /** Values the step's shell text refers to (see ActionContext.shellValues). */
  shellValues?: Record<string, string>;
  /** Keep every chunk (default); false counts bytes only, for huge outputs. */
  keep?: boolean;
  onChunk?(chunk: Chunk): void;
}): TestRun {
  const chunks: Chunk[] = [];
  const resources = new Map<string, { value: unknown; dispose?: (v: unknown) => Promise<void> | void }>();
  const hosts = Object.fromEntries(Object.entries(options.hosts).map(([name, h]) => [name, { ...h, name }]));
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: options.home,
    ...options.env,
  };
  const ctx: ActionContext = {
    signal: options.signal ?? new AbortController().signal,
    output(stream, text, label) {
      const chunk = { stream, text, label };
      options.onChunk?.(chunk);
      if (options.keep !== false) chunks.push(chunk);
    },
    runbookName: 'test',
    settings: {},
    stepId: 'test',
    hosts,
    hostGroups: {},
    env,
    shellValues: options.shellValues ?? {},
    cwd: options.cwd ?? options.home,
    resources: {
      get<T>(key: string, create: () => T, dispose?: (value: T) => Promise<void> | void): T {
        const existing = resources.get(key);
        if (existing) return existing.value as T;
        const value = create();
        resources.set(key, { value, ...(dispose ? { dispose: dispose as (v: unknown) => void } : {}) });
        return value;
      },
    },
    flags: { 'accept-new-host-keys': options.acceptNewHostKeys ?? false },
    probe() {
      throw new Error('probe is not available in ssh tests');
    },
  };
  return {
    ctx,
    chunks,
    text: (stream, label) =>
      chunks
        .filter((c) => c.stream === stream && (label === undefined || c.label === label))
        .map((c) => c.text)
        .join(''),
    async close() {
      for (const { value, dispose } of resources.values()) await dispose?.(value);
      resources.clear();
    },
  };
}

/** A temp HOME whose ~/.ssh/known_hosts holds the given lines (no config, no default keys). */
export function makeHome(knownHosts: string[] = []): { home: string; cleanup(): void } {
  const home = mkdtempSync(join(tmpdir(), 'drillbook-home-'));
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  writeFileSync(join(home, '.ssh', 'known_hosts'), knownHosts.map((l) => `${l}\n`).join(''));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

/** The runbook host entry for a test sshd. */
export function hostFor(sshd: Sshd): Omit<HostSpec, 'name'> {
  return { host: sshd.host, port: sshd.port, user: 'root', identityFile: sshd.clientKey };
}
