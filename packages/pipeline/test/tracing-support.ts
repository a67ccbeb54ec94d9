/** The real OpenTelemetry SDK for the tracing tests: an in-memory exporter and the AsyncLocalStorage context manager. */
import { type Attributes, context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { afterAll, afterEach, beforeAll, beforeEach, expect } from "vitest";
import { PipelineTracing } from "../src/index.ts";

export const exporter: InMemorySpanExporter = new InMemorySpanExporter();
export const provider: TracerProvider = new TracerProvider({
  spanProcessors: [new SimpleSpanProcessor({ exporter })],
});

/** Registers the hooks: a context manager for the file, a fresh exporter and a configured tracer per test. */
export function useTracing(): void {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    context.disable();
  });
  beforeEach(() => {
    exporter.reset();
    // The SDK's Tracer is handed in as is: this line also checks that it satisfies TracerLike.
    PipelineTracing.configure(provider.getTracer("pipeline-test"));
  });
  afterEach(() => PipelineTracing.reset());
}

export const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
export const named = (name: string): ReadableSpan[] => spans().filter((s) => s.name === name);
export const one = (name: string): ReadableSpan => {
  const found = named(name);
  expect(found).toHaveLength(1);
  return found[0] as ReadableSpan;
};
export const childrenOf = (parent: ReadableSpan): ReadableSpan[] =>
  spans().filter((s) => s.parentSpanContext?.spanId === parent.spanContext().spanId);
export const compensationEvents = (span: ReadableSpan): Attributes[] =>
  span.events.filter((e) => e.name === "pipeline.compensation").map((e) => e.attributes ?? {});
export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
