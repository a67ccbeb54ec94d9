import { type AsyncStore, createAsyncStore } from "./async-context.ts";

/**
 * Receives the sequence number of every compensation registered (in any scope) while the code it was set for
 * runs, including after awaits. A fan-in sets one per message, so it can release exactly that message's
 * entries from a shared scope.
 * @internal
 */
export interface RegistrationSink {
  note(seq: number): void;
}

let store: AsyncStore<RegistrationSink> | undefined;
let users = 0;

/** Tells the current sink, if any, that `seq` was just registered. Free while nobody tracks. @internal */
export function noteRegistration(seq: number): void {
  if (users === 0) return;
  (store as AsyncStore<RegistrationSink>).getStore()?.note(seq);
}

/**
 * Starts attributing registrations; returns the store to run code under (`store.run(sink, fn)`), or `undefined`
 * when the runtime has no async store. Pair every store returned with one `stopTracking()`.
 * @internal
 */
export function startTracking(): AsyncStore<RegistrationSink> | undefined {
  store ??= createAsyncStore<RegistrationSink>();
  if (store === undefined) return undefined;
  users++;
  return store;
}

/** Ends one `startTracking()`; the last one lets the runtime stop propagating the store. @internal */
export function stopTracking(): void {
  if (users === 0) return;
  users--;
  if (users === 0) store?.disable?.();
}
