/**
 * Seed 002 ("Dynamic Fan-Out per Tenant With Result Pipelines") ported as written: `ResultPipelineChannels.fanOut`
 * branches, one `WaitGroup.go(context, ...)` processor per tenant, and `waitGroup.wait()` returning a Result.
 */
import {
  Channel,
  type ChannelReader,
  CompensationScope,
  Result as R,
  type Result,
  ResultCompensationPolicy,
  ResultExecutionPolicy,
  ResultPipelineChannels,
  ResultPipelineStepContext,
  TimeProvider,
  WaitGroup,
} from "@pipe/pipeline";
import { describe, expect, it } from "../../src/harness.ts";

interface Envelope {
  readonly messageId: string;
  readonly payload: string;
}

function tenantWorld(badTenant?: string, badMessage?: string) {
  const ledger: string[] = [];
  const rollbacks: string[] = [];
  const registered: string[] = [];
  const outbox: string[] = [];
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

  // Step 4 of the seed.
  const processTenantMessage = async (
    context: ResultPipelineStepContext,
    tenantId: string,
    envelope: Envelope,
    cancellationSignal: AbortSignal,
  ): Promise<Result<void>> =>
    await R.tryAsync(
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

  return { ledger, rollbacks, registered, outbox, processTenantMessage };
}

interface Feed {
  /** Envelopes in the ingress (default 5). */
  readonly messages?: number;
  /** Each tenant branch's capacity (the seed's 1_000 by default). */
  readonly capacity?: number;
}

/** Rejects when `promise` has not settled after `ms` of real time (a deadlock guard, never a timed assertion). */
async function withinDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`deadlock: wait() did not resolve within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

async function runSeed(badTenant?: string, badMessage?: string, feed: Feed = {}) {
  const w = tenantWorld(badTenant, badMessage);
  const cancellationSignal = new AbortController().signal;
  // Step 1.
  const scope = new CompensationScope();
  const context = new ResultPipelineStepContext(
    "ingress.tenants",
    scope,
    TimeProvider.system,
    cancellationSignal,
  );
  const ingressChannel = Channel.createUnbounded<Envelope>();
  const ingress: ChannelReader<Envelope> = ingressChannel.reader;
  for (let i = 0; i < (feed.messages ?? 5); i++)
    ingressChannel.writer.tryWrite({ messageId: `m${i}`, payload: `payload-m${i}` });
  ingressChannel.writer.tryComplete();

  // Step 2.
  const tenantIds = ["acme", "globex", "initech"];
  const branchCount = tenantIds.length;
  const tenantReaders: readonly ChannelReader<Envelope>[] = ResultPipelineChannels.fanOut(context, ingress, {
    branchCount,
    completeBranches: true,
    channelFactory: () =>
      Channel.createBounded<Envelope>({
        capacity: feed.capacity ?? 1_000,
        singleReader: true,
        singleWriter: false,
        fullMode: "wait",
      }),
    signal: cancellationSignal,
  });

  // Step 3.
  const waitGroup = new WaitGroup();
  for (let i = 0; i < tenantReaders.length; i++) {
    const tenantId = tenantIds[i] as string;
    const tenantReader = tenantReaders[i] as ChannelReader<Envelope>;
    waitGroup.go(
      context,
      async (childContext, token) => {
        for await (const envelope of tenantReader.readAll({ signal: token })) {
          const result = await w.processTenantMessage(childContext, tenantId, envelope, token);
          if (result.isErr) {
            return result; // triggers compensation + upstream failure
          }
        }
        return R.ok();
      },
      { stepName: `tenant[${tenantId}]` },
    );
  }

  // Step 5 (bounded: a deadlock fails the test instead of hanging the suite).
  const waitResult = await withinDeadline(waitGroup.wait({ signal: cancellationSignal }), 20_000);
  let compensated = false;
  if (waitResult.isErr) {
    const policy = ResultExecutionPolicy.none.withCompensation(ResultCompensationPolicy.sequentialReverse);
    await R.runCompensation(policy, scope, { signal: cancellationSignal });
    compensated = true;
  }
  return { ...w, waitResult, scope, compensated };
}

describe("pipeline seed 002: dynamic fan-out per tenant", () => {
  it("every tenant branch sees the stream; a clean run makes wait() Ok and keeps the ledger", async () => {
    const run = await runSeed();
    expect(run.waitResult.isOk).toBe(true);
    expect(run.compensated).toBe(false);
    expect(run.ledger).toHaveLength(15);
    expect(run.outbox).toHaveLength(15);
    expect(run.scope.hasActions).toBe(true); // ledger rollbacks stay available to a later stage
  });

  it("a failing tenant processor makes wait() fail and the root scope replays ledger rollbacks in reverse", async () => {
    const run = await runSeed("globex", "m2");
    expect(run.waitResult.isErr).toBe(true);
    expect(run.waitResult.error?.code).toBe("error.exception");
    expect(run.compensated).toBe(true);
    expect(run.rollbacks).toEqual([...run.registered].reverse());
    expect(run.ledger).toEqual([]);
    expect(run.rollbacks.filter((r) => r.startsWith("globex:"))).toEqual(["globex:m1", "globex:m0"]);
    expect(run.scope.hasActions).toBe(false);
  });

  it("a failing tenant with a feed larger than a branch fails the context: no deadlock, its error, every rollback once", async () => {
    // Issue 14 item 7: the broadcast used to block on the failed tenant's full branch, the other tenants stalled
    // waiting for more, and wait() never resolved.
    const run = await runSeed("globex", "m2", { messages: 200, capacity: 4 });
    expect(run.waitResult.isErr).toBe(true);
    expect(run.waitResult.error?.code).toBe("error.exception"); // the failing tenant's error, not error.canceled
    expect(run.waitResult.error?.message).toBe("invalid for globex");
    expect(run.compensated).toBe(true);
    expect(run.rollbacks).toEqual([...run.registered].reverse());
    expect(new Set(run.rollbacks).size).toBe(run.rollbacks.length); // each compensation ran once
    expect(run.ledger).toEqual([]);
    expect(run.rollbacks.filter((r) => r.startsWith("globex:"))).toEqual(["globex:m1", "globex:m0"]);
    expect(run.registered.length).toBeLessThan(3 * 200); // the fan-out and the other tenants stopped early
    expect(run.scope.hasActions).toBe(false);
  });
});
