/**
 * Go-style channels, select, fan-in/fan-out, WaitGroup/ErrGroup and timers on an injectable clock.
 *
 * @module @pipe/channels
 */

export { after } from "./after.ts";
export { anySignal } from "./any-signal.ts";
export { type BroadcastOptions, broadcast } from "./broadcast.ts";
export type {
  BoundedChannelOptions,
  PrioritizedChannel,
  PrioritizedChannelOptions,
  PrioritizedChannelReader,
  PrioritizedChannelWriter,
  PriorityWriteOptions,
  UnboundedChannelOptions,
} from "./channel.ts";
export { Channel } from "./channel.ts";
export type { ChannelReader, ChannelWriter, FullMode, NoValue, SignalOptions } from "./channel-types.ts";
export { NO_VALUE } from "./channel-types.ts";
export { delay } from "./delay.ts";
export { ErrGroup, type ErrGroupOptions } from "./err-group.ts";
export { type FanInHandler, type FanInOptions, fanIn } from "./fan-in.ts";
export { isChannelReader } from "./is-channel-reader.ts";
export { type KeyedFanOut, type KeyedFanOutOptions, keyedFanOut } from "./keyed-fan-out.ts";
export { type AbortTarget, linkAbort } from "./link-abort.ts";
export { type MergeOptions, merge } from "./merge.ts";
export { type PartitionOptions, type PartitionTargets, partition } from "./partition.ts";
export { PreparedSelect, prepareSelect } from "./prepared-select.ts";
export { type SelectValue, select } from "./select.ts";
export { SelectBuilder, selectBuilder } from "./select-builder.ts";
export { SelectCase, type SelectCaseOptions, type SelectContinuation } from "./select-case.ts";
export type { SelectOptions } from "./select-options.ts";
export { type Ticker, ticker } from "./ticker.ts";
export { TimeProvider, type TimerHandle } from "./time-provider.ts";
export type { TimerOptions } from "./timer-options.ts";
export { checkOptions, checkSignal, checkTimeProvider } from "./usage-checks.ts";
export { VirtualTimeProvider, type VirtualTimeProviderOptions } from "./virtual-time-provider.ts";
export { WaitGroup } from "./wait-group.ts";
export type { GoOptions, GroupWork, WaitGroupOptions, WaitOptions } from "./wait-group-options.ts";
export { type WindowOptions, type WindowStream, window } from "./window.ts";
