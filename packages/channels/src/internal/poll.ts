/**
 * The fast path of `select` and `prepareSelect().run()`: the first reader with a value wins, without a plan
 * check, a clock or an allocation.
 *
 * `NO_VALUE`, `Ok` and `Err` are read here through module-local constants, not through the imports: in this
 * per-value loop that measured 5% or more faster on Node 24 and Deno (benchmarks/README.md, "Kept instances and the
 * select aliases"). This is the package's only such alias; it can go when that A/B, run idle, shows no gain.
 *
 * @internal
 * @module
 */
import { Err, err, fromThrown, Ok, type Result } from "@pipe/result";
import { NO_VALUE } from "../channel-types.ts";
import { settleOutput } from "./invoke.ts";
import type { WatchableReader } from "./protocol.ts";

const NONE = NO_VALUE;
const OkClass = Ok;
const ErrClass = Err;

/**
 * Reads one value from the first of `sources` that has one and returns what its continuation (`runs[i]`)
 * gives: the Result, a Promise of one, or a failure for a throw. A completed-with-error source on the way
 * returns its error; `undefined` means no source was ready (nothing was read).
 */
export function pollFirstReady<R>(
  sources: readonly WatchableReader[],
  runs: readonly ((value: unknown) => unknown)[],
): Result<R> | Promise<Result<R>> | undefined {
  for (let i = 0; i < sources.length; i++) {
    const source = sources[i] as WatchableReader;
    const value = source.tryRead();
    if (value !== NONE) {
      let out: unknown;
      try {
        out = (runs[i] as (value: unknown) => unknown)(value);
      } catch (error) {
        return err<R>(fromThrown(error));
      }
      if (out instanceof OkClass || out instanceof ErrClass) return out as Result<R>;
      return settleOutput<R>(out);
    }
    const status = source.pipeStatus();
    if (status !== undefined && status !== null) return err<R>(status);
  }
  return undefined;
}
