import { closeSync, fsync, fsyncSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TailText } from './bounded-text.js';
import type { EngineEvent, EventListener } from './events.js';
import { faultLine, type WriteFault, writeFault } from './fs-fault.js';
import { JOURNAL_FORMAT } from './journal-shape.js';
import { makePrivateRunDir, openPrivateFile } from './private-files.js';
import type { RecordedSettings } from './run-settings.js';
import type { SealedValue } from './sealed.js';

/** Output kept in the journal per step: the head as events, then a tail at step end. */
const HEAD_BYTES = 256 * 1024;
const TAIL_BYTES = 256 * 1024;
/** Step ends within this window share one fsync. */
const SYNC_INTERVAL_MS = 1000;

/** Settings of the run that `resume` needs to continue it the same way. */
export interface RunMeta extends RecordedSettings {
  /** The journal format (journal-shape.ts); absent in runs recorded before it was written. */
  format?: number;
  runbook: string;
  digest: string;
  /** --var values, redacted. */
  vars: Record<string, string>;
  /** The --var values that held a secret, with the secret as its name (see sealed.ts). */
  secretVars?: Record<string, SealedValue>;
}

/**
 * The file calls the journal makes after it is open. Tests pass one that fails like a dying
 * disk (EIO) where no real filesystem can be made to.
 */
export interface JournalFs {
  writeSync(fd: number, text: string): number;
  fsync(fd: number, done: (error: NodeJS.ErrnoException | null) => void): void;
}

const nodeFs: JournalFs = { writeSync: (fd, text) => writeSync(fd, text), fsync };

export interface JournalOptions {
  /** Called once, at the first write or fsync that fails; later events are not journalled. */
  onFault?(fault: WriteFault): void;
  fs?: JournalFs;
  /**
   * Append to the journal of an earlier run (`drillbook finally`), leaving its meta.json as
   * the run wrote it. The caller drops a line a kill cut short first (see journal-tail.ts).
   */
  append?: true;
}

/** The run directory or its meta.json could not be created: nothing has run yet. */
export class RunDirError extends Error {
  constructor(readonly fault: WriteFault) {
    super(faultLine(fault));
  }
}

export function runDirFor(base: string, runId: string, name: string): string {
  return join(base, '.drillbook', 'runs', `${runId}-${name}`);
}

/**
 * Appends every event as one complete JSON line, synchronously, so a killed drillbook
 * (`kill -9`, a crash) never loses a line: at worst the last line is cut, and readers drop it.
 * Output beyond a per-step head is not journalled line by line: a bounded tail and the count
 * of dropped bytes go into the step-end line.
 *
 * fsync (what survives a power cut or a kernel crash) runs on the thread pool, never blocking
 * the event loop. Gate decisions and the run's start and end are synced at once; step ends
 * are group-committed, at most one fsync per SYNC_INTERVAL_MS. An fsync per step end was
 * measured at ~1 ms of a short step's cost (500 steps of `true`: 0.5 s of ~5 s), and even
 * one per 200 ms still cost 0.2 s there (an fsync stalls the writes around it on ext4). So
 * after a power cut, resume may re-run the steps of the last second. close() syncs.
 *
 * A write or fsync that fails (disk full, read-only remount, EIO) never throws into the
 * engine: the journal stops writing, keeps the first fault and tells `onFault`, and the
 * command decides what the drill does about it (it stops starting steps). A short write
 * counts as a fault too: the cut line it leaves is the last one, which readers drop.
 */
export class Journal {
  private readonly fd: number;
  /** Per step: characters journalled as output events, then the tail of the rest. */
  private readonly output = new Map<string, { journalled: number; beyond: number; tail: TailText }>();
  readonly path: string;
  /** An fsync is running on the thread pool. */
  private syncing = false;
  /** Another fsync was asked for while one was running. */
  private syncAgain = false;
  /** When the last fsync started (ms since the epoch). */
  private lastSync = 0;
  /** A group-commit fsync is waiting for the window to end. */
  private syncTimer: NodeJS.Timeout | undefined;
  /** close() was called while an fsync was running: close when it is done. */
  private closing = false;
  private closed = false;
  /** The first write that failed; nothing is written after it. */
  fault: WriteFault | undefined;
  private readonly fs: JournalFs;

  /** Throws RunDirError when the directory, meta.json or the journal cannot be created. */
  constructor(
    readonly dir: string,
    meta: RunMeta,
    private readonly options: JournalOptions = {},
  ) {
    this.fs = options.fs ?? nodeFs;
    this.path = join(dir, 'journal.jsonl');
    let step = { what: 'run directory', path: dir };
    try {
      makePrivateRunDir(dir);
      if (!options.append) {
        step = { what: 'run record', path: join(dir, 'meta.json') };
        writeMeta(step.path, meta);
      }
      step = { what: 'journal', path: this.path };
      this.fd = openPrivateFile(this.path, 'a');
    } catch (error) {
      throw new RunDirError(writeFault(step.what, step.path, error));
    }
  }

  readonly listener: EventListener = (event) => this.write(event);

  write(event: EngineEvent): void {
    if (event.type === 'output') {
      if (!this.keepOutput(event.stepId, event.text)) return;
    } else if (event.type === 'step-end') {
      const out = this.output.get(event.stepId);
      this.output.delete(event.stepId);
      if (out && out.beyond > 0) {
        const outputTail = out.tail.text();
        event = { ...event, outputDropped: out.beyond - outputTail.length, outputTail };
      }
    }
    if (this.fault) return;
    try {
      writeFully(this.fd, `${JSON.stringify(event)}\n`, this.fs.writeSync);
    } catch (error) {
      this.fail(error);
      return;
    }
    if (event.type === 'gate-decision' || event.type === 'run-end' || event.type === 'run-start') this.sync();
    else if (event.type === 'step-end') this.syncSoon();
  }

  /** fsync now if the last one is older than the window, else once the window ends. */
  private syncSoon(): void {
    if (this.syncTimer || this.closed) return;
    const wait = this.lastSync + SYNC_INTERVAL_MS - Date.now();
    if (wait <= 0) {
      this.sync();
      return;
    }
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      this.sync();
    }, wait);
    // Never keeps drillbook alive: close() syncs what is left.
    this.syncTimer.unref();
  }

  private sync(): void {
    if (this.closed || this.closing) return;
    if (this.syncing) {
      this.syncAgain = true;
      return;
    }
    this.syncing = true;
    this.lastSync = Date.now();
    this.fs.fsync(this.fd, (error) => {
      this.syncing = false;
      if (error) this.fail(error);
      if (this.closing) this.closeNow();
      else if (this.syncAgain) {
        this.syncAgain = false;
        this.sync();
      }
    });
  }

  private fail(error: unknown): void {
    if (this.fault) return;
    this.fault = writeFault('journal', this.path, error);
    this.options.onFault?.(this.fault);
  }

  /** True when the chunk goes into the journal as is; false when it went to the tail. */
  private keepOutput(stepId: string, text: string): boolean {
    let out = this.output.get(stepId);
    if (!out) {
      out = { journalled: 0, beyond: 0, tail: new TailText(TAIL_BYTES) };
      this.output.set(stepId, out);
    }
    if (out.beyond === 0 && out.journalled + text.length <= HEAD_BYTES) {
      out.journalled += text.length;
      return true;
    }
    out.beyond += text.length;
    out.tail.push(text);
    return false;
  }

  close(): void {
    clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (this.syncing) this.closing = true;
    else this.closeNow();
  }

  private closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!this.fault) fsyncSync(this.fd);
    } catch (error) {
      this.fail(error);
    }
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }
}

function writeMeta(path: string, meta: RunMeta): void {
  const metaFd = openPrivateFile(path, 'w');
  try {
    // `format` first, so a future drillbook's reader can refuse before it misreads.
    const record = { format: JOURNAL_FORMAT, ...meta };
    writeFully(metaFd, `${JSON.stringify(record, null, 2)}\n`, writeSync);
    fsyncSync(metaFd);
  } finally {
    closeSync(metaFd);
  }
}

/** writeSync writes at most what fits: a disk filling up shows as a short write first. */
function writeFully(fd: number, text: string, write: (fd: number, text: string) => number): void {
  const wanted = Buffer.byteLength(text);
  const written = write(fd, text);
  if (written < wanted)
    throw Object.assign(new Error(`short write (${written} of ${wanted} bytes)`), { code: 'ENOSPC' });
}
