import { Channel } from "@pipe/pipeline";
import { TenantRouter } from "@pipe/tenants";
import { describe, expect, it } from "vitest";
import type { EffectWrite, TenantFences } from "../src/fences.ts";
import { type Held, ownsEnvelope } from "../src/internal/handoff.ts";
import { createClusterProcessor, type ProcessorStats, zeroProcessorStats } from "../src/processor.ts";
import type { ClusterEnvelope } from "../src/stream-ingress.ts";

const envelope = (n: number, acquisition: number): ClusterEnvelope => ({
  tenantId: "acme",
  messageId: `m${n}`,
  payload: { n },
  streamId: `${n}-0`,
  token: 3,
  acquisition,
});

describe("the cluster processor", () => {
  it("never writes an envelope read before its tenant restarted under the same token", async () => {
    const written: string[] = [];
    const fences = {
      commit: async (w: EffectWrite) => {
        written.push(w.messageId);
        return "ok" as const;
      },
    } as unknown as TenantFences;
    const stats: ProcessorStats = zeroProcessorStats();
    // The tenant was restarted under the same token 3: acquisition 1 was replaced by acquisition 2.
    const held = new Map<string, Held>([
      ["acme", { token: 3, acquisition: 2, committed: "0-0", trimmed: "0-0" }],
    ]);
    const finished: string[] = [];
    const input = Channel.createUnbounded<ClusterEnvelope>();
    const router = new TenantRouter<ClusterEnvelope>(input.reader, {
      tenants: ["acme"],
      process: createClusterProcessor({
        fences,
        owns: (e) => ownsEnvelope(held, e),
        finished: (e, outcome) => finished.push(`${e.messageId}:${outcome}`),
        stats,
        attemptPrefix: "a:1",
      }),
    });
    // m5 was read by the first acquisition and is still buffered; the new one reads again from m1.
    for (const e of [envelope(5, 1), envelope(1, 2), envelope(2, 2)]) input.writer.tryWrite(e);
    input.writer.complete();
    const result = await router.run();
    expect(result.isOk).toBe(true);
    expect(written).toEqual(["m1", "m2"]);
    expect(finished).toEqual(["m5:abandoned", "m1:ok", "m2:ok"]);
    expect(stats).toMatchObject({ committed: 2, abandoned: 1 });
  });
});
