import { StringDecoder } from 'node:string_decoder';
import type { Client } from 'ssh2';
import { REMOTE_KILL_GRACE_S } from './command.js';

export interface ExecResult {
  code: number | null;
  signal: string | null;
  /** Stopped because the step's signal aborted (timeout, stop condition, Ctrl-C). */
  aborted: boolean;
  /** The channel closed without an exit status: the connection (or sshd) went away. */
  dropped: boolean;
}

export interface ExecOptions {
  signal: AbortSignal;
  /** Written to the command's stdin once the channel is open; stdin stays open after it. */
  input?: Buffer;
  onStdout(text: string): void;
  onStderr(text: string): void;
}

/**
 * Runs one command on an open connection, streaming output as it arrives (nothing is
 * accumulated, so output size does not matter). On abort: SIGTERM to the remote command and
 * EOF to its watchdog (TERM, then KILL after a grace period), then the channel is closed and
 * the promise settles without waiting longer for the server.
 */
export function execCommand(client: Client, command: string, options: ExecOptions): Promise<ExecResult> {
  const { signal } = options;
  return new Promise((resolve, reject) => {
    const abortedEarly = { code: null, signal: null, aborted: true, dropped: false };
    if (signal.aborted) return resolve(abortedEarly);
    // A half-dead connection may never answer the channel open: abort must still return.
    const onEarlyAbort = () => resolve(abortedEarly);
    signal.addEventListener('abort', onEarlyAbort, { once: true });
    client.exec(command, (error, stream) => {
      signal.removeEventListener('abort', onEarlyAbort);
      if (signal.aborted) {
        stream?.close();
        return resolve(abortedEarly);
      }
      if (error) return reject(error);
      const out = new StringDecoder('utf8');
      const err = new StringDecoder('utf8');
      let code: number | null = null;
      let exitSignal: string | null = null;
      let exited = false;
      let aborted = false;
      let settled = false;
      const timers: NodeJS.Timeout[] = [];
      const finish = () => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        for (const t of timers) clearTimeout(t);
        emit(options.onStdout, out.end());
        emit(options.onStderr, err.end());
        // OpenSSH always sends exit-status or exit-signal before closing a session channel.
        resolve({ code, signal: exitSignal, aborted, dropped: !exited && !aborted });
      };
      const onAbort = () => {
        aborted = true;
        // Where sshd allows it, signal the command directly; EOF on stdin then wakes the
        // remote watchdog (see remoteCommand), which works where signals are refused.
        stream.signal('TERM');
        stream.end();
        const grace = REMOTE_KILL_GRACE_S * 1000;
        timers.push(
          setTimeout(() => stream.close(), grace + 500),
          // A server that never closes the channel must not hold the step.
          setTimeout(finish, grace + 1500),
        );
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (options.input) stream.write(options.input);
      stream.on('data', (b: Buffer) => emit(options.onStdout, out.write(b)));
      stream.stderr.on('data', (b: Buffer) => emit(options.onStderr, err.write(b)));
      stream.on('exit', (c: number | null, s?: string) => {
        exited = true;
        code = c;
        exitSignal = s ? (s.startsWith('SIG') ? s : `SIG${s}`) : null;
      });
      stream.once('close', finish);
    });
  });
}

function emit(sink: (text: string) => void, text: string): void {
  if (text.length > 0) sink(text);
}
