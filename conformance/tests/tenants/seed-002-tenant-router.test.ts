/**
 * Seed 002 ("Dynamic Fan-Out per Tenant With Result Pipelines") with `@pipe/tenants`' router instead of the
 * broadcasting `fanOut`: each tenant processor sees only its own envelopes, in order; `isolate` rolls back only
 * the failing tenant's ledger; `failFast` rolls everything back in reverse.
 */
import {
  Channel,
  type ChannelReader,
  CompensationScope,
  Result as R,
  type Result,
  ResultPipelineStepContext,
  ResultRetryPolicy,
  VirtualTimeProvider,
} from "@pipe/pipeline";
import { type DeadLetter, TenantErrorCodes, TenantRouter } from "@pipe/tenants";
import { describe, expect, it } from "../../src/harness.ts";

interface Envelope {
  readonly tenantId: string;
  readonly messageId: string;
  readonly payload: string;
}

const TENANTS = ["acme", "globex", "initech"];

function tenantWorld(badTenant?: string, badMessage?: string) {
  const ledger: string[] = [];
  const rollbacks: string[] = [];
  const registered: string[] = [];
  const outbox: string[] = [];
  const seen = new Map<string, string[]>();
  const tenantLedger = {
    async append(tenantId: string, payload: string, _signal: AbortSignal) {
      await Promise.resolve();
      ledger.push(`${tenantId}:${payload}`);
    },
    async rollback(tenantId: string, messageId: string, _signal: AbortSignal) {
      await Promise.resolve();
      rollbacks.push(`${tenantId}:${messageId}`);
      const at = ledger.indexOf(`${tenantId}:payload-${messageId}`);
      if (at !== -1) ledger.splice(at, 1);
    },
  };
  const validators = (tenantId: string) => ({
    async validate(payload: string, _signal: AbortSignal) {
      await Promise.resolve();
      if (tenantId === badTenant && payload === `payload-${badMessage}`)
        throw new Error(`invalid for ${tenantId}`);
    },
  });
  const publish = async (tenantId: string, payload: string, _signal: AbortSignal) => {
    await Promise.resolve();
    outbox.push(`${tenantId}:${payload}`);
  };
  // Step 4 of the seed, unchanged in shape: (context, tenantId, envelope, signal).
  const processTenantMessage = async (
    context: ResultPipelineStepContext,
    tenantId: string,
    envelope: Envelope,
    cancellationSignal: AbortSignal,
  ): Promise<Result<void>> => {
    const list = seen.get(tenantId) ?? [];
    list.push(`${envelope.tenantId}/${envelope.messageId}`);
    seen.set(tenantId, list);
    return await R.tryAsync(
      async (signal) => {
        await validators(tenantId).validate(envelope.payload, signal);
        registered.push(`${tenantId}:${envelope.messageId}`);
        context.registerCompensation(async (token) => {
          await tenantLedger.rollback(tenantId, envelope.messageId, token);
        });
        await tenantLedger.append(tenantId, envelope.payload, signal);
        await publish(tenantId, envelope.payload, signal);
      },
      { signal: cancellationSignal },
    );
  };
  return { ledger, rollbacks, registered, outbox, seen, processTenantMessage };
}

async function drive<T>(promise: Promise<T>, clock: VirtualTimeProvider): Promise<T> {
  let settled = false;
  void promise.then(() => {
    settled = true;
  });
  for (let i = 0; i < 10_000 && !settled; i++) await clock.advance(10);
  return await promise;
}

function ingressOf(): ChannelReader<Envelope> {
  const channel = Channel.createUnbounded<Envelope>();
  for (let i = 0; i < 5; i++)
    for (const tenantId of TENANTS)
      channel.writer.tryWrite({ tenantId, messageId: `m${i}`, payload: `payload-m${i}` });
  channel.writer.tryComplete();
  return channel.reader;
}

async function runSeed(failureMode: "isolate" | "failFast", badTenant?: string, badMessage?: string) {
  const w = tenantWorld(badTenant, badMessage);
  const clock = new VirtualTimeProvider();
  const scope = new CompensationScope();
  const context = new ResultPipelineStepContext(
    "ingress.tenants",
    scope,
    clock,
    new AbortController().signal,
  );
  const router = new TenantRouter(ingressOf(), {
    context,
    tenants: TENANTS,
    capacity: 1_000,
    failureMode,
    retry: ResultRetryPolicy.fixed(2, 50),
    process: w.processTenantMessage,
  });
  const result = await drive(router.run(), clock);
  const letters: DeadLetter<Envelope>[] = [];
  for await (const d of router.deadLetters) letters.push(d);
  return { ...w, result, scope, router, letters };
}

describe("tenants: seed 002 with the tenant router", () => {
  it("each tenant processor sees only its own envelopes, in order; a clean run keeps every ledger", async () => {
    const run = await runSeed("isolate");
    expect(run.result.isOk).toBe(true);
    for (const tenantId of TENANTS)
      expect(run.seen.get(tenantId)).toEqual([0, 1, 2, 3, 4].map((i) => `${tenantId}/m${i}`));
    expect(run.ledger).toHaveLength(15);
    expect(run.outbox).toHaveLength(15);
    expect(run.scope.size).toBe(15); // rollbacks stay available to a later stage, as in the seed
    expect(run.letters).toEqual([]);
  });

  it("isolate: the failing tenant's ledger is rolled back, the other tenants' ledgers are complete", async () => {
    const run = await runSeed("isolate", "globex", "m2");
    expect(run.result.isErr).toBe(true);
    expect(run.result.error?.code).toBe("error.aggregate");
    expect(run.result.error?.errors.map((e) => [e.code, e.metadata.tenantId])).toEqual([
      [TenantErrorCodes.parked, "globex"],
    ]);
    expect(run.ledger.filter((l) => l.startsWith("globex:"))).toEqual([]);
    for (const tenantId of ["acme", "initech"])
      expect(run.ledger.filter((l) => l.startsWith(`${tenantId}:`))).toEqual(
        [0, 1, 2, 3, 4].map((i) => `${tenantId}:payload-m${i}`),
      );
    expect(run.rollbacks).toEqual(["globex:m1", "globex:m0"]);
    const globex = run.router.snapshot().tenants.find((t) => t.tenantId === "globex");
    expect(globex?.error?.code).toBe(TenantErrorCodes.parked);
    expect(globex?.restarts).toBe(1);
    expect(run.letters.map((d) => `${d.tenantId}/${d.envelope.messageId}`)).toEqual([
      "globex/m2",
      "globex/m3",
      "globex/m4",
    ]);
  });

  it("failFast: the first failure aborts every tenant and the root scope replays everything in reverse", async () => {
    const run = await runSeed("failFast", "globex", "m2");
    expect(run.result.isErr).toBe(true);
    expect(run.result.error?.errors[0]?.metadata.tenantId).toBe("globex");
    expect(run.result.error?.errors[0]?.code).toBe("error.exception");
    expect(run.rollbacks).toEqual([...run.registered].reverse());
    expect(run.ledger).toEqual([]);
    expect(run.rollbacks.filter((r) => r.startsWith("globex:"))).toEqual(["globex:m1", "globex:m0"]);
    expect(run.scope.hasActions).toBe(false);
    const processedOrLettered = run.registered.length + run.letters.length;
    expect(processedOrLettered).toBeGreaterThanOrEqual(15 - 1);
  });
});
