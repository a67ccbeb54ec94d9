/**
 * The scopes of the control plane: `shards.read` (list, watch, metrics) and `shards.operate` (diff, simulate,
 * upsert, apply; it also grants everything `shards.read` does).
 *
 * @example
 * ```ts
 * import type { ShardScope } from "@pipe/shards/http";
 * const scopes: ShardScope[] = ["shards.read"];
 * console.log(scopes);
 * ```
 */
export type ShardScope = "shards.read" | "shards.operate";

/**
 * One configured bearer token and the scopes it grants.
 *
 * @example
 * ```ts
 * import type { ShardAccessToken } from "@pipe/shards/http";
 * const viewer: ShardAccessToken = { name: "dashboard", token: "a-long-random-secret-value", scopes: ["shards.read"] };
 * console.log(viewer.name);
 * ```
 */
export interface ShardAccessToken {
  /** The secret (at least 16 characters). Never logged or echoed. */
  readonly token: string;
  readonly scopes: readonly ShardScope[];
  /** A label for logs and metrics (never the token). */
  readonly name?: string | undefined;
}

/**
 * The caller a token identified: its label and scopes.
 *
 * @example
 * ```ts
 * import type { ShardPrincipal } from "@pipe/shards/http";
 * const canOperate = (p: ShardPrincipal) => p.scopes.includes("shards.operate");
 * console.log(typeof canOperate);
 * ```
 */
export interface ShardPrincipal {
  readonly name: string;
  readonly scopes: readonly ShardScope[];
}

/**
 * Checks a presented bearer token against the configured ones.
 *
 * @example
 * ```ts
 * import { createShardTokenVerifier } from "@pipe/shards/http";
 * const verify = createShardTokenVerifier([{ token: "0123456789abcdef-operator", scopes: ["shards.operate"] }]);
 * console.log((await verify("0123456789abcdef-operator"))?.scopes); // ["shards.operate"]
 * ```
 */
export type ShardTokenVerifier = (presented: string) => Promise<ShardPrincipal | undefined>;

const SCOPES: readonly ShardScope[] = ["shards.read", "shards.operate"];
const encoder = new TextEncoder();

const digest = async (text: string): Promise<Uint8Array> =>
  new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));

/**
 * Builds a constant-time bearer-token verifier.
 *
 * When to use: the HTTP app builds one from its `tokens` option; use it directly for another transport.
 *
 * Details: the presented token and every configured token are hashed with SHA-256 (`crypto.subtle`), and the
 * 32-byte digests are compared with an XOR accumulator over every byte of every configured token, so the time
 * taken depends neither on where the first differing byte is nor on the presented token's length, nor on which
 * token matched. The configured digests are computed once, on first use.
 *
 * Gotchas: throws a `TypeError` synchronously for a token shorter than 16 characters, an unknown scope, or the
 * same token configured twice (programmer errors). An empty list makes every request unauthorized.
 *
 * @example
 * ```ts
 * import { createShardTokenVerifier } from "@pipe/shards/http";
 * const verify = createShardTokenVerifier([{ name: "ops", token: "0123456789abcdef-operator", scopes: ["shards.operate"] }]);
 * console.log(await verify("wrong")); // undefined
 * ```
 */
export function createShardTokenVerifier(tokens: readonly ShardAccessToken[]): ShardTokenVerifier {
  const seen = new Set<string>();
  const principals: ShardPrincipal[] = tokens.map((t, i) => {
    if (typeof t?.token !== "string" || t.token.length < 16)
      throw new TypeError(`tokens[${i}]: a token must be a string of at least 16 characters.`);
    if (seen.has(t.token)) throw new TypeError(`tokens[${i}]: the same token is configured twice.`);
    seen.add(t.token);
    for (const scope of t.scopes)
      if (!SCOPES.includes(scope)) throw new TypeError(`tokens[${i}]: unknown scope '${String(scope)}'.`);
    return Object.freeze({ name: t.name ?? `token-${i + 1}`, scopes: Object.freeze([...t.scopes]) });
  });
  const secrets = tokens.map((t) => t.token);
  let digests: Promise<Uint8Array[]> | undefined;
  return async (presented: string): Promise<ShardPrincipal | undefined> => {
    digests ??= Promise.all(secrets.map(digest));
    const [mine, theirs] = await Promise.all([digest(presented), digests]);
    let found = -1;
    for (let i = 0; i < theirs.length; i++) {
      const other = theirs[i]!;
      let diff = 0;
      for (let b = 0; b < 32; b++) diff |= mine[b]! ^ other[b]!;
      // Branch-free select: keeps scanning every token whatever matched.
      const hit = ((diff - 1) >>> 31) & 1;
      found = hit === 1 ? i : found;
    }
    return found < 0 ? undefined : principals[found];
  };
}

/**
 * Whether a principal holds a scope (`shards.operate` implies `shards.read`).
 *
 * @example
 * ```ts
 * import { shardScopeGranted } from "@pipe/shards/http";
 * console.log(shardScopeGranted({ name: "ops", scopes: ["shards.operate"] }, "shards.read")); // true
 * ```
 */
export function shardScopeGranted(principal: ShardPrincipal, scope: ShardScope): boolean {
  return (
    principal.scopes.includes(scope) ||
    (scope === "shards.read" && principal.scopes.includes("shards.operate"))
  );
}

/**
 * Extracts the token of an `Authorization: Bearer <token>` header (scheme case-insensitive), or `undefined`.
 *
 * @example
 * ```ts
 * import { parseBearer } from "@pipe/shards/http";
 * console.log(parseBearer("Bearer abc")); // "abc"
 * ```
 */
export function parseBearer(header: string | null | undefined): string | undefined {
  if (header == null) return undefined;
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return m === null ? undefined : m[1];
}
