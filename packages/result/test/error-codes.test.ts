import { ErrorCodes, PipeError } from "@pipe/result";
import { describe, expect, it } from "vitest";

describe("ErrorCodes", () => {
  it("constants", () => {
    expect(ErrorCodes.canceled).toBe("error.canceled");
    expect(ErrorCodes.timeout).toBe("error.timeout");
    expect(ErrorCodes.exception).toBe("error.exception");
    expect(ErrorCodes.aggregate).toBe("error.aggregate");
    expect(ErrorCodes.validation).toBe("error.validation");
    expect(ErrorCodes.unspecified).toBe("error.unspecified");
    expect(ErrorCodes.selectDrained).toBe("error.select.drained");
    expect(ErrorCodes.channelCompleted).toBe("error.channel.completed");
  });

  it("describe and list", () => {
    expect(ErrorCodes.describe("error.select.drained")).toEqual({
      code: "error.select.drained",
      name: "SelectDrained",
      description: expect.any(String),
      category: "Channels",
    });
    expect(ErrorCodes.describe("nope.nope")).toBeUndefined();
    const codes = ErrorCodes.list().map((d) => d.code);
    expect(codes).toContain("error.canceled");
    expect(codes.length).toBeGreaterThanOrEqual(8);
  });

  it("register one or many; idempotent; conflicting is a TypeError", () => {
    const d = { code: "test.one", name: "One", description: "First.", category: "Test" };
    ErrorCodes.register(d);
    ErrorCodes.register(d);
    ErrorCodes.register([{ code: "test.two", name: "Two", description: "Second.", category: "Test" }]);
    expect(ErrorCodes.describe("test.two")?.name).toBe("Two");
    expect(PipeError.from("x", "test.one").metadata["error.category"]).toBe("Test");
    expect(() => ErrorCodes.register({ ...d, name: "Other" })).toThrow(TypeError);
    expect(() => ErrorCodes.register({ code: " ", name: "X", description: "", category: "T" })).toThrow(
      TypeError,
    );
    expect(() => ErrorCodes.register(null as never)).toThrow(TypeError);
  });

  it("a code used before it is registered gains its descriptor metadata from then on", () => {
    // The constructor remembers the last code it looked up; registering must not leave that answer stale.
    const before = PipeError.from("x", "test.late");
    expect(before.metadata).toEqual({});
    expect(PipeError.from("y", "test.late").metadata).toEqual({});
    ErrorCodes.register({
      code: "test.late",
      name: "Late",
      description: "Registered late.",
      category: "Test",
    });
    const after = PipeError.from("z", "test.late");
    expect(after.metadata["error.name"]).toBe("Late");
    expect(new PipeError("w", "test.late").metadata["error.category"]).toBe("Test");
    expect(before.metadata).toEqual({});
  });

  it("the descriptor objects are frozen", () => {
    expect(Object.isFrozen(ErrorCodes.describe("error.timeout"))).toBe(true);
  });
});
