/** Characters no tenant id may hold: controls (Cc), lone surrogates (Cs), format characters (Cf), U+2028/U+2029. */
const UNSEEN = /[\p{Cc}\p{Cs}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * Why `tenantId` cannot be a tenant id (`undefined` when it can): not a string, blank, padded with white space,
 * or holding a character that prints as nothing or rewrites the text around it.
 *
 * When to use: to check ids from outside (an admin API, a configuration, a message field) and report the
 * problem in your own terms. `TenantRouter` applies the same rule: `add` and the `tenants` option throw a
 * `TypeError`, a registry `add` event is rejected, and an envelope whose key fails it is dead-lettered with
 * `tenants.key.invalid`.
 *
 * Details: a tenant id is a non-blank string without leading or trailing white space (as `String.prototype.trim`
 * sees it), with no control character (general category Cc), no format character (Cf: U+00AD soft hyphen,
 * U+200B zero-width space, U+200C/U+200D zero-width (non-)joiners, U+202A-U+202E and U+2066-U+2069 bidi
 * controls, U+FEFF, ...), no line or paragraph separator (Zl, Zp) and no lone surrogate (Cs). Such characters
 * let two ids look identical in a log or an admin page, and a right-to-left override in an id reorders the
 * log line it is printed in. Ids compare ordinally (no normalisation); the router sets no length limit.
 *
 * Gotchas: a zero-width joiner inside an emoji sequence (U+200D) is a format character, so such emoji are not
 * tenant ids. The text names the rule broken, never the id.
 *
 * @example
 * ```ts
 * import { tenantIdProblem } from "@pipe/tenants";
 * console.log(tenantIdProblem("acme")); // undefined
 * console.log(tenantIdProblem("ac\u200Bme") !== undefined); // true
 * ```
 */
export function tenantIdProblem(tenantId: unknown): string | undefined {
  if (typeof tenantId !== "string") return "Expected a string";
  if (printableAscii(tenantId)) return undefined;
  const trimmed = tenantId.trim();
  if (trimmed === "") return "Expected a non-blank string";
  if (trimmed !== tenantId) return "Expected no leading or trailing white space";
  if (UNSEEN.test(tenantId))
    return "Expected no control, format (invisible or bidi), line or paragraph separator characters and no lone surrogate";
  return undefined;
}

/** Non-empty U+0020-U+007E text that neither starts nor ends with a space: the common case, checked without a regex. */
function printableAscii(text: string): boolean {
  const n = text.length;
  if (n === 0 || text.charCodeAt(0) === 0x20 || text.charCodeAt(n - 1) === 0x20) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}
