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

async function runSeed(badTenant?: string, badMessage?: string) {
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
  for (let i = 0; i < 5; i++)
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
        capacity: 1_000,
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

  // Step 5.
  const waitResult = await waitGroup.wait({ signal: cancellationSignal });
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
});
