import { chmodSync, closeSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EngineEvent, EventListener } from './events.js';
import { makeDirs, type WriteFault, writeFault } from './fs-fault.js';
import { openPrivateFile, PRIVATE_DIR_MODE } from './private-files.js';

/**
 * Output kept per step. The journal keeps only a head and a tail; this copy exists so `o` in
 * the TUI can page through everything a step printed, and the cap keeps a step that prints
 * forever from filling the disk the journal needs.
 */
export const SPOOL_CAP_BYTES = 64 * 1024 * 1024;

/** The write the spool makes once a file is open; tests pass one that fails like a dying disk. */
export interface SpoolFs {
  writeSync(fd: number, text: string): number;
}

const nodeFs: SpoolFs = { writeSync: (fd, text) => writeSync(fd, text) };

export interface SpoolOptions {
  /** Called once, at the first write that fails; nothing is spooled after it. */
  onFault?(fault: WriteFault): void;
  fs?: SpoolFs;
  capBytes?: number;
}

interface StepFile {
  fd: number;
  path: string;
  bytes: number;
  /** Bytes past the cap, told in one line when the step ends. */
  dropped: number;
}

/**
 * Writes each step's output, redacted as every listener receives it, to
 * `<run-dir>/output/<n>-<step-id>.log` (0600; n counts steps in the order they first
 * printed). One write per output event: the engine already batches output (up to 64 KiB),
 * so this adds no per-line cost. Like the journal, a failed write never throws into the
 * engine: the first fault is kept and told once, and spooling stops. Unlike the journal's,
 * it does not stop the drill: the journal, not this copy, is the run's record.
 */
export class OutputSpool {
  readonly dir: string;
  private readonly files = new Map<string, StepFile>();
  private readonly fs: SpoolFs;
  private readonly cap: number;
  fault: WriteFault | undefined;

  constructor(
    runDir: string,
    private readonly options: SpoolOptions = {},
  ) {
    this.dir = join(runDir, 'output');
    this.fs = options.fs ?? nodeFs;
    this.cap = options.capBytes ?? SPOOL_CAP_BYTES;
  }

  readonly listener: EventListener = (event) => this.write(event);

  write(event: EngineEvent): void {
    if (this.fault) return;
    if (event.type === 'output') this.append(event.stepId, withLabel(event.text, event.label));
    else if (event.type === 'step-end') this.noteTruncation(event.stepId);
  }

  /** The file holding a step's output so far; undefined when it printed nothing. */
  pathFor(stepId: string): string | undefined {
    return this.files.get(stepId)?.path;
  }

  close(): void {
    for (const id of this.files.keys()) this.noteTruncation(id);
    for (const file of this.files.values()) {
      try {
        closeSync(file.fd);
      } catch {
        // Already closed.
      }
    }
  }

  private append(stepId: string, text: string): void {
    if (text === '') return;
    const file = this.files.get(stepId) ?? this.open(stepId);
    if (!file) return;
    const size = Buffer.byteLength(text);
    // Past the cap nothing more is kept, not even a chunk that would fit: the file stays a
    // prefix of what the step printed.
    if (file.dropped > 0 || file.bytes + size > this.cap) {
      const kept = file.dropped > 0 ? '' : utf8Prefix(text, this.cap - file.bytes);
      file.dropped += size - Buffer.byteLength(kept);
      text = kept;
      if (text === '') return;
    }
    if (this.put(file, text)) file.bytes += Buffer.byteLength(text);
  }

  private open(stepId: string): StepFile | undefined {
    const name = `${this.files.size + 1}-${stepId.replace(/[^A-Za-z0-9._-]/g, '_')}.log`;
    const path = join(this.dir, name);
    try {
      if (this.files.size === 0) {
        makeDirs(this.dir, PRIVATE_DIR_MODE);
        chmodSync(this.dir, PRIVATE_DIR_MODE);
      }
      const file = { fd: openPrivateFile(path, 'a'), path, bytes: 0, dropped: 0 };
      this.files.set(stepId, file);
      return file;
    } catch (error) {
      this.fail(path, error);
      return undefined;
    }
  }

  private noteTruncation(stepId: string): void {
    const file = this.files.get(stepId);
    if (!file || file.dropped === 0 || this.fault) return;
    this.put(file, `\n[truncated: ${file.dropped} bytes not kept]\n`);
    file.dropped = 0;
  }

  private put(file: StepFile, text: string): boolean {
    try {
      const wanted = Buffer.byteLength(text);
      const written = this.fs.writeSync(file.fd, text);
      if (written < wanted)
        throw Object.assign(new Error(`short write (${written} of ${wanted} bytes)`), { code: 'ENOSPC' });
      return true;
    } catch (error) {
      this.fail(file.path, error);
      return false;
    }
  }

  private fail(path: string, error: unknown): void {
    if (this.fault) return;
    this.fault = writeFault('step output copy', path, error);
    this.options.onFault?.(this.fault);
  }
}

/** ssh fan-out output carries its host, as the console shows it: `[web1] line`. */
function withLabel(text: string, label: string | undefined): string {
  if (!label) return text;
  return text.replace(/^(?=.)/gm, `[${label}] `);
}

/** The longest start of `text` that fits in `bytes` of UTF-8, cut between characters. */
function utf8Prefix(text: string, bytes: number): string {
  const encoded = Buffer.from(text);
  let end = Math.max(0, bytes);
  // A UTF-8 continuation byte (10xxxxxx) is inside a character: step back to its start.
  while (end > 0 && end < encoded.length && ((encoded[end] ?? 0) & 0xc0) === 0x80) end--;
  return encoded.subarray(0, end).toString();
}
