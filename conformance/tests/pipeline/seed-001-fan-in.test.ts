/**
 * Seed 001 ("High-Volume Fan-In With Deterministic Compensation") ported end to end: four feeds drained by
 * `ResultPipelineChannels.fanIn` into an in-memory idempotency store, event bus and lease manager.
 */
import {
  Channel,
  type ChannelReader,
  CompensationScope,
  PipeError,
  Result,
  ResultCompensationPolicy,
  ResultExecutionPolicy,
  ResultPipelineChannels,
  ResultPipelineStepContext,
  VirtualTimeProvider,
} from "@pipe/pipeline";
import { describe, expect, it } from "../../src/harness.ts";

interface RawMessage {
  readonly leaseId: string;
  readonly body: string;
}
interface Envelope {
  readonly idempotencyKey: string;
  readonly domainEvents: readonly string[];
}

class IdempotencyStore {
  readonly keys = new Set<string>();
  async record(key: string, _signal: AbortSignal): Promise<void> {
    await Promise.resolve();
    if (this.keys.has(key)) throw new Error(`duplicate ${key}`);
    this.keys.add(key);
  }
  async delete(key: string, _signal: AbortSignal): Promise<void> {
    await Promise.resolve();
    this.keys.delete(key);
  }
}

class EventBus {
  readonly log: string[] = [];
  async publish(events: readonly string[], _signal: AbortSignal): Promise<void> {
    await Promise.resolve();
    this.log.push(...events);
  }
  /** Events still in effect: each "compensate:<e>" cancels one "<e>". */
  net(): string[] {
    const live = new Map<string, number>();
    for (const e of this.log) {
      const undo = e.startsWith("compensate:");
      const key = undo ? e.slice("compensate:".length) : e;
      live.set(key, (live.get(key) ?? 0) + (undo ? -1 : 1));
    }
    return [...live].filter(([, n]) => n !== 0).map(([k]) => k);
  }
}

class LeaseManager {
  readonly held = new Set<string>();
  readonly completed = new Set<string>();
  acquire(id: string): void {
    this.held.add(id);
  }
  async complete(id: string, _signal: AbortSignal): Promise<void> {
    await Promise.resolve();
    if (!this.held.delete(id)) throw new Error(`lease ${id} not held`);
    this.completed.add(id);
  }
  async release(id: string): Promise<void> {
    await Promise.resolve();
    if (this.completed.delete(id)) this.held.add(id);
  }
}

const decoder = {
  async decode(message: RawMessage, _signal: AbortSignal): Promise<Envelope> {
    await Promise.resolve();
    if (message.body === "POISON") throw new SyntaxError(`cannot decode ${message.leaseId}`);
    return { idempotencyKey: `key-${message.leaseId}`, domainEvents: [`event-${message.leaseId}`] };
  },
};

function world(options: { poison?: { feed: number; at: number } } = {}) {
  const store = new IdempotencyStore();
  const bus = new EventBus();
  const leases = new LeaseManager();
  const readers: ChannelReader<RawMessage>[] = [];
  const feeds = ["kafka-0", "kafka-1", "sqs", "lease-feed"];
  for (let f = 0; f < feeds.length; f++) {
    const { reader, writer } = Channel.createUnbounded<RawMessage>();
    for (let i = 0; i < 25; i++) {
      const leaseId = `${feeds[f]}-${i}`;
      leases.acquire(leaseId);
      const poison = options.poison !== undefined && options.poison.feed === f && options.poison.at === i;
      writer.tryWrite({ leaseId, body: poison ? "POISON" : `payload ${i}` });
    }
    writer.complete();
    readers.push(reader);
  }
  const scope = new CompensationScope();
  const timeProvider = new VirtualTimeProvider();
  const context = new ResultPipelineStepContext({
    stepName: "ingest.fan-in",
    compensationScope: scope,
    timeProvider,
    signal: new AbortController().signal,
  });

  // Step 3 of the seed, line by line: the handler registers its compensations on the outer context.
  const handleRawMessage = (message: RawMessage, cancellationSignal: AbortSignal) =>
    Result.tryAsync(
      async (signal) => {
        const envelope = await decoder.decode(message, signal);
        await store.record(envelope.idempotencyKey, signal);
        context.registerCompensation(envelope.idempotencyKey, async (key, token) => {
          await store.delete(key, token);
        });
        context.registerCompensation(async () => {
          await bus.publish(
            envelope.domainEvents.map((e) => `compensate:${e}`),
            new AbortController().signal,
          );
        });
        await bus.publish(envelope.domainEvents, signal);
        await leases.complete(message.leaseId, signal);
        context.registerCompensation(message.leaseId, (id) => leases.release(id));
        return undefined;
      },
      { signal: cancellationSignal },
    );

  return { store, bus, leases, readers, scope, context, handleRawMessage, total: 100 };
}

const policy = ResultExecutionPolicy.none.withCompensation(ResultCompensationPolicy.sequentialReverse);

describe("pipeline seed 001: high-volume fan-in with deterministic compensation", () => {
  it("a clean run applies every message and leaves scope.hasActions === false", async () => {
    const w = world();
    const result = await ResultPipelineChannels.fanIn(w.context, w.readers, w.handleRawMessage, {
      timeout: 60_000,
      signal: w.context.signal,
    });
    expect(result.isOk).toBe(true);
    expect(w.scope.hasActions).toBe(false);
    expect(w.store.keys.size).toBe(w.total);
    expect(w.bus.net()).toHaveLength(w.total);
    expect(w.leases.completed.size).toBe(w.total);
  });

  it("a poison message fails the fan-in; after runCompensation it is as if the failed batch never ran", async () => {
    const w = world({ poison: { feed: 1, at: 12 } });
    const result = await ResultPipelineChannels.fanIn(w.context, w.readers, w.handleRawMessage, {
      timeout: 60_000,
    });
    expect(result.isErr).toBe(true);
    expect(result.error?.code).toBe("error.exception");
    expect(result.error?.cause).toBeInstanceOf(SyntaxError);
    expect(w.store.keys.size).toBeGreaterThan(0);
    const compensationError = await Result.runCompensation(policy, w.scope);
    expect(compensationError).toBeUndefined();
    expect(w.scope.hasActions).toBe(false);
    expect(w.store.keys.size).toBe(0);
    expect(w.bus.net()).toEqual([]);
    expect(w.leases.completed.size).toBe(0);
    expect(w.leases.held.size).toBe(w.total);
  });

  it("concurrency 8 + retain 'message': clean run leaves no actions", async () => {
    const w = world();
    const result = await ResultPipelineChannels.fanIn(w.context, w.readers, w.handleRawMessage, {
      timeout: 60_000,
      concurrency: 8,
      retain: "message",
    });
    expect(result.isOk).toBe(true);
    expect(w.scope.hasActions).toBe(false);
    expect(w.store.keys.size).toBe(w.total);
    expect(w.leases.completed.size).toBe(w.total);
  });

  it("concurrency 8 + retain 'message': after a poison message every message is all-or-nothing and the failed window is rolled back", async () => {
    const w = world({ poison: { feed: 2, at: 10 } });
    const result = await ResultPipelineChannels.fanIn(w.context, w.readers, w.handleRawMessage, {
      timeout: 60_000,
      concurrency: 8,
      retain: "message",
    });
    expect(result.isErr).toBe(true);
    expect(w.scope.size).toBeLessThanOrEqual(8 * 3);
    expect(await Result.runCompensation(policy, w.scope)).toBeUndefined();
    expect(w.scope.hasActions).toBe(false);
    const live = new Set(w.bus.net());
    for (const lease of [...w.leases.held, ...w.leases.completed]) {
      const applied = w.store.keys.has(`key-${lease}`);
      expect(live.has(`event-${lease}`)).toBe(applied);
      expect(w.leases.completed.has(lease)).toBe(applied);
    }
    expect(w.store.keys.has("key-sqs-10")).toBe(false);
    expect(w.store.keys.size).toBeLessThan(w.total);
  });

  it("a faulted feed is a failed Result (error.exception with the fault as cause), never a throw", async () => {
    const w = world();
    const { reader, writer } = Channel.createUnbounded<RawMessage>();
    const fault = new Error("broker connection lost");
    writer.complete(fault);
    const result = await ResultPipelineChannels.fanIn(w.context, [...w.readers, reader], w.handleRawMessage);
    expect(result.error?.code).toBe("error.exception");
    expect(result.error?.cause).toBe(fault);
    await Result.runCompensation(policy, w.scope);
    expect(w.store.keys.size).toBe(0);
  });

  it("aborting the pipeline gives error.canceled, never Ok", async () => {
    const w = world();
    const controller = new AbortController();
    const pending = ResultPipelineChannels.fanIn(
      w.context,
      w.readers,
      async (m, s) => {
        if (m.leaseId === "kafka-0-3") controller.abort("shutdown");
        return w.handleRawMessage(m, s);
      },
      { signal: controller.signal },
    );
    const result = await pending;
    expect(result.error?.code).toBe("error.canceled");
    await Result.runCompensation(policy, w.scope);
    expect(w.store.keys.size).toBe(0);
    expect(PipeError.is(result.error)).toBe(true);
  });
});
