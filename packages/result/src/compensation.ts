/**
 * A rollback action that takes only the abort signal of the compensation run.
 *
 * Details: the signal is the one handed to the compensation runner (not the aborted pipeline's), so rollback
 * is not cut short by the failure that triggered it.
 *
 * @example
 * ```ts
 * import type { CompensationAction } from "@pipe/result";
 * const undo: CompensationAction = async (signal) => { await fetch("/undo", { method: "POST", signal }); };
 * ```
 */
export type CompensationAction = (signal: AbortSignal) => void | PromiseLike<void>;

/**
 * A rollback action that receives a state value, so one module-level function can serve every registration
 * without allocating a closure.
 *
 * @example
 * ```ts
 * import type { StatefulCompensationAction } from "@pipe/result";
 * const release: StatefulCompensationAction<{ id: string }> = (lease) => { console.log("release", lease.id); };
 * ```
 */
export type StatefulCompensationAction<S> = (state: S, signal: AbortSignal) => void | PromiseLike<void>;

/**
 * One registered compensation: a state value and an action invoked as `action(state, signal)`.
 *
 * Details: a stateless action is stored as `{ state: action, action: <shared invoker> }`, so entries never
 * allocate closures. Use {@link runCompensationEntry} to invoke one.
 *
 * @example
 * ```ts
 * import { compensation, runCompensationEntry } from "@pipe/result";
 * const entry = compensation(() => console.log("undo"));
 * await runCompensationEntry(entry, new AbortController().signal);
 * ```
 */
export interface Compensation {
  /** The state handed to `action` (for a stateless action: the action itself). */
  readonly state: unknown;
  /** The action, invoked as `action(state, signal)`. */
  readonly action: StatefulCompensationAction<unknown>;
}

/** The shared invoker of stateless actions (`state` is the action). */
function invokeStateless(state: unknown, signal: AbortSignal): void | PromiseLike<void> {
  return (state as CompensationAction)(signal);
}

/**
 * Builds a compensation entry from an action, or from a state value and a stateful action.
 *
 * Gotchas: a non-function action is a usage error (`TypeError`). Building an entry never invokes it.
 *
 * @example
 * ```ts
 * import { compensation } from "@pipe/result";
 * const a = compensation(async (signal) => {});
 * const b = compensation({ id: "lease-1" }, async (lease, signal) => {});
 * ```
 */
export function compensation(action: CompensationAction): Compensation;
export function compensation<S>(state: S, action: StatefulCompensationAction<S>): Compensation;
export function compensation(
  stateOrAction: unknown,
  action?: StatefulCompensationAction<never>,
): Compensation {
  if (action === undefined) {
    if (typeof stateOrAction !== "function") {
      throw new TypeError("compensation: the action must be a function.");
    }
    return Object.freeze({ state: stateOrAction, action: invokeStateless });
  }
  if (typeof action !== "function") throw new TypeError("compensation: the action must be a function.");
  return Object.freeze({ state: stateOrAction, action: action as StatefulCompensationAction<unknown> });
}

/**
 * Invokes one compensation entry with a signal: `entry.action(entry.state, signal)`.
 *
 * Details: returns whatever the action returns (possibly a promise); it may throw or reject, so runners should
 * guard it. Abort handling is the action's job: it receives `signal`.
 *
 * @example
 * ```ts
 * import { ok, runCompensationEntry } from "@pipe/result";
 * const r = ok(1).withCompensation(() => console.log("undo"));
 * for (const entry of [...r.compensations].reverse()) await runCompensationEntry(entry, AbortSignal.timeout(1000));
 * ```
 */
export function runCompensationEntry(entry: Compensation, signal: AbortSignal): void | PromiseLike<void> {
  return entry.action(entry.state, signal);
}
