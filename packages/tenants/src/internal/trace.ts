import type { PipeError, SpanLike } from "@pipe/pipeline";

/** OpenTelemetry's `SpanStatusCode.ERROR`. */
const STATUS_ERROR = 2;

/** Adds a `tenants.attempt.failed` event for a failed processing attempt of the envelope. @internal */
export function attemptFailed(span: SpanLike, error: PipeError): void {
  span.addEvent("tenants.attempt.failed", {
    "error.type": error.code ?? "_OTHER",
    "exception.message": error.message,
  });
}

/** Ends an envelope's span, with the error status, message and `error.type` when it ended failed. @internal */
export function endEnvelopeSpan(span: SpanLike, failure: PipeError | undefined): void {
  if (failure !== undefined) {
    span.setAttribute("error.type", failure.code ?? "_OTHER");
    span.setStatus({ code: STATUS_ERROR, message: failure.message });
  }
  span.end();
}
