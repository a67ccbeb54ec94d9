import { err, ok, PipeError, type Result } from "@pipe/result";
import { ShardLimits } from "../../limits.ts";
import { ShardHttpErrorCodes } from "../codes.ts";

/**
 * The deepest nesting of arrays and objects in JSON `text` (brackets inside strings do not count); stops
 * scanning as soon as it passes `stopAbove`. Malformed text gets a best-effort answer (the parser rejects it
 * next).
 */
function nestingDepth(text: string, stopAbove: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

const tooLarge = (limit: number): PipeError =>
  PipeError.from(`The request body exceeds ${limit} bytes.`, ShardHttpErrorCodes.payloadTooLarge, {
    metadata: { limit },
  });

const malformed = (message: string): PipeError =>
  PipeError.from(`Malformed JSON body: ${message}`, ShardHttpErrorCodes.malformedJson);

const isJson = (contentType: string | null): boolean => {
  if (contentType === null) return false;
  const type = contentType.split(";")[0].trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
};

/**
 * Reads a JSON request body under a byte limit: 415 unless the content type is JSON, 413 from
 * `Content-Length` before reading or while streaming (a chunked body is cut off as soon as it passes the
 * limit), 400 for an empty body, invalid UTF-8 or malformed JSON, and 400 `shards.http.json.too_deep` when
 * arrays and objects nest deeper than `maxDepth` (checked on the text, before parsing). @internal
 */
export async function readJsonBody(
  request: Request,
  limit: number,
  maxDepth: number = ShardLimits.maxJsonDepth,
): Promise<Result<unknown>> {
  if (!isJson(request.headers.get("content-type")))
    return err(
      PipeError.from(
        "The request body must be JSON (Content-Type: application/json).",
        ShardHttpErrorCodes.unsupportedMediaType,
      ),
    );
  const declared = request.headers.get("content-length");
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit)
    return err(tooLarge(limit));
  const body = request.body;
  if (body === null) return err(malformed("Request body is required."));
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return err(tooLarge(limit));
      }
      chunks.push(value);
    }
  } catch (e) {
    return err(
      PipeError.canceled("The request body could not be read.", e instanceof Error ? e.message : String(e)),
    );
  } finally {
    reader.releaseLock();
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return err(malformed("the body is not valid UTF-8."));
  }
  if (text.trim().length === 0) return err(malformed("Request body is required."));
  const depth = nestingDepth(text, maxDepth);
  if (depth > maxDepth)
    return err(
      PipeError.from(
        `The JSON body nests deeper than ${maxDepth} levels of arrays and objects.`,
        ShardHttpErrorCodes.jsonTooDeep,
        { metadata: { limit: maxDepth } },
      ),
    );
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(malformed(e instanceof Error ? e.message : String(e)));
  }
}
