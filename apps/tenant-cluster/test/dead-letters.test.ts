import { Channel, PipeError } from "@pipe/pipeline";
import type { DeadLetter } from "@pipe/tenants";
import { describe, expect, it } from "vitest";
import type { TenantFences } from "../src/fences.ts";
import { storeDeadLetters } from "../src/internal/dead-letters.ts";
import type { ClusterEnvelope } from "../src/stream-ingress.ts";

const envelope = (messageId: string, token = 2): ClusterEnvelope => ({
  tenantId: "acme",
  messageId,
  payload: null,
  streamId: `${messageId.slice(1)}-0`,
  token,
  acquisition: 1,
});
const letter = (e: ClusterEnvelope, code: string): DeadLetter<ClusterEnvelope> => ({
  tenantId: e.tenantId,
  envelope: e,
  error: PipeError.from("dead", code),
});

describe("dead letters of a runner", () => {
  it("stores parked ones fenced, leaves shutdown/unknown/old-token ones to the owner, and restarts a tenant whose dead letter could not be stored", async () => {
    const stored: string[] = [];
    const fences = {
      deadLetter: async (w: ClusterEnvelope) => {
        if (w.messageId === "m3") throw new Error("connection lost");
        stored.push(w.messageId);
        return "ok" as const;
      },
    } as unknown as TenantFences;
    const finished: string[] = [];
    const restarted: string[] = [];
    const counts = { stored: 0, stale: 0, abandoned: 0 };
    const channel = Channel.createUnbounded<DeadLetter<ClusterEnvelope>>();
    for (const l of [
      letter(envelope("m1"), "tenants.parked"),
      letter(envelope("m2"), "tenants.shutdown"),
      letter(envelope("m3"), "tenants.parked"),
      letter(envelope("m4"), "tenants.unknown"),
      letter(envelope("m5", 1), "tenants.parked"),
    ])
      channel.writer.tryWrite(l);
    channel.writer.complete();
    await storeDeadLetters(channel.reader, {
      fences,
      current: (e) => e.token === 2,
      finished: (e, outcome) => finished.push(`${e.messageId}:${outcome}`),
      restart: (e) => restarted.push(e.messageId),
      counts,
    });
    expect(stored).toEqual(["m1"]);
    expect(finished).toEqual(["m1:ok", "m2:abandoned", "m3:abandoned", "m4:abandoned", "m5:abandoned"]);
    expect(restarted).toEqual(["m3"]);
    expect(counts).toEqual({ stored: 1, stale: 0, abandoned: 3 });
  });
});
