import { context, SpanStatusCode } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { err, ok, PipeError, PipelineTracing, ResultRetryPolicy } from "@pipe/pipeline";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { TenantRouter } from "../src/index.ts";
import { drive, env, filledIngress, VirtualTimeProvider } from "./helpers.ts";

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
});
afterAll(() => {
  context.disable();
});
beforeEach(() => exporter.reset());
afterEach(() => PipelineTracing.reset());

const envelopes = (): ReadableSpan[] =>
  exporter.getFinishedSpans().filter((s) => s.name === "tenants.envelope");
const eventsOf = (span: ReadableSpan | undefined) =>
  (span?.events ?? []).map((e) => [
    e.name,
    e.attributes?.["pipeline.compensation.index"] ?? e.attributes?.["error.type"],
  ]);

describe("tenant envelope spans", () => {
  it("opens none while no tracer is configured", async () => {
    const clock = new VirtualTimeProvider();
    await drive(
      new TenantRouter(filledIngress([env("a", 1)]), {
        tenants: ["a"],
        timeProvider: clock,
        process: () => ok(),
      }).run(),
      clock,
    );
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it("gives each envelope a span with its retries and rollbacks; a parked envelope fails its span", async () => {
    PipelineTracing.configure(provider.getTracer("tenants-test"));
    const clock = new VirtualTimeProvider();
    const undone: string[] = [];
    let b2Attempts = 0;
    const router = new TenantRouter(filledIngress([env("a", 1), env("b", 1), env("b", 2), env("c", 1)]), {
      tenants: ["a", "b", "c"],
      retry: ResultRetryPolicy.fixed(2, 1),
      timeProvider: clock,
      process: (ctx, tenantId, envelope) => {
        provider.getTracer("user").startSpan("user.work").end();
        if (tenantId === "c") return err(PipeError.from("c is down", "error.unavailable"));
        const label = `${tenantId}${envelope.id}`;
        if (label === "b2" && ++b2Attempts === 1) {
          ctx.registerCompensation(() => {
            undone.push("b2 try 1");
          });
          return err(PipeError.from("flaky", "error.timeout"));
        }
        ctx.registerCompensation(() => {
          undone.push(label);
        });
        return ok();
      },
    });
    await drive(router.run(), clock);
    const spans = envelopes();
    const byTenant = (id: string) => spans.filter((s) => s.attributes["tenant.id"] === id);
    expect(spans).toHaveLength(4);
    expect(byTenant("a").map((s) => s.status.code)).toEqual([SpanStatusCode.UNSET]);
    const [b1, b2] = byTenant("b");
    expect(b1?.events).toEqual([]);
    // b2's failed first attempt rolled back the tenant's scope (isolateRollback "tenant"), newest first.
    expect(undone).toEqual(["b2 try 1", "b1"]);
    expect(eventsOf(b2)).toEqual([
      ["tenants.attempt.failed", "error.timeout"],
      ["pipeline.compensation", 1],
      ["pipeline.compensation", 0],
    ]);
    expect(b2?.status.code).toBe(SpanStatusCode.UNSET);
    const [c1] = byTenant("c");
    expect(c1?.status).toEqual({ code: SpanStatusCode.ERROR, message: "c is down" });
    expect(c1?.attributes["error.type"]).toBe("error.unavailable");
    expect(eventsOf(c1)).toEqual([
      ["tenants.attempt.failed", "error.unavailable"],
      ["tenants.attempt.failed", "error.unavailable"],
    ]);
    // The processor's own spans are children of its envelope's span.
    const work = exporter.getFinishedSpans().filter((s) => s.name === "user.work");
    const envelopeIds = new Set(spans.map((s) => s.spanContext().spanId));
    expect(work.length).toBeGreaterThanOrEqual(4);
    expect(work.every((s) => envelopeIds.has(s.parentSpanContext?.spanId ?? ""))).toBe(true);
    // A tenant's worker has no span of its own (it would hold every envelope of the run in one trace).
    expect(spans.every((s) => s.parentSpanContext === undefined)).toBe(true);
    expect(exporter.getFinishedSpans().filter((s) => s.name.startsWith("pipeline."))).toEqual([]);
  });
});
