import type { ChannelReader, ChannelWriter } from "../src/index.ts";

interface Internals {
  parked: number;
  readers: { size: number };
  readWatchers: { size: number };
  writeWatchers: { size: number };
  writers?: { size: number };
  lanes?: { writers: { size: number } }[];
}

/**
 * Total parked waiters/watchers on a channel made by this package (reads private state). Throws when the
 * channel's own `parked` count, which its hot paths trust to skip the lists, disagrees with the lists.
 */
export function parked(half: ChannelReader<unknown> | ChannelWriter<unknown>): number {
  const c = half as unknown as Internals;
  let n = c.readers.size + c.readWatchers.size + c.writeWatchers.size + (c.writers?.size ?? 0);
  for (const lane of c.lanes ?? []) n += lane.writers.size;
  if (c.parked !== n) throw new Error(`the channel counts ${c.parked} parked waiters, its lists hold ${n}`);
  return n;
}

/** An AbortSignal whose listener count can be observed. */
export function trackedSignal(): {
  controller: AbortController;
  signal: AbortSignal;
  listeners: () => number;
} {
  const controller = new AbortController();
  const signal = controller.signal;
  let count = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  const seen = new Set<unknown>();
  signal.addEventListener = ((type: string, listener: unknown, options?: unknown) => {
    if (type === "abort" && !seen.has(listener)) {
      seen.add(listener);
      count++;
    }
    add(type, listener as EventListener, options as AddEventListenerOptions);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: unknown, options?: unknown) => {
    if (type === "abort" && seen.delete(listener)) count--;
    remove(type, listener as EventListener, options as EventListenerOptions);
  }) as typeof signal.removeEventListener;
  return { controller, signal, listeners: () => count };
}

/** Lets pending microtasks run. */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/**
 * Runs `body` while errors rethrown from microtasks (a throwing user hook, reported by `reportHookError`) are
 * caught and collected instead of reaching the test runner as uncaught; returns them.
 */
export async function hookErrorsDuring(body: () => Promise<void> | void): Promise<unknown[]> {
  const errors: unknown[] = [];
  const original = globalThis.queueMicrotask;
  globalThis.queueMicrotask = (cb) =>
    original(() => {
      try {
        cb();
      } catch (e) {
        errors.push(e);
      }
    });
  try {
    await body();
  } finally {
    globalThis.queueMicrotask = original;
  }
  return errors;
}
