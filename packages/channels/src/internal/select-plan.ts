/**
 * How a select runs: the validated plan of a cases array (priority order, default case, fast-path flag) and its
 * execution (a synchronous first poll, then one multi-wait over every case until one wins, the timeout or abort).
 */
import { ErrorCodes, err, PipeError, type Result } from "@pipe/result";
import { NO_VALUE } from "../channel-types.ts";
import { SELECT_CASE, type SelectCase } from "../select-case.ts";
import type { SelectOptions } from "../select-options.ts";
import { TimeProvider } from "../time-provider.ts";
import { instruments } from "./diagnostics.ts";
import { canceledResult } from "./errors.ts";
import { invokeUser } from "./invoke.ts";
import { MultiWait, Wake } from "./multi-wait.ts";
import { pollFirstReady } from "./poll.ts";
import type { WatchableReader } from "./protocol.ts";
import { checkSignal, checkTimeProvider, describe } from "./usage.ts";

const DRAINED = "All channel cases completed without yielding a value.";
const rotation = new WeakMap<object, number>();

/** A validated select: cases in priority order, the default's index, and whether the fast path applies. */
export interface SelectPlan<R> {
  readonly cases: readonly SelectCase<R>[];
  readonly order: number[] | undefined;
  readonly defaultIndex: number;
  readonly hasDeadline: boolean;
  /** Only read cases, priorities already sorted: the first reader with data wins. */
  readonly simple: boolean;
  /** For a simple plan, the readers and continuations in order (the fast path's tables); else empty. */
  readonly sources: readonly WatchableReader[];
  readonly runs: readonly ((value: unknown) => unknown)[];
}

/** @internal Validates `cases` (usage errors are thrown here) and builds a plan. */
export function planSelect<R>(cases: readonly SelectCase<R>[]): SelectPlan<R> {
  if (!Array.isArray(cases))
    throw new TypeError(`select: cases must be an array of SelectCase, got ${describe(cases)}.`);
  const n = cases.length;
  if (n === 0) throw new TypeError("select: at least one case is required.");
  let defaultIndex = -1;
  let sorted = true;
  let hasDeadline = false;
  for (let i = 0; i < n; i++) {
    const c = cases[i] as SelectCase<R>;
    if (typeof c !== "object" || c === null || (c as { [SELECT_CASE]?: true })[SELECT_CASE] !== true) {
      throw new TypeError(
        `select: case ${i} must be made by SelectCase.read, SelectCase.default or SelectCase.deadline, got ${describe(c)}.`,
      );
    }
    if (i > 0 && c.priority < (cases[i - 1] as SelectCase<R>).priority) sorted = false;
    if (c.kind === "default") {
      if (defaultIndex !== -1) throw new TypeError("select: at most one default case is allowed.");
      defaultIndex = i;
    } else if (c.kind === "deadline") hasDeadline = true;
  }
  // A private copy, not frozen: select reads it on every call, and element reads of a frozen array are
  // several times slower on Bun and Deno (benchmarks/README.md, "Engine-trick audit").
  const list = cases.slice();
  const simple = sorted && defaultIndex === -1 && !hasDeadline;
  return {
    cases: list,
    order: sorted ? undefined : stableOrder(list),
    defaultIndex,
    hasDeadline,
    simple,
    sources: simple ? list.map((c) => c.source as WatchableReader) : [],
    runs: simple ? list.map((c) => c.run) : [],
  };
}

/** @internal Runs one select over a plan. */
export function executePlan<R>(
  plan: SelectPlan<R>,
  options: SelectOptions | undefined,
): Result<R> | Promise<Result<R>> {
  const _cases = plan.cases;
  const timeout = options?.timeout;
  if (timeout !== undefined && !(timeout >= 0)) {
    throw new RangeError(`select: timeout must be >= 0, got ${timeout}.`);
  }
  const signal = options?.signal;
  if (signal !== undefined) checkSignal(signal, "select");
  if (options?.timeProvider !== undefined) checkTimeProvider(options.timeProvider, "select");
  const meter = instruments();
  if (
    meter === undefined &&
    plan.simple &&
    options?.fair !== true &&
    (signal === undefined || !signal.aborted)
  ) {
    const picked = pollFirstReady<R>(plan.sources, plan.runs);
    if (picked !== undefined) return picked;
  }
  return executeGeneral(plan, options, meter);
}

/** The general path (kept out of `executePlan` so the fast path allocates no closure context). */
function executeGeneral<R>(
  plan: SelectPlan<R>,
  options: SelectOptions | undefined,
  meter: ReturnType<typeof instruments>,
): Result<R> | Promise<Result<R>> {
  const cases = plan.cases;
  const timeout = options?.timeout;
  const signal = options?.signal;
  const clock = options?.timeProvider ?? TimeProvider.system;
  const started = meter === undefined ? 0 : clock.now();
  meter?.selectAttempts.add(1);
  if (signal?.aborted) {
    meter?.selectCancellations.add(1);
    return canceledResult<R>(signal);
  }
  const fair = options?.fair === true;
  const order = plan.order;
  const state = syncState;
  state.due = undefined;
  const picked = poll(cases, order, fair, state);
  if (picked >= 0) return finish(run(cases[picked] as SelectCase<R>), meter, clock, started);
  const defaultIndex = plan.defaultIndex;
  if (defaultIndex >= 0) {
    return finish(
      invokeUser<undefined, R>((cases[defaultIndex] as SelectCase<R>).run, undefined),
      meter,
      clock,
      started,
    );
  }
  if (state.open === 0 && !plan.hasDeadline) return finish(drained<R>(), meter, clock, started);
  if (timeout === 0) {
    return finish(err<R>(PipeError.timeout(0)), meter, clock, started);
  }
  const waiting = waitLoop(cases, order, fair, options ?? {}, clock, plan.hasDeadline);
  return meter === undefined ? waiting : waiting.then((r) => finish(r, meter, clock, started));
}

interface PollState {
  /** Per-case flags: deadline case fired (allocated only when a deadline exists and select waits). */
  due: boolean[] | undefined;
  /** Number of read cases whose channel is still open (after a poll). */
  open: number;
}

/** Poll state of the synchronous first attempt (reused: select's first poll never awaits). */
const syncState: PollState = { due: undefined, open: 0 };

function stableOrder<R>(cases: readonly SelectCase<R>[]): number[] {
  const order = cases.map((_, i) => i);
  order.sort((a, b) => (cases[a] as SelectCase<R>).priority - (cases[b] as SelectCase<R>).priority || a - b);
  return order;
}

/** Finds the winning case index (or -1); counts open read cases. Reads nothing. */
function poll<R>(
  cases: readonly SelectCase<R>[],
  order: number[] | undefined,
  fair: boolean,
  state: PollState,
): number {
  let open = 0;
  let best = -1;
  let tieCount = 0;
  let ties: number[] | undefined;
  const rot = fair ? (rotation.get(cases) ?? 0) : 0;
  for (let k = 0; k < cases.length; k++) {
    const i = order === undefined ? k : (order[k] as number);
    const c = cases[i] as SelectCase<R>;
    let ready = false;
    if (c.kind === "read") {
      const source = c.source!;
      if (source.count > 0) {
        open++;
        ready = true;
      } else {
        const status = source.pipeStatus();
        if (status === undefined) open++;
        else if (status !== null) ready = true;
      }
    } else if (c.kind === "deadline") {
      ready = c.dueInMs === 0 || state.due?.[i] === true;
    }
    if (!ready) continue;
    if (best === -1) {
      best = i;
      if (!fair) break; // deterministic: the first ready case wins (`open` is only read when none is ready)
      tieCount = 1;
    } else if (c.priority === (cases[best] as SelectCase<R>).priority) {
      if (ties === undefined) ties = [best];
      ties.push(i);
      tieCount++;
    }
  }
  state.open = open;
  if (fair && tieCount > 1 && ties !== undefined) {
    rotation.set(cases, rot + 1);
    return ties[rot % tieCount] as number;
  }
  if (fair && best >= 0) rotation.set(cases, rot + 1);
  return best;
}

/** Runs the picked case: takes the value (read case) and invokes the continuation. */
function run<R>(c: SelectCase<R>): Result<R> | Promise<Result<R>> {
  if (c.kind !== "read") return invokeUser<undefined, R>(c.run, undefined);
  const source = c.source!;
  const value = source.tryRead();
  if (value === NO_VALUE) {
    const status = source.pipeStatus();
    return err<R>(status ?? PipeError.from(DRAINED, ErrorCodes.selectDrained));
  }
  return invokeUser<unknown, R>(c.run, value);
}

const drained = <R>(): Result<R> => err<R>(PipeError.from(DRAINED, ErrorCodes.selectDrained));

function finish<R>(
  result: Result<R> | Promise<Result<R>>,
  meter: ReturnType<typeof instruments>,
  clock: TimeProvider,
  started: number,
): Result<R> | Promise<Result<R>> {
  if (meter === undefined) return result;
  if (result instanceof Promise) return result.then((r) => finish(r, meter, clock, started) as Result<R>);
  const code = result.isErr ? result.error.code : undefined;
  if (code === "error.timeout") meter.selectTimeouts.add(1);
  else if (code === "error.canceled") meter.selectCancellations.add(1);
  else meter.selectCompletions.add(1);
  meter.selectLatency.record(clock.now() - started);
  return result;
}

async function waitLoop<R>(
  cases: readonly SelectCase<R>[],
  order: number[] | undefined,
  fair: boolean,
  options: SelectOptions,
  clock: TimeProvider,
  hasDeadline: boolean,
): Promise<Result<R>> {
  const signal = options.signal;
  const start = clock.now();
  const waiter = new MultiWait(clock, signal);
  for (const c of cases) waiter.watcherFor(c.source);
  const timeoutAt =
    options.timeout === undefined || options.timeout === Infinity ? undefined : start + options.timeout;
  const state: PollState = { due: undefined, open: 0 };
  let deadlines: (number | undefined)[] | undefined;
  if (hasDeadline) {
    state.due = cases.map((c) => c.kind === "deadline" && c.dueInMs === 0);
    deadlines = cases.map((c) => (c.kind === "deadline" && c.dueInMs > 0 ? start + c.dueInMs : undefined));
  }
  const active = (i: number): boolean => {
    const source = (cases[i] as SelectCase<R>).source;
    return source !== undefined && source.pipeStatus() === undefined;
  };
  for (;;) {
    const wake = await waiter.wait(active, timeoutAt, deadlines);
    if (wake === Wake.Aborted) return canceledResult<R>(signal);
    if (wake === Wake.Timeout) return err<R>(PipeError.timeout(options.timeout));
    if (wake === Wake.Timer && deadlines !== undefined && state.due !== undefined) {
      state.due[waiter.firedTimer] = true;
      deadlines[waiter.firedTimer] = undefined;
    }
    const picked = poll(cases, order, fair, state);
    if (picked >= 0) return run(cases[picked] as SelectCase<R>);
    if (state.open === 0 && (deadlines === undefined || deadlines.every((d) => d === undefined))) {
      return drained<R>();
    }
  }
}
