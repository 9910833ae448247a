import { basename, extname } from 'node:path';
import { renderRefusalJunit } from '../report/refusal-junit.js';
import { writeReportFile } from '../report/write-file.js';
import type { CommandIo } from './io.js';

/** What stderr said, bounded: a refusal lists at most 50 problems, but never trust that. */
const MAX_REASON_CHARS = 64 * 1024;

/** The command's io with stderr also kept, so a refused run can say in JUnit what it printed. */
export function keepingStderr(io: CommandIo): { io: CommandIo; said: () => string } {
  let kept = '';
  const stderr = {
    write(text: string): unknown {
      if (kept.length < MAX_REASON_CHARS) kept += String(text).slice(0, MAX_REASON_CHARS - kept.length);
      return io.stderr.write(text);
    },
  };
  return { io: { ...io, stderr }, said: () => kept };
}

/** A runbook's suite name before (or without) loading it: its file name without extension. */
export function suiteNameOf(file: string): string {
  return basename(file, extname(file)) || 'drillbook';
}

/**
 * Writes the one-testcase JUnit of a run that never started over the `--junit` path, so a
 * report left by an earlier build is never published as this one's. A write that fails is
 * said on stderr; the exit code stays what it was.
 */
export async function writeRefusalJunit(
  io: CommandIo,
  junit: string,
  refusal: { suite: string; reason: string; exitCode: number },
): Promise<void> {
  // As the drill's own reports are: the path as given.
  const path = junit;
  try {
    await writeReportFile(path, renderRefusalJunit({ ...refusal, time: Date.now() }));
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    io.stderr.write(`drillbook: not written: JUnit ${path}: ${why}\n`);
  }
}
