import { yieldToEventLoop } from "../../internal/place.ts";

/** Characters of JSON text per chunk of a streamed body: about a millisecond of serialising. */
const CHUNK_CHARS = 128 * 1024;

const encoder = new TextEncoder();

/**
 * The JSON text of `value` in pieces whose concatenation is `JSON.stringify(value)` for plain data: a plain
 * object's array properties come one element at a time, everything else in one piece.
 */
function* pieces(value: object): Generator<string> {
  if (Array.isArray(value) || typeof (value as { toJSON?: unknown }).toJSON === "function") {
    yield JSON.stringify(value);
    return;
  }
  const record = value as Record<string, unknown>;
  let separator = "{";
  for (const key of Object.keys(record)) {
    const field = record[key];
    if (Array.isArray(field) && typeof (field as { toJSON?: unknown }).toJSON !== "function") {
      yield `${separator}${JSON.stringify(key)}:[`;
      for (let i = 0; i < field.length; i++)
        yield `${i === 0 ? "" : ","}${JSON.stringify(field[i]) ?? "null"}`;
      yield "]";
    } else {
      const text = JSON.stringify(field) as string | undefined;
      if (text === undefined) continue;
      yield `${separator}${JSON.stringify(key)}:${text}`;
    }
    separator = ",";
  }
  yield separator === "{" ? "{}" : "}";
}

/**
 * A 200 `no-store` JSON response whose body is `JSON.stringify(value)` produced in chunks of about 128 K
 * characters with a yield to the event loop after each, so serialising a large body (a simulation of 1M shards)
 * never holds up other requests for longer than one chunk. Cancelling the body stops the serialising. @internal
 */
export function streamedJsonResponse(value: object): Response {
  const source = pieces(value);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let text = "";
      for (;;) {
        const next = source.next();
        if (next.done === true) {
          if (text.length > 0) controller.enqueue(encoder.encode(text));
          controller.close();
          return;
        }
        text += next.value;
        if (text.length >= CHUNK_CHARS) break;
      }
      controller.enqueue(encoder.encode(text));
      await yieldToEventLoop();
    },
    cancel() {
      source.return(undefined);
    },
  });
  return new Response(body, {
    status: 200,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" },
  });
}
