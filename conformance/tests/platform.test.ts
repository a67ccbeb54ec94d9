import * as channels from "@pipe/channels";
import * as pipeline from "@pipe/pipeline";
import * as result from "@pipe/result";
import * as shards from "@pipe/shards";
import * as tenants from "@pipe/tenants";
import { describe, expect, it } from "../src/harness.ts";
import { detectRuntime } from "../src/runtime.ts";

interface Globals {
  Deno?: unknown;
  Bun?: unknown;
}

describe("platform", () => {
  it("runs on the runtime it reports, not secretly on another", () => {
    const runtime = detectRuntime();
    const g = globalThis as Globals;
    expect(["node", "deno", "bun"]).toContain(runtime.name);
    expect(runtime.version).toMatch(/^\d+\.\d+\.\d+/);
    if (runtime.name === "deno") expect(g.Deno).toBeDefined();
    if (runtime.name === "bun") expect(g.Bun).toBeDefined();
    if (runtime.name === "node") {
      expect(g.Deno).toBeUndefined();
      expect(g.Bun).toBeUndefined();
    }
    const expected = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
      ?.PIPE_EXPECT_RUNTIME;
    if (expected !== undefined) expect(runtime.name).toBe(expected);
  });

  it("imports every package's public entry by name from its built dist", async () => {
    for (const mod of [result, channels, pipeline, shards, tenants]) {
      expect(typeof mod).toBe("object");
    }
    const resolved = import.meta.resolve("@pipe/result");
    expect(resolved).toMatch(/\/dist\/index\.js$/);
  });
});
