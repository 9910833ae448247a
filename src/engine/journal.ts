import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent, EventListener } from './events.js';

/** Output kept in the journal per step: the head as events, then a tail at step end. */
const HEAD_BYTES = 256 * 1024;
const TAIL_BYTES = 256 * 1024;

/** Settings of the run that `resume` needs to continue it the same way. */
export interface RunMeta {
  runbook: string;
  digest: string;
  vars: Record<string, string>;
  rollback: string;
  acceptNewHostKeys: boolean;
  only?: string[];
  from?: string;
  skip?: string[];
}

export function runDirFor(base: string, runId: string, name: string): string {
  return join(base, '.drillbook', 'runs', `${runId}-${name}`);
}

/**
 * Appends every event as one complete JSON line and fsyncs at step ends, gate decisions
 * and the run's end, so a `kill -9` at any moment leaves a journal that `resume` and
 * `report` accept (at worst the last line is cut, and readers drop it). Output beyond a
 * per-step head is not journalled line by line: a bounded tail and the count of dropped
 * bytes go into the step-end line.
 */
export class Journal {
  private readonly fd: number;
  private readonly output = new Map<
    string,
    { bytes: number; dropped: number; tail: string[]; tailBytes: number }
  >();
  readonly path: string;

  constructor(
    readonly dir: string,
    meta: RunMeta,
  ) {
    mkdirSync(dir, { recursive: true });
    const metaFd = openSync(join(dir, 'meta.json'), 'w', 0o600);
    writeSync(metaFd, `${JSON.stringify(meta, null, 2)}\n`);
    fsyncSync(metaFd);
    closeSync(metaFd);
    this.path = join(dir, 'journal.jsonl');
    this.fd = openSync(this.path, 'a', 0o600);
  }

  readonly listener: EventListener = (event) => this.write(event);

  write(event: EngineEvent): void {
    if (event.type === 'output') {
      if (!this.keepOutput(event.stepId, event.text)) return;
    } else if (event.type === 'step-end') {
      const out = this.output.get(event.stepId);
      this.output.delete(event.stepId);
      if (out && out.tail.length > 0)
        event = { ...event, outputDropped: out.dropped - out.tailBytes, outputTail: out.tail.join('') };
    }
    writeSync(this.fd, `${JSON.stringify(event)}\n`);
    if (
      event.type === 'step-end' ||
      event.type === 'gate-decision' ||
      event.type === 'run-end' ||
      event.type === 'run-start'
    )
      fsyncSync(this.fd);
  }

  /** True when the chunk goes into the journal as is; false when it went to the tail. */
  private keepOutput(stepId: string, text: string): boolean {
    let out = this.output.get(stepId);
    if (!out) {
      out = { bytes: 0, dropped: 0, tail: [], tailBytes: 0 };
      this.output.set(stepId, out);
    }
    if (out.bytes + text.length <= HEAD_BYTES) {
      out.bytes += text.length;
      return true;
    }
    out.tail.push(text);
    out.tailBytes += text.length;
    out.dropped += text.length;
    while (out.tailBytes - (out.tail[0]?.length ?? 0) >= TAIL_BYTES) {
      out.tailBytes -= out.tail.shift()?.length ?? 0;
    }
    return false;
  }

  close(): void {
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }
}
