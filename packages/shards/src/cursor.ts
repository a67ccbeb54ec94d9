import { err, ok, PipeError, type Result } from "@pipe/result";
import { ShardErrorCodes } from "./codes.ts";
import { shardLookupProblem } from "./identifier.ts";
import { decodeBase64Url, encodeBase64Url } from "./internal/base64url.ts";
import type { ShardKey } from "./model.ts";

/**
 * Encodes a listing cursor: unpadded base64url of the UTF-8 string `namespace|shardId`.
 *
 * Details: URL-safe without escaping (the original used standard base64, which broke when a cursor carrying
 * `+` was pasted into a URL unencoded). A namespace cannot contain `|`; a shard id can.
 *
 * @example
 * ```ts
 * import { decodeShardCursor, encodeShardCursor } from "@pipe/shards";
 * const token = encodeShardCursor({ namespace: "ns", shardId: "a|b" });
 * console.log(decodeShardCursor(token).unwrap()); // { namespace: "ns", shardId: "a|b" }
 * ```
 */
export function encodeShardCursor(key: ShardKey): string {
  return encodeBase64Url(`${key.namespace}|${key.shardId}`);
}

/**
 * Decodes a cursor strictly: trimmed; canonical unpadded base64url only; valid UTF-8; split at the first `|`,
 * which must be neither first nor last; both parts non-blank lookup values (no U+0000, at most 4 KiB each:
 * see `ShardIdentifierLimits`), so a tampered cursor never reaches a store.
 *
 * Errors: `shards.control.cursor.invalid` "Invalid cursor token." with metadata `cursor`.
 *
 * @example
 * ```ts
 * import { decodeShardCursor } from "@pipe/shards";
 * console.log(decodeShardCursor("not base64!").error?.code); // "shards.control.cursor.invalid"
 * ```
 */
export function decodeShardCursor(token: string): Result<ShardKey> {
  const text = typeof token === "string" ? decodeBase64Url(token.trim()) : undefined;
  const bar = text === undefined ? -1 : text.indexOf("|");
  if (text !== undefined && bar > 0 && bar < text.length - 1) {
    const namespace = text.slice(0, bar);
    const shardId = text.slice(bar + 1);
    if (
      namespace.trim().length > 0 &&
      shardId.trim().length > 0 &&
      shardLookupProblem(namespace) === undefined &&
      shardLookupProblem(shardId) === undefined
    )
      return ok({ namespace, shardId });
  }
  return err(
    PipeError.from("Invalid cursor token.", ShardErrorCodes.cursorInvalid, {
      metadata: { cursor: typeof token === "string" ? token : String(token) },
    }),
  );
}
