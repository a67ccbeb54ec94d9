/**
 * How the Node bootstrap sets up V8's garbage collector for a server that holds a large read view.
 */
import { setFlagsFromString } from "node:v8";

/** The V8 major versions that have the setting and leave it off by default (Node 24 and 26). */
const WITH_SETTING = new Set([13, 14]);

/**
 * Makes V8 count `ArrayBuffer` memory (every response body here is a `Uint8Array`) towards the heap's own
 * growth limit, rather than starting a full collection each time 64 MB more of it has been allocated; returns
 * whether the setting was applied.
 *
 * When to use: once, at the start of the Node bootstrap, before serving.
 *
 * Details: with the read view of a large fleet loaded (about 430 MB of heap for 1M shards), a full collection
 * marks the whole view. Pages of 500 records are about 130 KB each, so at a few thousand requests a second the
 * 64 MB trigger fires several times a second and the main thread spends its time marking, although the bodies
 * are short-lived and scavenges would free them. Counted in the heap's limit, that memory starts a full
 * collection only when heap and bodies together outgrow the limit set after the previous one.
 *
 * Gotchas: it changes the whole process's V8 settings. V8 12 (Node 20, 22) has no such setting, and V8 15
 * always counts that way; on those it does nothing and answers false.
 *
 * @example
 * ```ts
 * import { accountBodiesInHeapLimit } from "./node-heap.ts";
 * accountBodiesInHeapLimit();
 * ```
 */
export function accountBodiesInHeapLimit(v8Version: string = process.versions.v8): boolean {
  if (!WITH_SETTING.has(Number.parseInt(v8Version, 10))) return false;
  setFlagsFromString("--external-memory-accounted-in-global-limit");
  return true;
}
