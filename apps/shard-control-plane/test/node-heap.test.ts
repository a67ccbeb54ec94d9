/**
 * The Node bootstrap's heap setting: short-lived response bodies beside a large heap do not keep starting full
 * collections, and a V8 without the setting is left alone (no "unrecognized flag" on stderr).
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { accountBodiesInHeapLimit } from "../src/node-heap.ts";

const appDir = fileURLToPath(new URL("..", import.meta.url));

async function churn(mode: "apply" | "leave"): Promise<{ applied: boolean; major: number; stderr: string }> {
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    ["--conditions=@pipe/source", "--import", "tsx", "test/fixtures/heap-churn.ts", mode],
    { cwd: appDir, timeout: 60_000 },
  );
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return { ...(JSON.parse(line) as { applied: boolean; major: number }), stderr };
}

describe("accountBodiesInHeapLimit", () => {
  it("does nothing on a V8 without the setting (12 and older, 15 and newer)", () => {
    expect(accountBodiesInHeapLimit("12.4.254.21-node.57")).toBe(false);
    expect(accountBodiesInHeapLimit("11.3.244.8-node.30")).toBe(false);
    expect(accountBodiesInHeapLimit("15.0.245.2-rusty")).toBe(false);
  });

  it("keeps 500 MB of short-lived bodies beside a large heap from starting a full collection per 64 MB", async () => {
    const run = await churn("apply");
    expect(run.stderr).toBe("");
    const major = Number.parseInt(process.versions.v8, 10);
    expect(run.applied).toBe(major === 13 || major === 14);
    // Without the setting, V8 13-14 start one full collection per 64 MB of bodies: 7 or 8 here.
    if (run.applied) expect(run.major).toBeLessThanOrEqual(2);
  }, 90_000);
});
