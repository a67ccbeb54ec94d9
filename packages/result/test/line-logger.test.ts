import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLineLogger, isLogFormat, PipeError } from "../src/index.ts";

const at = new Date("2026-12-03T10:00:00.000Z");

function capture(options: Omit<Parameters<typeof createLineLogger>[0], "write">) {
  const lines: string[] = [];
  const log = createLineLogger({ ...options, write: (line) => lines.push(line), now: () => at });
  return { log, lines };
}

describe("createLineLogger", () => {
  it("writes text lines as given by default, with the call's fields as key=value", () => {
    const { log, lines } = capture({ textPrefix: "[r1] ", fields: { runner: "r1" } });
    log.info("ready");
    log.warn("slow", { ms: 12, tenant: "t 1" });
    expect(log.format).toBe("text");
    expect(lines).toEqual(["[r1] ready", '[r1] slow ms=12 tenant="t 1"']);
  });

  it("writes one JSON object per line: time, level, msg, then the fields", () => {
    const { log, lines } = capture({ format: "json", textPrefix: "[r1] ", fields: { runner: "r1" } });
    log.info("ready", { port: 8080 });
    log.error("failed", {
      error: PipeError.from("disk gone", "error.io"),
      cause: new Error("EIO"),
      big: 10n,
      msg: "ignored",
    });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { time: "2026-12-03T10:00:00.000Z", level: "info", msg: "ready", runner: "r1", port: 8080 },
      {
        time: "2026-12-03T10:00:00.000Z",
        level: "error",
        msg: "failed",
        runner: "r1",
        error: { code: "error.io", message: "disk gone" },
        cause: "EIO",
        big: "10",
      },
    ]);
    expect(Object.keys(JSON.parse(lines[0] as string))).toEqual(["time", "level", "msg", "runner", "port"]);
  });

  it("keeps every message and field intact in JSON, one line each", () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.dictionary(
          fc.string().filter((k) => !["time", "level", "msg", "__proto__"].includes(k)),
          fc.oneof(fc.string(), fc.integer(), fc.boolean()),
        ),
        (msg, fields) => {
          const { log, lines } = capture({ format: "json" });
          log.warn(msg, fields);
          expect(lines).toHaveLength(1);
          expect(lines[0]).not.toContain("\n");
          expect(JSON.parse(lines[0] as string)).toEqual({
            time: at.toISOString(),
            level: "warn",
            msg,
            ...fields,
          });
        },
      ),
    );
  });

  it("rejects a missing writer or an unknown format", () => {
    expect(() => createLineLogger({ write: undefined as never })).toThrow(TypeError);
    expect(() => createLineLogger({ write: () => {}, format: "yaml" as never })).toThrow(TypeError);
    expect([isLogFormat("text"), isLogFormat("json"), isLogFormat("JSON"), isLogFormat(undefined)]).toEqual([
      true,
      true,
      false,
      false,
    ]);
  });
  it("writes a field JSON cannot hold as a description instead of throwing, and keeps a __proto__ field as data", () => {
    const lines: string[] = [];
    const log = createLineLogger({
      format: "json",
      write: (line) => lines.push(line),
      now: () => new Date(0),
    });
    const cycle: Record<string, unknown> = { name: "loop" };
    cycle.self = cycle;
    log.info("odd fields", { cycle, nested: { big: 1n }, fine: 2 });
    log.info("hostile", JSON.parse('{"__proto__": {"admin": true}}'));
    const first = JSON.parse(lines[0] ?? "{}");
    expect(first.fine).toBe(2);
    expect(first.cycle).toMatch(/^\[unserialisable: /);
    expect(first.nested).toMatch(/^\[unserialisable: /);
    const second = JSON.parse(lines[1] ?? "{}");
    expect(Object.hasOwn(second, "__proto__")).toBe(true);
    expect(second.admin).toBeUndefined();
  });
});
