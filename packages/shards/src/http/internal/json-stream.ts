import { yieldToEventLoop } from "../../internal/place.ts";

/** Bytes per chunk of a streamed body: about a millisecond of serialising. */
const CHUNK_BYTES = 128 * 1024;
/** UTF-8 bytes per UTF-16 code unit at most. */
const MAX_BYTES_PER_UNIT = 3;

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
 * A 200 `no-store` JSON response whose body is `JSON.stringify(value)` produced in chunks of about 128 KB with a
 * yield to the event loop after each, so serialising a large body (a simulation of 1M shards) never holds up
 * other requests for longer than one chunk. Each piece of text is encoded straight into its chunk's bytes (no
 * text of a whole chunk is built, flattened and encoded again). Cancelling the body stops the serialising.
 * @internal
 */
export function streamedJsonResponse(value: object): Response {
  const source = pieces(value);
  /** A piece that did not fit the previous chunk. */
  let pending: string | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const out = new Uint8Array(CHUNK_BYTES);
      let used = 0;
      for (;;) {
        let piece = pending;
        pending = undefined;
        if (piece === undefined) {
          const next = source.next();
          if (next.done === true) {
            if (used > 0) controller.enqueue(out.subarray(0, used));
            controller.close();
            return;
          }
          piece = next.value;
        }
        if (piece.length * MAX_BYTES_PER_UNIT > CHUNK_BYTES - used) {
          if (used > 0) pending = piece;
          // A piece longer than a chunk on its own is a chunk of its own.
          else controller.enqueue(encoder.encode(piece));
          break;
        }
        used += encoder.encodeInto(piece, out.subarray(used)).written;
      }
      if (used > 0) controller.enqueue(out.subarray(0, used));
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
