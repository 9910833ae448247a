/**
 * While Ink owns the screen, anything else writing to stderr (a library warning, a
 * forgotten console.log) would land in the middle of the frame and garble it. Route those
 * writes into the TUI's bounded messages area instead, and put everything back on exit.
 */
export function captureStrayOutput(onLine: (text: string) => void): () => void {
  const stderr = process.stderr;
  const originalWrite = stderr.write;
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originalConsole = methods.map((m) => console[m]);
  let partial = '';
  const take = (text: string) => {
    const lines = (partial + text).split('\n');
    partial = (lines.pop() ?? '').slice(-1000);
    for (const line of lines) if (line.trim() !== '') onLine(line);
  };
  stderr.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    take(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString());
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as typeof stderr.write;
  for (const m of methods) {
    console[m] = (...args: unknown[]) => take(`${args.map(format).join(' ')}\n`);
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    stderr.write = originalWrite;
    methods.forEach((m, i) => {
      console[m] = originalConsole[i]!;
    });
    if (partial.trim() !== '') onLine(partial);
  };
}

function format(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
