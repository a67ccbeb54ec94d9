/**
 * A full garbage collection on every runtime the benchmarks run on, or a loud failure when the runtime was started
 * without one: a heap check or a "GC before each round" mode that silently skips the collection measures nothing.
 *
 * - Node: `--expose-gc` puts `gc()` on the global object.
 * - Deno: `--v8-flags=--expose-gc` does the same.
 * - Bun: `Bun.gc(true)` runs a synchronous full collection (always available).
 *
 * @module
 */
import process from "node:process";

type Collector = () => void;

interface GcGlobals {
  gc?: (options?: unknown) => void;
  Bun?: { gc?: (force: boolean) => void };
  Deno?: unknown;
}

function findCollector(): Collector | undefined {
  const g = globalThis as GcGlobals;
  const bunGc = g.Bun?.gc;
  if (typeof bunGc === "function") return () => bunGc(true);
  const gc = g.gc;
  if (typeof gc === "function") return () => gc();
  return undefined;
}

/** The flag that exposes a full GC on the current runtime (for error messages and the runner). */
function gcFlagHint(): string {
  const g = globalThis as GcGlobals;
  if (g.Bun !== undefined) return "Bun.gc(true) (built in)";
  if (g.Deno !== undefined) return "deno run --v8-flags=--expose-gc";
  return "node --expose-gc";
}

let collector: Collector | undefined;

/**
 * Throws when this runtime cannot force a full GC (started without the flag `gcFlagHint()` names). Call it once at
 * start-up, so a misconfigured run fails before it measures anything.
 */
export function requireGc(): void {
  collector ??= findCollector();
  if (collector === undefined) {
    throw new Error(`no full GC available on this runtime: start it with ${gcFlagHint()}`);
  }
}

/** Runs a full, synchronous garbage collection; throws when the runtime offers none (see {@link requireGc}). */
export function fullGc(): void {
  requireGc();
  (collector as Collector)();
}

/** Bytes of JavaScript heap in use (after {@link fullGc} when comparing). */
export function heapUsed(): number {
  return process.memoryUsage().heapUsed;
}
