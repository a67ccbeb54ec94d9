/** Runtime detection and the check of a run's label against the runtime actually running. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { detectRuntime, runtimeLabelMismatch } from "../src/runtime.ts";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("detectRuntime", () => {
  it("reports Node with its version here", () => {
    expect(detectRuntime()).toEqual({ name: "node", version: process.versions.node });
  });

  it("knows workerd by its user agent before anything else, even with process defined", () => {
    vi.stubGlobal("navigator", { userAgent: "Cloudflare-Workers" });
    vi.stubGlobal("__pipeWorkerdVersion", "2026.11.17");
    expect(detectRuntime()).toEqual({ name: "workerd", version: "2026.11.17" });
  });

  it("knows a browser page by document without process, with the engine's version", () => {
    vi.stubGlobal("process", undefined);
    vi.stubGlobal("document", {});
    vi.stubGlobal("navigator", {
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0 Safari/537.36",
    });
    expect(detectRuntime()).toEqual({ name: "browser", version: "156.0.0" });
  });
});

describe("runtimeLabelMismatch", () => {
  const node24 = { name: "node", version: "24.22.3" } as const;
  it("accepts the runtime's name, with or without its major version", () => {
    expect(runtimeLabelMismatch("node", node24)).toBeUndefined();
    expect(runtimeLabelMismatch("node24", node24)).toBeUndefined();
  });
  it("rejects another runtime, another major version, or no label shape", () => {
    expect(runtimeLabelMismatch("node22", node24)).toBe("labelled node22 but running on node 24.22.3");
    expect(runtimeLabelMismatch("deno", node24)).toBe("labelled deno but running on node 24.22.3");
    expect(runtimeLabelMismatch("Node 24", node24)).toContain("is not a runtime label");
  });
});
