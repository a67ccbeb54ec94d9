import { err, ok, PipeError } from "@pipe/result";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  Channel,
  checkOptions,
  checkSignal,
  checkTimeProvider,
  prepareSelect,
  SelectCase,
  select,
  selectBuilder,
  VirtualTimeProvider,
} from "../src/index.ts";
import { flush, parked, trackedSignal } from "./helpers.ts";

const id = <T>(v: T) => ok(v);

describe("select", () => {
  it("runs the first ready case synchronously; losing cases consume nothing", () => {
    const a = Channel.createUnbounded<string>();
    const b = Channel.createUnbounded<string>();
    a.writer.tryWrite("a1");
    b.writer.tryWrite("b1");
    const cases = [
      SelectCase.read(a.reader, (v: string) => ok(`A:${v}`)),
      SelectCase.read(b.reader, (v: string) => ok(`B:${v}`)),
    ];
    const r = select(cases);
    expect(r).not.toBeInstanceOf(Promise);
    expect(r).toMatchObject({ isOk: true, value: "A:a1" });
    expect(b.reader.count).toBe(1);
    expect(select(cases)).toMatchObject({ value: "B:b1" });
  });

  it("omitted and null options behave alike (ready: synchronous; none ready: waits; drained: fails)", async () => {
    for (const options of [undefined, null as never]) {
      const a = Channel.createUnbounded<number>();
      const cases = [SelectCase.read(a.reader, (v: number) => ok(v * 2))];
      a.writer.tryWrite(1);
      expect(select(cases, options)).toMatchObject({ isOk: true, value: 2 });
      const waiting = select(cases, options);
      expect(waiting).toBeInstanceOf(Promise);
      a.writer.tryWrite(3);
      expect(await waiting).toMatchObject({ isOk: true, value: 6 });
      a.writer.complete();
      expect(prepareSelect(cases).run(options)).toMatchObject({
        isErr: true,
        error: { code: "error.select.drained" },
      });
    }
  });

  it("priority beats registration order", () => {
    const a = Channel.createUnbounded<number>();
    const b = Channel.createUnbounded<number>();
    a.writer.tryWrite(1);
    b.writer.tryWrite(2);
    const r = select([
      SelectCase.read(a.reader, id, { priority: 5 }),
      SelectCase.read(b.reader, id, { priority: 1 }),
    ]);
    expect(r).toMatchObject({ value: 2 });
    expect(a.reader.count).toBe(1);
  });

  it("fair mode rotates among equally prioritised ready cases", () => {
    const chans = [0, 1, 2].map(() => Channel.createUnbounded<number>());
    chans.forEach((c, i) => {
      for (let k = 0; k < 10; k++) c.writer.tryWrite(i);
    });
    const cases = chans.map((c) => SelectCase.read(c.reader, (v: number) => ok(v)));
    const picks = Array.from({ length: 6 }, () => (select(cases, { fair: true }) as { value: number }).value);
    expect(new Set(picks).size).toBe(3);
    const det = Array.from({ length: 3 }, () => (select(cases) as { value: number }).value);
    expect(det).toEqual([0, 0, 0]);
  });

  it("default runs only when nothing is ready", async () => {
    const a = Channel.createUnbounded<number>();
    const cases = [SelectCase.read(a.reader, id), SelectCase.default(() => ok(-1))];
    expect(select(cases)).toMatchObject({ value: -1 });
    a.writer.tryWrite(7);
    expect(select(cases)).toMatchObject({ value: 7 });
    a.writer.complete();
    expect(select(cases)).toMatchObject({ value: -1 });
  });

  it("waits, then wakes on a write; watchers are removed", async () => {
    const a = Channel.createUnbounded<number>();
    const b = Channel.createUnbounded<number>();
    const p = select([SelectCase.read(a.reader, id), SelectCase.read(b.reader, (v: number) => ok(v * 10))]);
    expect(p).toBeInstanceOf(Promise);
    expect(parked(a.reader) + parked(b.reader)).toBe(2);
    b.writer.tryWrite(3);
    expect(await p).toMatchObject({ value: 30 });
    expect(parked(a.reader) + parked(b.reader)).toBe(0);
  });

  it("a value taken by another reader before the select runs does not end the select", async () => {
    const a = Channel.createUnbounded<number>();
    const p = select([SelectCase.read(a.reader, id)]);
    a.writer.tryWrite(1);
    expect(a.reader.tryRead()).toBe(1);
    await flush();
    a.writer.tryWrite(2);
    expect(await p).toMatchObject({ value: 2 });
  });

  it("all channels closed gives error.select.drained", async () => {
    const a = Channel.createUnbounded<number>();
    const b = Channel.createUnbounded<number>();
    a.writer.complete();
    const p = select([SelectCase.read(a.reader, id), SelectCase.read(b.reader, id)]);
    b.writer.complete();
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.select.drained");
    const r2 = select([SelectCase.read(a.reader, id)]);
    expect(r2).toMatchObject({ isOk: false });
  });

  it("a reader completed with an error gives that error as a failed Result", async () => {
    const a = Channel.createUnbounded<number>();
    const b = Channel.createUnbounded<number>();
    const boom = PipeError.from("boom", "app.boom");
    const p = select([SelectCase.read(a.reader, id), SelectCase.read(b.reader, id)]);
    b.writer.complete(boom);
    const r = await p;
    expect(r.isErr && r.error).toBe(boom);
    const c = Channel.createUnbounded<number>();
    const raw = new TypeError("raw");
    c.writer.complete(raw);
    const r2 = select([SelectCase.read(c.reader, id)]);
    expect(r2).toMatchObject({ isOk: false, error: { code: "error.exception", cause: raw } });
  });

  it("timeout gives error.timeout on the virtual clock and leaves nothing behind", async () => {
    const clock = new VirtualTimeProvider();
    const a = Channel.createUnbounded<number>();
    const p = select([SelectCase.read(a.reader, id)], { timeout: 100, timeProvider: clock });
    await clock.advance(99);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(1);
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.timeout");
    expect(parked(a.reader)).toBe(0);
    expect(clock.pendingTimers).toBe(0);
    const zero = select([SelectCase.read(a.reader, id)], { timeout: 0, timeProvider: clock });
    expect(zero).toMatchObject({ isOk: false, error: { code: "error.timeout" } });
  });

  it("abort gives error.canceled and removes watchers, timers and listener", async () => {
    const clock = new VirtualTimeProvider();
    const a = Channel.createUnbounded<number>();
    const t = trackedSignal();
    const p = select([SelectCase.read(a.reader, id)], { signal: t.signal, timeout: 50, timeProvider: clock });
    expect(t.listeners()).toBe(1);
    t.controller.abort();
    const r = await p;
    expect(r.isErr && r.error.code).toBe("error.canceled");
    expect(parked(a.reader)).toBe(0);
    expect(t.listeners()).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it("a pre-aborted signal fails before reading anything", () => {
    const a = Channel.createUnbounded<number>();
    a.writer.tryWrite(1);
    const r = select([SelectCase.read(a.reader, id)], { signal: AbortSignal.abort() });
    expect(r).toMatchObject({ isOk: false, error: { code: "error.canceled" } });
    expect(a.reader.count).toBe(1);
  });

  it("a throwing or rejecting continuation gives error.exception", async () => {
    const a = Channel.createUnbounded<number>();
    a.writer.tryWrite(1);
    a.writer.tryWrite(2);
    const boom = new Error("x");
    const r = select([
      SelectCase.read(a.reader, () => {
        throw boom;
      }),
    ]);
    expect(r).toMatchObject({ isOk: false, error: { code: "error.exception", cause: boom } });
    const r2 = await select([SelectCase.read(a.reader, async () => Promise.reject(boom))]);
    expect(r2).toMatchObject({ isOk: false, error: { code: "error.exception", cause: boom } });
  });

  it("a continuation's failed Result is returned as is", () => {
    const a = Channel.createUnbounded<number>();
    a.writer.tryWrite(1);
    const e = PipeError.from("no", "app.no");
    const r = select([SelectCase.read(a.reader, () => err(e))]);
    expect(r).toMatchObject({ isOk: false, error: e });
  });

  it("deadline case fires on the clock, relative to each select", async () => {
    const clock = new VirtualTimeProvider();
    const a = Channel.createUnbounded<number>();
    const cases = [SelectCase.read(a.reader, id), SelectCase.deadline(30, () => ok(-1))];
    const p1 = select(cases, { timeProvider: clock });
    await clock.advance(30);
    expect(await p1).toMatchObject({ value: -1 });
    const p2 = select(cases, { timeProvider: clock });
    await clock.advance(10);
    a.writer.tryWrite(5);
    expect(await p2).toMatchObject({ value: 5 });
    expect(clock.pendingTimers).toBe(0);
    expect(select([SelectCase.deadline(0, () => ok(0))])).toMatchObject({ value: 0 });
  });

  it("validates usage", () => {
    const a = Channel.createUnbounded<number>();
    expect(() => select([])).toThrow(TypeError);
    expect(() => select([SelectCase.default(() => ok(1)), SelectCase.default(() => ok(2))])).toThrow(
      TypeError,
    );
    expect(() => select([SelectCase.read(a.reader, id)], { timeout: -1 })).toThrow(RangeError);
    expect(() => SelectCase.deadline(-1, () => ok(1))).toThrow(RangeError);
    expect(() => SelectCase.read({} as never, id)).toThrow(TypeError);
  });

  it("works with prioritized channels", async () => {
    const p = Channel.createPrioritized<number>({ levels: 2 });
    const pending = select([SelectCase.read(p.reader, id)]);
    p.writer.tryWrite(3, 0);
    expect(await pending).toMatchObject({ value: 3 });
  });
});

describe("selectBuilder", () => {
  it("builds and executes, reusable", async () => {
    const clock = new VirtualTimeProvider();
    const a = Channel.createUnbounded<number>();
    const b = selectBuilder<string>({ timeProvider: clock })
      .case(a.reader, (n: number) => ok(`n${n}`))
      .deadline(10, () => ok("late"));
    a.writer.tryWrite(1);
    expect(await b.execute()).toMatchObject({ value: "n1" });
    const p = b.execute();
    await clock.advance(10);
    expect(await p).toMatchObject({ value: "late" });
    expect(
      await selectBuilder<string>()
        .case(a.reader, () => ok("x"))
        .default(() => ok("d"))
        .execute(),
    ).toMatchObject({
      value: "d",
    });
  });

  it("rejects a second default and an empty execute", () => {
    expect(() =>
      selectBuilder<number>()
        .default(() => ok(1))
        .default(() => ok(2)),
    ).toThrow(TypeError);
    expect(() => selectBuilder<number>().execute()).toThrow(TypeError);
  });
});

describe("prepareSelect", () => {
  it("validates once, copies the cases and runs like select", async () => {
    const a = Channel.createUnbounded<number>();
    const cases = [SelectCase.read(a.reader, (v: number) => ok(v + 1))];
    const sel = prepareSelect(cases);
    cases.length = 0;
    expect(sel.cases).toHaveLength(1);
    a.writer.tryWrite(1);
    expect(sel.run()).toMatchObject({ value: 2 });
    const p = sel.run();
    a.writer.tryWrite(5);
    expect(await p).toMatchObject({ value: 6 });
    a.writer.complete(PipeError.from("f", "app.f"));
    expect(sel.run()).toMatchObject({ isOk: false, error: { code: "app.f" } });
    expect(() => prepareSelect([])).toThrow(TypeError);
  });

  it("fast path: skips drained cases, reports a faulted one, normalises continuations like select", async () => {
    const a = Channel.createUnbounded<number>();
    const b = Channel.createUnbounded<number>();
    const c = Channel.createUnbounded<number>();
    let seen = 0;
    const sel = prepareSelect<unknown>([
      SelectCase.read(a.reader, (v: number) => ok(v)),
      SelectCase.read(b.reader, (v: number) => {
        if (v < 0) throw new Error("negative");
        seen = v;
        return undefined as never; // a non-Result continuation value becomes ok(value)
      }),
      SelectCase.read(c.reader, (v: number) => ok(v * 10)),
    ]);
    a.writer.complete(); // drained: skipped, the next ready case wins
    b.writer.tryWrite(7);
    const r = sel.run();
    expect(r).not.toBeInstanceOf(Promise);
    expect(r).toMatchObject({ isOk: true, value: undefined });
    expect(seen).toBe(7);
    b.writer.tryWrite(-1);
    expect(sel.run()).toMatchObject({ isOk: false, error: { code: "error.exception", message: "negative" } });
    c.writer.tryWrite(3);
    b.writer.complete(PipeError.from("b failed", "app.b")); // faulted before c's ready value: its error wins
    expect(sel.run()).toMatchObject({ isOk: false, error: { code: "app.b" } });
    const late = prepareSelect([SelectCase.read(c.reader, (v: number) => ok(v * 10))]);
    expect(late.run()).toMatchObject({ value: 30 });
    c.writer.complete();
    expect(await late.run()).toMatchObject({ isOk: false, error: { code: "error.select.drained" } });
  });

  it("select(cases) sees the cases array as it is at each call (edits between calls count)", () => {
    const a = Channel.createUnbounded<string>();
    const b = Channel.createUnbounded<string>();
    a.writer.tryWrite("a1");
    a.writer.tryWrite("a2");
    b.writer.tryWrite("b1");
    const cases = [SelectCase.read(a.reader, (s: string) => ok(s))];
    expect(select(cases)).toMatchObject({ isOk: true, value: "a1" });
    cases[0] = SelectCase.read(b.reader, (s: string) => ok(`b:${s}`));
    expect(select(cases)).toMatchObject({ isOk: true, value: "b:b1" });
    cases.push(SelectCase.read(a.reader, (s: string) => ok(s)));
    expect(select(cases)).toMatchObject({ isOk: true, value: "a2" });
    expect(() => select([cases[0] as never, { kind: "read" } as never])).toThrow(TypeError);
  });

  it("select(cases) picks by the array as it is at each call when cases are shared between arrays and edited (fast-check)", () => {
    // Cases are shared between arrays (the same case first in several), arrays are edited between calls and
    // called alternately: each call must pick the ready case of lowest priority, registration order breaking ties.
    const op = fc.oneof(
      fc.record({ kind: fc.constant("select" as const), array: fc.nat({ max: 2 }) }),
      fc.record({
        kind: fc.constant("set" as const),
        array: fc.nat({ max: 2 }),
        at: fc.nat({ max: 3 }),
        pick: fc.nat({ max: 4 }),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1, max: 1 }), { minLength: 5, maxLength: 5 }),
        fc.array(op, { minLength: 1, maxLength: 40 }),
        (priorities, ops) => {
          const channels = priorities.map(() => Channel.createUnbounded<number>());
          for (const c of channels) for (let v = 0; v < 50; v++) c.writer.tryWrite(v);
          const next = priorities.map(() => 0);
          const pool = priorities.map((priority, i) =>
            SelectCase.read(
              (channels[i] as (typeof channels)[number]).reader,
              (v: number) => ok(`${i}:${v}`),
              {
                priority,
              },
            ),
          );
          const arrays = [
            [0, 1],
            [0, 2, 3],
            [4, 0],
          ];
          const live = arrays.map((ids) => ids.map((i) => pool[i] as (typeof pool)[number]));
          for (const o of ops) {
            const ids = arrays[o.array] as number[];
            const cases = live[o.array] as (typeof pool)[number][];
            if (o.kind === "set") {
              const at = Math.min(o.at, ids.length);
              ids[at] = o.pick;
              cases[at] = pool[o.pick] as (typeof pool)[number];
              continue;
            }
            let winner = ids[0] as number;
            for (const i of ids) if ((priorities[i] as number) < (priorities[winner] as number)) winner = i;
            const expected = `${winner}:${next[winner]}`;
            next[winner] = (next[winner] as number) + 1;
            expect(select(cases)).toMatchObject({ isOk: true, value: expected });
          }
        },
      ),
    );
  });

  it("the usage checks are exported and say what they received", () => {
    expect(() => checkOptions(5 as never, "demo")).toThrow("demo: options must be an object, got number.");
    expect(() => checkSignal("stop", "demo")).toThrow(
      "demo: options.signal must be an AbortSignal, got a string.",
    );
    expect(() => checkTimeProvider({}, "demo")).toThrow(
      /demo: options.timeProvider must be a TimeProvider.*a plain object/,
    );
    expect(checkOptions(undefined, "demo")).toBeUndefined();
    checkSignal(new AbortController().signal, "demo");
    checkTimeProvider(new VirtualTimeProvider(), "demo");
  });
});
