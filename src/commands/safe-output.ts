/**
 * The console streams of a drill, with failed writes dropped: a full disk under
 * `drillbook run ... > log`, a log pipe that died, `| head -1`. Redirected to a file, stdout
 * writes synchronously and a full disk threw ENOSPC out of the console reporter: exit 70,
 * rollback, finally and the reports never ran. The console is only a view; the journal and
 * the reports are the record, so after the first failure the stream is written no more.
 */
export function droppingFailures<T extends { write(text: string): unknown }>(stream: T): T {
  let lost = false;
  const withOn = stream as unknown as { on?: (event: string, listener: () => void) => void };
  // A failed asynchronous write (a pipe) arrives as an 'error' event; unheard, it would crash.
  if (typeof withOn.on === 'function') withOn.on.call(stream, 'error', () => (lost = true));
  const write = (text: string): boolean => {
    if (lost) return true;
    try {
      stream.write(text);
    } catch {
      lost = true;
    }
    return true;
  };
  return new Proxy(stream, {
    get(target, key) {
      if (key === 'write') return write;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
