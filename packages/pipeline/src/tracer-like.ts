/**
 * The tracer shape `PipelineTracing` records spans to: a subset of OpenTelemetry's `Tracer` and `Span`, so an
 * OpenTelemetry tracer fits without an adapter.
 *
 * @module
 */

/** Attributes of a span or span event (OpenTelemetry `Attributes`-compatible). */
export type SpanAttributes = Readonly<Record<string, string | number | boolean | undefined>>;

/**
 * The part of a span the `@pipe` packages use; an OpenTelemetry `Span` satisfies it structurally.
 *
 * @example
 * ```ts
 * import type { SpanLike } from "@pipe/pipeline";
 * const span: SpanLike = {
 *   setAttribute: () => span,
 *   addEvent: (name) => console.log(name),
 *   setStatus: () => span,
 *   end: () => {},
 * };
 * span.addEvent("pipeline.compensation");
 * ```
 */
export interface SpanLike {
  /** Sets one attribute. */
  setAttribute(key: string, value: string | number | boolean): unknown;
  /** Adds an event (a timestamped annotation). */
  addEvent(name: string, attributes?: SpanAttributes): unknown;
  /** Sets the status: `code` 2 is OpenTelemetry's `SpanStatusCode.ERROR`. */
  setStatus(status: { code: number; message?: string }): unknown;
  /** Ends the span. */
  end(): void;
}

/** Options when starting a span (OpenTelemetry `SpanOptions`-compatible subset). */
export interface SpanStartOptions {
  /** Attributes known when the span starts. */
  readonly attributes?: SpanAttributes;
}

/**
 * The span factory the `@pipe` packages use; an OpenTelemetry `Tracer` satisfies it structurally.
 *
 * Details: only `startActiveSpan(name, options, fn)` is called. It makes the span the active one while `fn` runs,
 * so spans started inside (the steps of a fan-out or saga) become its children wherever the application has
 * registered a context manager (the OpenTelemetry Node SDK registers one on `AsyncLocalStorage`).
 *
 * @example
 * ```ts
 * import { trace } from "@opentelemetry/api";
 * import type { TracerLike } from "@pipe/pipeline";
 * const tracer: TracerLike = trace.getTracer("my-service");
 * ```
 */
export interface TracerLike {
  /**
   * Starts a span, runs `fn(span)` with it active, and returns what `fn` returns (`fn` ends the span).
   * @typeParam F - the callback's type, so its return type (a value or a promise) passes through.
   */
  startActiveSpan<F extends (span: SpanLike) => unknown>(
    name: string,
    options: SpanStartOptions,
    fn: F,
  ): ReturnType<F>;
}
