import type { TimeProvider, TimerHandle } from "@pipe/channels";
import { PipeError, type Result } from "@pipe/result";
import type { ShardRecordDiff } from "../../model.ts";

/** Hooks of one watch stream (metrics, registry of open streams). @internal */
interface SseHooks {
  readonly onEvent: () => void;
  readonly onHeartbeat: () => void;
  readonly onError: (error: PipeError) => void;
  readonly onClose: () => void;
}

/** Options of {@link sseWatch}. @internal */
export interface SseWatchOptions {
  /** Opens the service watch; the signal aborts when the stream closes for any reason. */
  readonly source: (signal: AbortSignal) => AsyncIterable<Result<ShardRecordDiff>>;
  readonly time: TimeProvider;
  readonly heartbeatMs: number;
  readonly retryMs: number;
  /** The request's signal (aborts when the client disconnects, on runtimes that report it). */
  readonly requestSignal: AbortSignal | undefined;
  readonly hooks: SseHooks;
}

/** An open watch stream: the response to send and a way to end it (server shutdown). @internal */
export interface SseWatch {
  readonly response: Response;
  /**
   * Ends the stream for a server shutdown: sends a last `retry:` hint (and a comment saying why), then closes
   * the body cleanly, so EventSource clients reconnect with `Last-Event-ID` (to the next instance) instead of
   * treating the end as an error.
   */
  close(): void;
}

const encoder = new TextEncoder();

/** The last frame of a stream ended by a shutdown: reconnect after `retryMs`, resuming from the last id. */
const shutdownFrame = (retryMs: number): string =>
  `retry: ${retryMs}\n: the server is shutting down; reconnect with Last-Event-ID\n\n`;

const errorEvent = (e: PipeError): string =>
  `event: shard.error\ndata: ${JSON.stringify({ code: e.code ?? "error.unspecified", message: e.message, metadata: e.code === "error.exception" ? {} : e.metadata })}\n\n`;

/**
 * Serves a service watch as Server-Sent Events: `retry:` first, then `id: <position>` / `event: shard.diff` /
 * `data: <diff JSON>` per change, `: heartbeat` comments every `heartbeatMs` on the injected clock, and one
 * `event: shard.error` before closing on a failure. The stream ends, the service watch is aborted and the
 * timer cleared when the client cancels the body, the request signal aborts, `close()` is called, or the
 * source ends. Writes pause while the client is not reading (backpressure, 64 queued events), and no heartbeat
 * is queued then. A shutdown
 * (`close()`) ends the body cleanly after a last `retry:` hint, which EventSource answers by reconnecting with
 * `Last-Event-ID`. @internal
 */
export function sseWatch(options: SseWatchOptions): SseWatch {
  const { time, hooks, requestSignal } = options;
  const abort = new AbortController();
  let closed = false;
  let timer: TimerHandle | undefined;
  let wake: (() => void) | undefined;
  let ctrl: ReadableStreamDefaultController<Uint8Array> | undefined;

  const onRequestAbort = (): void => finish();
  const finish = (): void => {
    if (closed) return;
    closed = true;
    if (timer !== undefined) time.clearTimeout(timer);
    timer = undefined;
    requestSignal?.removeEventListener("abort", onRequestAbort);
    abort.abort(new DOMException("The watch stream closed.", "AbortError"));
    const w = wake;
    wake = undefined;
    w?.();
    try {
      ctrl?.close();
    } catch {
      // already closed or canceled by the consumer
    }
    hooks.onClose();
  };
  const write = (text: string): void => {
    if (!closed) ctrl?.enqueue(encoder.encode(text));
  };
  const schedule = (): void => {
    timer = time.setTimeout(beat, options.heartbeatMs);
  };
  const beat = (): void => {
    timer = undefined;
    if (closed) return;
    // A full queue means the client is not reading: a heartbeat would only wait there (and keeps nothing alive).
    if (ctrl === undefined || ctrl.desiredSize === null || ctrl.desiredSize > 0) {
      write(": heartbeat\n\n");
      hooks.onHeartbeat();
    }
    schedule();
  };
  const pump = async (): Promise<void> => {
    try {
      for await (const item of options.source(abort.signal)) {
        if (closed) break;
        if (item.isErr) {
          hooks.onError(item.error);
          write(errorEvent(item.error));
          break;
        }
        const diff = item.value;
        write(`id: ${diff.position}\nevent: shard.diff\ndata: ${JSON.stringify(diff)}\n\n`);
        hooks.onEvent();
        if (ctrl !== undefined && ctrl.desiredSize !== null && ctrl.desiredSize <= 0 && !closed)
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
      }
    } catch (e) {
      const error = PipeError.fromException(e);
      hooks.onError(error);
      write(errorEvent(error));
    }
    finish();
  };

  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        ctrl = c;
        if (requestSignal?.aborted) {
          finish();
          return;
        }
        requestSignal?.addEventListener("abort", onRequestAbort, { once: true });
        write(`retry: ${options.retryMs}\n\n`);
        schedule();
        void pump();
      },
      pull() {
        const w = wake;
        wake = undefined;
        w?.();
      },
      cancel() {
        finish();
      },
    },
    new CountQueuingStrategy({ highWaterMark: 64 }),
  );
  const response = new Response(body, {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
  return {
    response,
    close: () => {
      write(shutdownFrame(options.retryMs));
      finish();
    },
  };
}
