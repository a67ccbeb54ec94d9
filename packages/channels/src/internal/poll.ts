/**
 * The fast path of `select` and `prepareSelect().run()`: the first reader with a value wins, without a plan
 * check, a clock or an allocation.
 *
 * @internal
 * @module
 */
import { Err, err, fromThrown, Ok, type Result } from "@pipe/result";
import { NO_VALUE } from "../channel-types.ts";
import { settleOutput } from "./invoke.ts";
import type { WatchableReader } from "./protocol.ts";

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
    if (value !== NO_VALUE) {
      let out: unknown;
      try {
        out = (runs[i] as (value: unknown) => unknown)(value);
      } catch (error) {
        return err<R>(fromThrown(error));
      }
      if (out instanceof Ok || out instanceof Err) return out as Result<R>;
      return settleOutput<R>(out);
    }
    const status = source.pipeStatus();
    if (status !== undefined && status !== null) return err<R>(status);
  }
  return undefined;
}
