import * as Schema from "effect/Schema";
import { utf8Length } from "./internal/utf8-length.ts";

/**
 * The identifier grammar of the control plane: what a namespace, shard id, strategy id or node id may be.
 *
 * When to use: to check ids before sending them (`shardIdentifierProblem`), to size columns or UI fields, or
 * to quote the rule in documentation. The service and the HTTP surface enforce it; a violation is
 * `error.validation` (HTTP 400) with the path of the field.
 *
 * Details:
 * - **Identifier** (every id a write stores: `namespace`, `shardId`, `strategyId`, `ownerNodeId`, `leaderId`):
 *   1 to {@link ShardIdentifierLimits.maxBytes} (512) UTF-8 bytes of well-formed Unicode (no lone
 *   surrogate), no control character (general category Cc: U+0000-U+001F, U+007F-U+009F), no leading or
 *   trailing white space; a namespace also has no `|` (the cursor separator). 512 bytes keeps the widest
 *   index entry (owner, namespace, shard id: 3 x 516 bytes plus headers, about 1.6 KB) well inside
 *   PostgreSQL's B-tree limit of about 2.7 KB per entry, and a cursor under 1.4 KB of base64url.
 * - **Lookup** (a value that only names stored data: filter values, `search`, cursor parts, the keys of an
 *   `apply` plan): well-formed Unicode without U+0000, at most {@link ShardIdentifierLimits.lookupMaxBytes}
 *   (4 KiB) UTF-8 bytes. Lookups are lenient so rows stored before the grammar existed (control
 *   characters, surrounding spaces, up to the store's own limit) stay readable; a PostgreSQL text value can
 *   never hold U+0000 or a lone surrogate, so no stored row is out of a lookup's reach.
 * - **Text** (free text stored alongside: actor, reason, change ticket, metadata, region, zone): well-formed
 *   Unicode without U+0000, the two things a PostgreSQL text value cannot hold exactly.
 *
 * Gotchas: identifiers compare ordinally (no case folding, no Unicode normalisation): `é` precomposed and
 * `e` + U+0301 are different ids.
 *
 * @example
 * ```ts
 * import { ShardIdentifierLimits } from "@pipe/shards";
 * console.log(ShardIdentifierLimits.maxBytes); // 512
 * ```
 */
export const ShardIdentifierLimits: { readonly maxBytes: 512; readonly lookupMaxBytes: 4096 } = Object.freeze(
  { maxBytes: 512, lookupMaxBytes: 4096 } as const,
);

const LONE_SURROGATE = /\p{Cs}/u;
const CONTROL = /\p{Cc}/u;

/**
 * Why `text` is not free text a store can hold exactly (`undefined` when it is): a lone surrogate or U+0000.
 *
 * @example
 * ```ts
 * import { shardTextProblem } from "@pipe/shards";
 * console.log(shardTextProblem("a\u0000b")); // "Expected text without U+0000"
 * ```
 */
export function shardTextProblem(text: string): string | undefined {
  if (LONE_SURROGATE.test(text)) return "Expected well-formed Unicode (no lone surrogate)";
  if (text.includes("\u0000")) return "Expected text without U+0000";
  return undefined;
}

/**
 * Why `text` is not a valid lookup value (`undefined` when it is): see {@link ShardIdentifierLimits}.
 *
 * @example
 * ```ts
 * import { shardLookupProblem } from "@pipe/shards";
 * console.log(shardLookupProblem(" legacy id\t")); // undefined
 * ```
 */
export function shardLookupProblem(text: string): string | undefined {
  const problem = shardTextProblem(text);
  if (problem !== undefined) return problem;
  if (
    text.length > ShardIdentifierLimits.lookupMaxBytes / 3 &&
    utf8Length(text) > ShardIdentifierLimits.lookupMaxBytes
  )
    return `Expected at most ${ShardIdentifierLimits.lookupMaxBytes} UTF-8 bytes`;
  return undefined;
}

/**
 * Why `text` is not a valid identifier (`undefined` when it is): see {@link ShardIdentifierLimits}.
 *
 * @example
 * ```ts
 * import { shardIdentifierProblem } from "@pipe/shards";
 * console.log(shardIdentifierProblem("shard-01")); // undefined
 * console.log(shardIdentifierProblem("x".repeat(513))); // "Expected at most 512 UTF-8 bytes"
 * ```
 */
export function shardIdentifierProblem(text: string): string | undefined {
  if (text.length === 0) return "Expected a non-empty identifier";
  if (LONE_SURROGATE.test(text)) return "Expected well-formed Unicode (no lone surrogate)";
  if (CONTROL.test(text)) return "Expected no control characters (U+0000-U+001F, U+007F-U+009F)";
  if (text.trim() !== text)
    return text.trim().length === 0
      ? "Expected a non-blank string"
      : "Expected no leading or trailing white space";
  if (text.length > ShardIdentifierLimits.maxBytes / 3 && utf8Length(text) > ShardIdentifierLimits.maxBytes)
    return `Expected at most ${ShardIdentifierLimits.maxBytes} UTF-8 bytes`;
  return undefined;
}

/**
 * Effect schemas of the three grammars (strings checked by {@link shardIdentifierProblem},
 * {@link shardLookupProblem}, {@link shardTextProblem}), for composing request schemas.
 *
 * @example
 * ```ts
 * import * as Schema from "effect/Schema";
 * import { ShardIdentifierSchemas } from "@pipe/shards";
 * console.log(Schema.is(ShardIdentifierSchemas.identifier)("a\u0000")); // false
 * ```
 */
export const ShardIdentifierSchemas: {
  readonly identifier: Schema.String;
  readonly lookup: Schema.String;
  readonly text: Schema.String;
} = Object.freeze({
  identifier: Schema.String.check(Schema.makeFilter((s: string) => shardIdentifierProblem(s) ?? true)),
  lookup: Schema.String.check(Schema.makeFilter((s: string) => shardLookupProblem(s) ?? true)),
  text: Schema.String.check(Schema.makeFilter((s: string) => shardTextProblem(s) ?? true)),
});
