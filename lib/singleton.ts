/**
 * One instance per process, whatever loads the module: Next.js may evaluate a module once per
 * route bundle and again on every dev reload, so process-wide state (the Prisma client, caches,
 * worker pools) is kept on globalThis under a name.
 */
const store = globalThis as unknown as { keyholeSingletons?: Map<string, unknown> };

function singletons(): Map<string, unknown> {
  store.keyholeSingletons ??= new Map();
  return store.keyholeSingletons;
}

export function singleton<T>(name: string, create: () => T): T {
  const all = singletons();
  if (!all.has(name)) all.set(name, create());
  return all.get(name) as T;
}

/** The instances created so far (tests close them, or drop them to act as a new process). */
export function existingSingletons(): Map<string, unknown> {
  return singletons();
}
