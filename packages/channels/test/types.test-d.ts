// Type-level tests: checked by `vitest --typecheck` (the `typecheck` block of vitest.shared.ts), never run.
import {
  SelectCase as Case,
  Channel,
  type ChannelReader,
  type SelectCase,
  type SelectValue,
  select,
} from "@pipe/channels";
import { ok, type Result } from "@pipe/result";
import { describe, expectTypeOf, test } from "vitest";

const numbers = Channel.createUnbounded<number>();
const strings = Channel.createUnbounded<string>();

describe("select inference", () => {
  test("a read case hands its continuation the channel's element type", () => {
    Case.read(numbers.reader, (n) => {
      expectTypeOf(n).toEqualTypeOf<number>();
      return ok(n);
    });
  });

  test("a case's type is its continuation's result type", () => {
    expectTypeOf(Case.read(numbers.reader, (n) => ok(`${n}`))).toEqualTypeOf<SelectCase<string>>();
    expectTypeOf(Case.default(() => ok(1))).toEqualTypeOf<SelectCase<number>>();
    expectTypeOf(Case.deadline(10, async () => ok(true))).toEqualTypeOf<SelectCase<boolean>>();
  });

  test("select returns the cases' common result type, sync or async", () => {
    const r = select([Case.read(numbers.reader, (n) => ok(n)), Case.default(() => ok(0))]);
    expectTypeOf(r).toEqualTypeOf<Result<number> | Promise<Result<number>>>();
  });

  test("cases of different types give a union when the type is given", () => {
    const r = select<number | string>([
      Case.read(numbers.reader, (n) => ok(n)),
      Case.read(strings.reader, (s) => ok(s)),
    ]);
    expectTypeOf(r).toEqualTypeOf<Result<number | string> | Promise<Result<number | string>>>();
  });

  test("cases of different types give the union of their types without the type given", () => {
    const r = select([Case.read(numbers.reader, (n) => ok(n)), Case.read(strings.reader, (s) => ok(s))]);
    expectTypeOf(r).toEqualTypeOf<Result<number | string> | Promise<Result<number | string>>>();
    const cases = [Case.read(numbers.reader, (n) => ok(n)), Case.deadline(5, () => ok(false))];
    expectTypeOf(select(cases)).toEqualTypeOf<Result<number | boolean> | Promise<Result<number | boolean>>>();
    expectTypeOf<SelectValue<[SelectCase<number>, SelectCase<string>]>>().toEqualTypeOf<number | string>();
  });

  test("a given type still checks every case", () => {
    // @ts-expect-error the second case gives strings, not numbers
    select<number>([Case.read(numbers.reader, (n) => ok(n)), Case.read(strings.reader, (s) => ok(s))]);
  });

  test("what is not a cases array does not compile", () => {
    // @ts-expect-error a case is made by SelectCase.read/default/deadline
    select([{ kind: "default" }]);
  });

  test("a continuation for another element type does not compile", () => {
    // @ts-expect-error the reader yields numbers, the continuation takes strings
    Case.read(numbers.reader, (s: string) => ok(s));
  });

  test("a reader's async iteration yields its element type", () => {
    expectTypeOf(strings.reader).toEqualTypeOf<ChannelReader<string>>();
  });
});
