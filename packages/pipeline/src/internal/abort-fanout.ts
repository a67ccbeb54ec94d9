/**
 * One abort listener per source signal, fanned out to every linked controller.
 *
 * Linking N child contexts to one parent signal with N `addEventListener` calls makes Node warn about a
 * possible leak past 10 listeners (`MaxListenersExceededWarning`) and costs N dispatches; here the parent
 * signal carries one listener however many children are linked, and the listener is removed as soon as the
 * last child unlinks.
 *
 * @internal
 * @module
 */

interface Fanout {
  readonly targets: Set<AbortController>;
  readonly onAbort: () => void;
}

const fanouts = new WeakMap<AbortSignal, Fanout>();

/**
 * Aborts `target` (with the source's reason) when `source` aborts. Returns the function that unlinks it.
 * The caller checks `source.aborted` first: an already-aborted source never fires again.
 */
export function linkAbort(source: AbortSignal, target: AbortController): () => void {
  let fanout = fanouts.get(source);
  if (fanout === undefined) {
    const targets = new Set<AbortController>();
    const onAbort = (): void => {
      fanouts.delete(source);
      for (const controller of targets) controller.abort(source.reason);
      targets.clear();
    };
    fanout = { targets, onAbort };
    fanouts.set(source, fanout);
    source.addEventListener("abort", onAbort, { once: true });
  }
  const linked = fanout;
  linked.targets.add(target);
  return () => {
    if (!linked.targets.delete(target) || linked.targets.size > 0) return;
    if (fanouts.get(source) === linked) fanouts.delete(source);
    source.removeEventListener("abort", linked.onAbort);
  };
}
