/**
 * A Server-Sent Events parser for the CLI (Node has no EventSource before 22).
 */

/** One parsed frame: `retry` is the reconnect hint in ms when the frame carried a valid one. */
export interface SseFrame {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly retry?: number;
}

/**
 * Parses a Server-Sent Events body into frames; comment-only frames are skipped. Ends when the body ends;
 * cancels the body when the consumer stops early.
 */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseFrame> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const frame = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const e: { id?: string; event?: string; data?: string; retry?: number } = {};
        for (const line of frame.split("\n")) {
          if (line.startsWith(":")) continue;
          const i = line.indexOf(":");
          const key = i < 0 ? line : line.slice(0, i);
          const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
          if (key === "id" || key === "event") e[key] = value;
          else if (key === "data") e.data = e.data === undefined ? value : `${e.data}\n${value}`;
          else if (key === "retry" && /^\d+$/.test(value)) e.retry = Number(value);
        }
        if (e.event !== undefined || e.data !== undefined || e.retry !== undefined) yield e;
        cut = buffer.indexOf("\n\n");
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
