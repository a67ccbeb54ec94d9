import { describe, expect, it } from "vitest";
import { parseClusterConfig } from "../src/config.ts";
import { clusterOutput } from "../src/output.ts";
import { traffic } from "../src/traffic.ts";

describe("tenant-cluster CLI configuration", () => {
  it("reads flags, then the environment, with defaults", () => {
    const c = parseClusterConfig(["run", "--runner-id", "r1", "--lease-ms", "1500", "--fail-marked"], {
      DATABASE_URL: "postgres://x/db",
    });
    expect(c).toMatchObject({
      command: "run",
      runnerId: "r1",
      leaseMs: 1500,
      failMarked: true,
      databaseUrl: "postgres://x/db",
    });
    expect(c.redisUrl).toBe("redis://127.0.0.1:6379");
    expect(parseClusterConfig([], {}).command).toBe("help");
  });

  it("rejects bad input with a message naming the flag", () => {
    expect(() => parseClusterConfig(["run", "--lease-ms", "50"], {})).toThrow(
      /--lease-ms must be an integer >= 200/,
    );
    expect(() => parseClusterConfig(["run", "--overflow", "drop"], {})).toThrow(/--overflow must be one of/);
    expect(() => parseClusterConfig(["serve"], {})).toThrow(/Unknown command "serve"/);
    expect(() => parseClusterConfig(["run", "--weight", "0"], {})).toThrow(/--weight/);
    expect(() => parseClusterConfig(["run", "--nope"], {})).toThrow(TypeError);
  });

  it("generates round-robin traffic with every Nth envelope marked to fail once", () => {
    const t = [...traffic({ tenants: 3, messages: 6, runId: "r", failEvery: 3 })];
    expect(t.map((e) => e.tenantId)).toEqual(["t000", "t001", "t002", "t000", "t001", "t002"]);
    expect(t.filter((e) => e.payload.fail === true).map((e) => e.messageId)).toEqual(["r-2", "r-5"]);
  });

  it("--log-format: text lines as before, or one JSON object per line with the runner id", () => {
    expect(parseClusterConfig(["run"], {}).logFormat).toBe("text");
    expect(parseClusterConfig(["run"], { LOG_FORMAT: "json" }).logFormat).toBe("json");
    expect(parseClusterConfig(["run", "--log-format", "text"], { LOG_FORMAT: "json" }).logFormat).toBe(
      "text",
    );
    expect(() => parseClusterConfig(["run", "--log-format", "xml"], {})).toThrow(
      /--log-format must be one of/,
    );
    const emit = (format: "text" | "json") => {
      const out: string[] = [];
      const err: string[] = [];
      const o = clusterOutput(format, "r1", { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
      o.say("ready runner=r1");
      o.runnerLog("acquired t001 (token 3) after 0");
      o.error("cannot start: no database");
      return { out, err };
    };
    expect(emit("text")).toEqual({
      out: ["ready runner=r1", "[r1] acquired t001 (token 3) after 0"],
      err: ["cannot start: no database"],
    });
    const json = emit("json");
    const records = [...json.out, ...json.err].map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map(({ time, ...rest }) => rest)).toEqual([
      { level: "info", msg: "ready runner=r1", app: "tenant-cluster", runner: "r1" },
      { level: "info", msg: "acquired t001 (token 3) after 0", app: "tenant-cluster", runner: "r1" },
      { level: "error", msg: "cannot start: no database", app: "tenant-cluster", runner: "r1" },
    ]);
  });
});
