import * as channels from "@pipe/channels";
import * as pipeline from "@pipe/pipeline";
import * as result from "@pipe/result";
import * as tenants from "@pipe/tenants";
import { describe, expect, it } from "../src/harness.ts";
import { detectRuntime, runtimeLabelMismatch } from "../src/runtime.ts";

interface Globals {
  Deno?: unknown;
  Bun?: unknown;
}

describe("platform", () => {
  it("runs on the runtime it reports, not secretly on another", () => {
    const runtime = detectRuntime();
    const g = globalThis as Globals;
    expect(["node", "deno", "bun", "browser", "workerd"]).toContain(runtime.name);
    expect(runtime.version).toMatch(/^\d+\.\d+\.\d+/);
    if (runtime.name === "deno") expect(g.Deno).toBeDefined();
    if (runtime.name === "bun") expect(g.Bun).toBeDefined();
    if (runtime.name === "node" || runtime.name === "browser") {
      expect(g.Deno).toBeUndefined();
      expect(g.Bun).toBeUndefined();
    }
    // The runner labels each run (node24, deno): the label must name this runtime and its major version.
    const label = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
      ?.PIPE_CONFORMANCE_RUNTIME;
    if (label !== undefined && label !== "") expect(runtimeLabelMismatch(label, runtime)).toBeUndefined();
  });

  it("imports the runtime-agnostic packages by name from their built dist", async () => {
    for (const mod of [result, channels, pipeline, tenants]) {
      expect(typeof mod).toBe("object");
    }
    const resolved = import.meta.resolve("@pipe/result");
    expect(resolved).toMatch(/\/dist\/index\.js$/);
  });

  it("imports @pipe/shards by name from its built dist", async () => {
    // Loaded here, not at the top of the file, so a runtime that cannot load it lists only this test.
    const shards = await import("@pipe/shards");
    expect(typeof shards.ShardControlPlaneService).toBe("function");
    expect(import.meta.resolve("@pipe/shards")).toMatch(/\/dist\/index\.js$/);
  });
});
