/**
 * An opaque handle returned by {@link TimeProvider.setTimeout} and accepted by
 * {@link TimeProvider.clearTimeout}. Treat it as a token: its shape depends on the provider.
 *
 * @example
 * ```ts
 * import { type TimerHandle, VirtualTimeProvider } from "@pipe/channels";
 * const clock = new VirtualTimeProvider();
 * const handle: TimerHandle = clock.setTimeout(() => {}, 10);
 * clock.clearTimeout(handle);
 * ```
 */
export type TimerHandle = unknown;

/**
 * A clock with one-shot timers, injected wherever `@pipe` waits for time to pass.
 *
 * When to use: pass a provider (`{ timeProvider }`) to `delay`, `after`, `ticker`, `select`, `window`,
 * `WaitGroup.wait` and the pipeline adapters. Production code uses {@link TimeProvider.system}; tests use a
 * `VirtualTimeProvider` so that no test ever sleeps.
 *
 * Details: `now()` is milliseconds (the system provider returns `Date.now()`; a virtual provider returns its
 * virtual clock). `setTimeout(cb, ms)` schedules `cb` once after `ms` milliseconds (`ms <= 0` means "as soon
 * as possible", never synchronously); `clearTimeout(handle)` cancels it and is a no-op for a fired or unknown
 * handle.
 *
 * Gotchas: callbacks must not throw; `@pipe` never passes a throwing callback. The system provider's timers keep
 * a Node process alive while pending, like the global `setTimeout`.
 *
 * @example
 * ```ts
 * import { TimeProvider } from "@pipe/channels";
 * const clock: TimeProvider = TimeProvider.system;
 * const handle = clock.setTimeout(() => console.log("tick at", clock.now()), 10);
 * clock.clearTimeout(handle);
 * ```
 */
export interface TimeProvider {
  /** Current time in milliseconds. */
  now(): number;
  /** Schedules `callback` once after `ms` milliseconds and returns a handle for {@link clearTimeout}. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  /** Cancels a timer scheduled by {@link setTimeout}; a no-op when it already fired or was cleared. */
  clearTimeout(handle: TimerHandle): void;
}

const systemProvider: TimeProvider = Object.freeze({
  now: (): number => Date.now(),
  setTimeout: (callback: () => void, ms: number): TimerHandle => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle: TimerHandle): void => {
    globalThis.clearTimeout(handle as Parameters<typeof globalThis.clearTimeout>[0]);
  },
});

/**
 * Companion object of the {@link TimeProvider} interface.
 *
 * Details: `TimeProvider.system` is the real clock: `Date.now()` and the global `setTimeout`/`clearTimeout`
 * (available on Node, Deno, Bun and browsers). It is frozen and shared.
 *
 * @example
 * ```ts
 * import { TimeProvider, delay } from "@pipe/channels";
 * await delay(5, { timeProvider: TimeProvider.system });
 * ```
 */
export const TimeProvider: { readonly system: TimeProvider } = Object.freeze({ system: systemProvider });
