import { closeSync, fsync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
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
 *
 * Lines are written synchronously (so a killed drillbook never loses one), but the fsync
 * runs on the thread pool and requests made while one is running are merged into one more:
 * a synchronous fsync per step end cost 4-10 ms of blocked event loop on a busy disk, which
 * was a third of drillbook's own cost per short step. The last fsync and the close wait for
 * a running one; close() is synchronous when none is running.
 */
export class Journal {
  private readonly fd: number;
  private readonly output = new Map<
    string,
    { bytes: number; dropped: number; tail: string[]; tailBytes: number }
  >();
  readonly path: string;
  /** An fsync is running on the thread pool. */
  private syncing = false;
  /** Another fsync was asked for while one was running. */
  private syncAgain = false;
  /** close() was called while an fsync was running: close when it is done. */
  private closing = false;
  private closed = false;

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
      this.sync();
  }

  private sync(): void {
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    fsync(this.fd, () => {
      this.syncing = false;
      if (this.closing) this.closeNow();
      else if (this.syncAgain) {
        this.syncAgain = false;
        this.sync();
      }
    });
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
    if (this.syncing) this.closing = true;
    else this.closeNow();
  }

  private closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      fsyncSync(this.fd);
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }
}
