import { type AsyncStore, createAsyncStore } from "./async-context.ts";

/**
 * Receives the sequence number of every compensation registered (in any scope) while the code it was set for
 * runs: synchronously through a direct sink, after awaits through the async store. A fan-in sets one per handler
 * call, so it can remove exactly its messages' entries from a shared scope.
 * @internal
 */
export interface RegistrationSink {
  note(seq: number): void;
}

let store: AsyncStore<RegistrationSink> | undefined;
let users = 0;
/** The sink of a handler running synchronously right now (set around the call; wins over the store). */
let direct: RegistrationSink | undefined;
/**
 * Sinks that take what no other sink sees, while they are set: the records of fan-ins without an async store whose
 * handlers are awaiting (what runs after an await there is most likely such a handler's continuation). Each one
 * takes only registrations into its fan-in context's own log (`ambientLogs[i]`).
 */
const ambient: RegistrationSink[] = [];
const ambientLogs: object[] = [];

/**
 * Tells the current sink, if any, that `seq` was just registered into `log`. Free while nobody tracks.
 * @internal
 */
export function noteRegistration(seq: number, log: object): void {
  if (users === 0) return;
  const sink = direct ?? store?.getStore();
  if (sink !== undefined) sink.note(seq);
  else if (ambient.length > 0)
    for (let i = 0; i < ambient.length; i++)
      if (ambientLogs[i] === log) (ambient[i] as RegistrationSink).note(seq);
}

/**
 * Adds `sink` to those noting registrations no direct or stored sink sees (a fan-in on the portable entry, while
 * one of its handlers awaits), for registrations made straight into `log` (its context's scope) only: what other
 * code registers elsewhere meanwhile (a sibling's own child context, merged into that scope later) is never
 * taken for the fan-in's. Two such fan-ins on one context both note what is registered there (the portable
 * limit). Pair with `removeAmbientSink`.
 * @internal
 */
export function addAmbientSink(sink: RegistrationSink, log: object): void {
  ambient.push(sink);
  ambientLogs.push(log);
}

/** Undoes one `addAmbientSink(sink)` (nothing when it is not set). @internal */
export function removeAmbientSink(sink: RegistrationSink): void {
  const i = ambient.lastIndexOf(sink);
  if (i < 0) return;
  ambient.splice(i, 1);
  ambientLogs.splice(i, 1);
}

/** The sink registrations made right now would be noted in (an enclosing fan-in handler's), if any. @internal */
export function currentSink(): RegistrationSink | undefined {
  if (users === 0) return undefined;
  return direct ?? store?.getStore();
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
 * Starts noting registrations (direct sinks work from now on); returns the async store to run code under
 * (`store.run(sink, fn)`) for what it registers after an await, or `undefined` when the runtime has none (the
 * portable entry installs none). Pair every call with one `stopTracking()`.
 * @internal
 */
export function startTracking(): AsyncStore<RegistrationSink> | undefined {
  users++;
  store ??= createAsyncStore<RegistrationSink>();
  return store;
}

/** Ends one `startTracking()`; the last one lets the runtime stop propagating the store. @internal */
export function stopTracking(): void {
  if (users === 0) return;
  users--;
  if (users === 0) store?.disable?.();
}
