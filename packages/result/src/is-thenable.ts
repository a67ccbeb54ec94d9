/**
 * Whether a value is thenable: an object or function with a callable `then` (a promise or any PromiseLike).
 *
 * When to use: to tell a synchronous return value from an asynchronous one without awaiting it, so a
 * synchronous callback keeps a synchronous path. Results and PipeErrors are never thenable.
 *
 * @example
 * ```ts
 * import { isThenable, ok } from "@pipe/result";
 * isThenable(Promise.resolve(1)); // true
 * isThenable(ok(1)); // false
 * ```
 */
export function isThenable<T = unknown>(value: unknown): value is PromiseLike<T> {
  return (
    value !== null &&
    (typeof value === "object" || typeof value === "function") &&
    typeof (value as { then?: unknown }).then === "function"
  );
}
