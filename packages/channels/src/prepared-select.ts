import { Err, err, fromThrown, Ok, type Result } from "@pipe/result";
import { NO_VALUE, type NoValue } from "./channel-types.ts";
import { metricsOff } from "./internal/diagnostics.ts";
import { settleOutput } from "./internal/invoke.ts";
import type { WatchableReader } from "./internal/protocol.ts";
import { executePlan, planSelect, type SelectOptions, type SelectPlan } from "./select.ts";
import type { SelectCase } from "./select-case.ts";

// Module-local aliases for per-value checks (see `NO_VALUE` in channel-types.ts).
const NONE: NoValue = NO_VALUE;
const OkResult = Ok;
const ErrResult = Err;

type Continuation<R> = SelectCase<R>["run"];
/**
 * A select validated once and run many times: the fastest way to `select` in a loop.
 *
 * When to use: a hot loop that selects over the same cases (a consumer of several channels). `select(cases)`
 * re-validates the array on every call; a prepared select does it once, and copies the cases so later edits
 * of your array do not affect it.
 *
 * Details and errors: `run(options)` behaves exactly like `select(cases, options)`: a plain Result when a case
 * is ready and its continuation is synchronous, else a Promise. With only read cases and no options, `run()`
 * polls the readers from tables built once (no plan checks per call), which makes it about 1.4× faster than
 * `select(cases)` in a hot loop. Usage errors in the cases are thrown by `prepareSelect`.
 *
 * @example
 * ```ts
 * import { Channel, SelectCase, prepareSelect } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const a = Channel.createUnbounded<number>(), b = Channel.createUnbounded<number>();
 * let sum = 0;
 * const onValue = (v: number) => { sum += v; return ok(); };
 * const sel = prepareSelect([SelectCase.read(a.reader, onValue), SelectCase.read(b.reader, onValue)]);
 * a.writer.tryWrite(1); b.writer.tryWrite(2); a.writer.complete(); b.writer.complete();
 * for (;;) {
 *   const r = await sel.run();
 *   if (r.isErr) break; // error.select.drained once both are drained
 * }
 * console.log(sum); // 3
 * ```
 */
export class PreparedSelect<R> {
  private readonly plan: SelectPlan<R>;
  // Fast-path tables of a plan of read cases only, in priority order (undefined otherwise): `run()` without
  // options polls these directly, so a ready case costs one small call, not the general select.
  private readonly sources: readonly WatchableReader[] | undefined;
  private readonly continuations: readonly Continuation<R>[];

  /** Validates and copies `cases` (`TypeError` for none or two defaults). */
  constructor(cases: readonly SelectCase<R>[]) {
    const plan = planSelect(cases, true);
    this.plan = plan;
    const reads = plan.simple && plan.cases.every((c) => c.kind === "read");
    this.sources = reads ? plan.cases.map((c) => c.source as WatchableReader) : undefined;
    this.continuations = reads ? plan.cases.map((c) => c.run) : [];
  }

  /** The (frozen) cases, in registration order. */
  get cases(): readonly SelectCase<R>[] {
    return this.plan.cases;
  }

  /** Runs one select; see `select` for results, errors and abort behaviour. */
  run(options?: SelectOptions): Result<R> | Promise<Result<R>> {
    const sources = this.sources;
    if (options === undefined && sources !== undefined && metricsOff()) {
      for (let i = 0; i < sources.length; i++) {
        const source = sources[i] as WatchableReader;
        const value = source.tryRead();
        if (value !== NONE) {
          let out: unknown;
          try {
            out = (this.continuations[i] as Continuation<R>)(value);
          } catch (error) {
            return err<R>(fromThrown(error));
          }
          if (out instanceof OkResult || out instanceof ErrResult) return out as Result<R>;
          return settleOutput<R>(out);
        }
        const status = source.pipeStatus();
        if (status !== undefined && status !== null) return err<R>(status); // faulted: its error wins
      }
    }
    return executePlan(this.plan, options);
  }
}

/**
 * Validates `cases` once and returns a {@link PreparedSelect}.
 *
 * @example
 * ```ts
 * import { Channel, SelectCase, prepareSelect } from "@pipe/channels";
 * import { ok } from "@pipe/result";
 * const { reader, writer } = Channel.createUnbounded<string>();
 * const sel = prepareSelect([SelectCase.read(reader, (s: string) => ok(s.toUpperCase()))]);
 * writer.tryWrite("hi");
 * console.log(sel.run()); // Ok("HI"), synchronously
 * ```
 */
export function prepareSelect<R>(cases: readonly SelectCase<R>[]): PreparedSelect<R> {
  return new PreparedSelect<R>(cases);
}
