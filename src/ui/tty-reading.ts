/** The parts of Node's internal tty handle used here. */
interface TtyHandle {
  readStop?(): unknown;
  readStart?(): unknown;
  setBlocking?(blocking: boolean): unknown;
}

/**
 * Stops Node reading a terminal while another program (the pager) owns it, so the keys
 * typed there reach that program and not the TUI. `stdin.pause()` is not enough: Node's
 * tty stream keeps its libuv handle reading (and swallowing keys) after pause; only
 * `readStop()` on the handle stops it. That handle is internal, hence the guard: a stream
 * without it (a test's fake stdin) is left alone. Returns the function that resumes reading.
 */
export function stopReading(stdin: NodeJS.ReadStream): () => void {
  const handle = (stdin as unknown as { _handle?: TtyHandle })._handle;
  if (typeof handle?.readStop !== 'function' || typeof handle.readStart !== 'function')
    return () => undefined;
  const readStart = handle.readStart;
  handle.readStop();
  // Ink re-renders while the pager runs (a clock tick) and its input hook may resume the
  // stream, which calls readStart and would steal the pager's next key (a lost Enter left
  // the pager waiting). Until reading resumes here, a start asked for by anyone is a no-op.
  handle.readStart = () => 0;
  return () => {
    handle.readStart = readStart;
    // A pager that shared the terminal's open file (no /dev/tty, see pager.ts) may leave it
    // in blocking mode, where libuv's next read() would never return and freeze the TUI.
    handle.setBlocking?.(false);
    readStart.call(handle);
  };
}
