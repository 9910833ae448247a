/**
 * ssh2 is CommonJS and heavy: loaded on first connect, never at startup (validate and plan
 * must stay fast). Node's named-export detection misses some of its exports (`utils`), so
 * take the module object from `default` when there is one.
 */
export async function loadSsh2(): Promise<typeof import('ssh2')> {
  const mod = await import('ssh2');
  return (mod as { default?: typeof import('ssh2') }).default ?? mod;
}
