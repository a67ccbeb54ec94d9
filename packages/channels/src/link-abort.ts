import { describeValue } from "@pipe/result";
import { reportHookError } from "./internal/errors.ts";

/** What {@link linkAbort} aborts: an `AbortController`, or anything else with an `abort(reason)` method. */
export interface AbortTarget {
  /** Aborts with `reason`; called once per link, when the linked source aborts. */
  abort(reason?: unknown): void;
}

/**
 * The one abort listener of a source signal, shared by every link to it: each link is its unlink function, mapped
 * to its target. The listener goes as soon as the last link is removed, so a long-lived source keeps nothing of
 * the work that linked to it.
 */
class SourceLinks {
  readonly targets = new Map<() => void, AbortTarget>();

  constructor(readonly source: AbortSignal) {
    source.addEventListener("abort", this, { once: true });
  }

  /** The source aborted: the target of every link made until now aborts with its reason, in link order. */
  handleEvent(): void {
    if (linksBySource.get(this.source) === this) linksBySource.delete(this.source);
    const reason = this.source.reason;
    const targets = [...this.targets.values()];
    this.targets.clear();
    // A target whose abort throws does not keep the ones after it from aborting; its error is rethrown later.
    for (const target of targets) {
      try {
        target.abort(reason);
      } catch (thrown) {
        reportHookError(thrown);
      }
    }
  }

  unlink(link: () => void): void {
    if (!this.targets.delete(link) || this.targets.size > 0) return;
    if (linksBySource.get(this.source) === this) linksBySource.delete(this.source);
    this.source.removeEventListener("abort", this);
  }
}

const linksBySource = new WeakMap<AbortSignal, SourceLinks>();

const noop = (): void => {};

/**
 * Aborts `target` with `source`'s reason when `source` aborts, until the returned function unlinks it.
 *
 * When to use: a short-lived controller (one child context, one unit of work, one message under a timeout) that
 * must follow a long-lived signal and has a clear end where you can unlink it. Without an end to unlink at, use
 * {@link anySignal}, which lets the garbage collector unlink the signals it makes.
 *
 * Details: each source carries one `abort` listener however many targets are linked to it (no
 * `MaxListenersExceededWarning`, and adding or removing a link does not walk a long listener list); the
 * listener is removed when the last target unlinks. When the source aborts, every target linked at that moment
 * aborts once, with the source's reason, even if one of them unlinks another from its own abort listeners or
 * throws (a target's exception is rethrown from a microtask, as an uncaught error, after the others aborted). An
 * already aborted source aborts `target` at once and returns a function that does nothing. Unlinking is
 * idempotent, and does nothing once the source has aborted.
 *
 * Gotchas: every call is a link of its own, removed only by the function it returns: a target linked twice
 * to one source is called twice, and a target linked to several sources once per source that aborts (an
 * `AbortController` keeps the first reason and ignores later aborts); unlink each link. `AbortSignal.any` is no substitute on a long-lived source: on some runtimes
 * its results stay registered with their sources until they abort.
 *
 * @throws TypeError when `source` is not an AbortSignal or `target` has no `abort` method.
 *
 * @example
 * ```ts
 * import { linkAbort } from "@pipe/channels";
 * const shutdown = new AbortController();
 * const work = new AbortController();
 * const unlink = linkAbort(shutdown.signal, work);
 * try {
 *   // ... run the work with work.signal
 * } finally {
 *   unlink(); // the shutdown signal keeps no listener for this work
 * }
 * shutdown.abort("stopping");
 * console.log(work.signal.aborted); // false: unlinked before the abort
 * ```
 */
export function linkAbort(source: AbortSignal, target: AbortTarget): () => void {
  // `aborted` is read once: it is both the AbortSignal check and the already-aborted case.
  const aborted = typeof source === "object" && source !== null ? source.aborted : undefined;
  if (typeof aborted !== "boolean" || typeof source.addEventListener !== "function")
    throw new TypeError(`linkAbort: source must be an AbortSignal, got ${describeValue(source)}.`);
  if (typeof target?.abort !== "function")
    throw new TypeError(
      `linkAbort: target must have an abort method (an AbortController), got ${describeValue(target)}.`,
    );
  if (aborted) {
    target.abort(source.reason);
    return noop;
  }
  let links = linksBySource.get(source);
  if (links === undefined) {
    links = new SourceLinks(source);
    linksBySource.set(source, links);
  }
  const linked = links;
  const unlink = (): void => linked.unlink(unlink);
  linked.targets.set(unlink, target);
  return unlink;
}
