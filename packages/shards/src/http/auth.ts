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
  /**
   * The secret: 16 to 4096 characters of RFC 6750 `b64token` (see {@link shardTokenProblem}). Never logged
   * or echoed.
   */
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

/** RFC 6750 section 2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MIN_TOKEN_LENGTH = 16;
const MAX_TOKEN_LENGTH = 4096;

/**
 * Why `token` cannot be a configured bearer token (`undefined` when it can). The text names what is expected,
 * never the token or any character of it.
 *
 * When to use: to check a token from a configuration file or the environment before building the app, and
 * report the problem as a usage error; {@link createShardTokenVerifier} and the HTTP app throw a `TypeError`
 * with this text for a token that fails it.
 *
 * Details: a token is 16 to 4096 characters of RFC 6750's `b64token`: ASCII letters, digits and
 * `- . _ ~ + /`, then optionally trailing `=` (base64, base64url and hex secrets all fit). Anything else can
 * never authenticate: white space splits `Bearer <token>`, a header value holds no control character and no
 * character above U+00FF, and a proxy may fold or re-split a comma. The upper bound keeps the header within
 * every runtime's default header limit and bounds the per-request comparison, which runs over the longest
 * configured token.
 *
 * Gotchas: white space around a token (a trailing newline from a secret file) is a problem here, not
 * trimmed: trim it where the text is read.
 *
 * @example
 * ```ts
 * import { shardTokenProblem } from "@pipe/shards/http";
 * console.log(shardTokenProblem("0123456789abcdef-operator")); // undefined
 * console.log(shardTokenProblem("0123456789abcdef operator") !== undefined); // true
 * ```
 */
export function shardTokenProblem(token: string): string | undefined {
  if (typeof token !== "string") return "Expected a string";
  if (token.length < MIN_TOKEN_LENGTH || token.length > MAX_TOKEN_LENGTH)
    return `Expected ${MIN_TOKEN_LENGTH} to ${MAX_TOKEN_LENGTH} characters`;
  if (!B64TOKEN.test(token))
    return (
      "Expected only ASCII letters, digits and - . _ ~ + / then optional trailing = (RFC 6750 b64token); " +
      "white space, commas, control and non-ASCII characters cannot be sent in an Authorization header"
    );
  return undefined;
}

/**
 * Builds a constant-time bearer-token verifier.
 *
 * When to use: the HTTP app builds one from its `tokens` option; use it directly for another transport.
 *
 * Details: the configured tokens are held as UTF-16 code units padded with zeros to the longest one's length;
 * a presented token is compared with an OR-of-XOR accumulator over that whole length against every configured
 * token (lengths included), and the match is picked without a branch. So the time taken depends neither on
 * where the first differing character is, nor on which token matched, nor on the configured tokens' contents
 * or lengths; only on the longest configured token's length (a property of the configuration) and the
 * presented token's own length (known to the caller). It runs synchronously (no hashing, no thread-pool
 * hop), so verifying costs a few hundred nanoseconds per request.
 *
 * Gotchas: throws a `TypeError` synchronously, naming `tokens[i]`, for a token {@link shardTokenProblem}
 * rejects (not 16 to 4096 characters of RFC 6750 `b64token`: such a token could never be presented), an
 * unknown scope, or the same token configured twice (programmer errors). An empty list makes every request
 * unauthorized.
 *
 * @example
 * ```ts
 * import { createShardTokenVerifier } from "@pipe/shards/http";
 * const verify = createShardTokenVerifier([{ name: "ops", token: "0123456789abcdef-operator", scopes: ["shards.operate"] }]);
 * console.log(await verify("wrong")); // undefined
 * ```
 */
export function createShardTokenVerifier(tokens: readonly ShardAccessToken[]): ShardTokenVerifier {
  const match = shardTokenMatcher(tokens);
  return (presented) => Promise.resolve(match(presented));
}

/**
 * The synchronous core of {@link createShardTokenVerifier} (same checks, same timing properties); the HTTP
 * app's authorization uses it so a request costs no promise. @internal
 */
export function shardTokenMatcher(
  tokens: readonly ShardAccessToken[],
): (presented: string) => ShardPrincipal | undefined {
  const seen = new Set<string>();
  const principals: ShardPrincipal[] = tokens.map((t, i) => {
    const problem = shardTokenProblem(t?.token);
    if (problem !== undefined) throw new TypeError(`tokens[${i}].token: ${problem}.`);
    if (seen.has(t.token)) throw new TypeError(`tokens[${i}]: the same token is configured twice.`);
    seen.add(t.token);
    for (const scope of t.scopes)
      if (!SCOPES.includes(scope)) throw new TypeError(`tokens[${i}]: unknown scope '${String(scope)}'.`);
    return Object.freeze({ name: t.name ?? `token-${i + 1}`, scopes: Object.freeze([...t.scopes]) });
  });
  const span = tokens.reduce((max, t) => Math.max(max, t.token.length), 0);
  const lengths = Int32Array.from(tokens, (t) => t.token.length);
  // Every configured token's code units, zero-padded to `span`, one after another.
  const units = new Uint16Array(span * tokens.length);
  tokens.forEach((t, i) => {
    for (let j = 0; j < t.token.length; j++) units[i * span + j] = t.token.charCodeAt(j);
  });
  return (presented) => {
    let found = -1;
    for (let i = 0; i < principals.length; i++) {
      let diff = lengths[i] ^ presented.length;
      const base = i * span;
      // Past the presented text charCodeAt is NaN, and NaN | 0 the zero padding: no copy of it per call.
      for (let j = 0; j < span; j++) diff |= (presented.charCodeAt(j) | 0) ^ units[base + j];
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
  if (header === undefined || header === null) return undefined;
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return m === null ? undefined : m[1];
}
