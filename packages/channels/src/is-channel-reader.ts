import type { ChannelReader } from "./channel-types.ts";
import { isWatchable } from "./internal/protocol.ts";

/**
 * Whether `value` is a reader made by `@pipe/channels`: a channel's reader or a timer's (`after`, `ticker`).
 * The combinators (`fanIn`, `merge`, `keyedFanOut`, `select`, ...) accept only these.
 *
 * When to use: to reject another library's reader up front, with a TypeError at construction, instead of when
 * the work starts (as `TenantRouter` does with its ingress).
 *
 * Details: the check is structural on the package's internal reader protocol, so readers from another copy of
 * `@pipe/channels` in the same program pass too. An object with only `tryRead`, `waitToRead` and an async
 * iterator does not.
 *
 * @example
 * ```ts
 * import { Channel, isChannelReader } from "@pipe/channels";
 * console.log(isChannelReader(Channel.createBounded<number>(1).reader)); // true
 * console.log(isChannelReader({ tryRead: () => undefined })); // false
 * ```
 */
export function isChannelReader(value: unknown): value is ChannelReader<unknown> {
  return isWatchable(value);
}
