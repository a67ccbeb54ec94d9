import type { Result } from "@pipe/result";
import type { ChannelWriter } from "../channel-types.ts";
import { okVoidResult } from "./errors.ts";

/** Writes `value` to each writer in order; synchronous while every writer has room. */
export function writeAll<T>(
  targets: readonly ChannelWriter<T>[],
  value: T,
  signal: AbortSignal | undefined,
  from = 0,
): Result<void> | Promise<Result<void>> | undefined {
  for (let i = from; i < targets.length; i++) {
    const target = targets[i] as ChannelWriter<T>;
    if (target.tryWrite(value)) continue;
    const r = target.write(value, signal === undefined ? undefined : { signal });
    if (r instanceof Promise)
      return r.then((done) =>
        done.isErr ? done : (writeAll(targets, value, signal, i + 1) ?? okVoidResult()),
      );
    if (r.isErr) return r;
  }
  return undefined;
}
