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
/** The sink of a handler running synchronously right now (set around the call; wins over the store). */
let direct: RegistrationSink | undefined;

/** Tells the current sink, if any, that `seq` was just registered. Free while nobody tracks. @internal */
export function noteRegistration(seq: number): void {
  if (users === 0) return;
  const sink = direct ?? (store as AsyncStore<RegistrationSink>).getStore();
  sink?.note(seq);
}

/**
 * Sets the sink of the code about to run synchronously (registrations it makes before returning or awaiting are
 * noted there, without entering the store); returns the previous one, to restore after the call. @internal
 */
export function setDirectSink(sink: RegistrationSink | undefined): RegistrationSink | undefined {
  const previous = direct;
  direct = sink;
  return previous;
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
