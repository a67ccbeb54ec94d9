import { digestBigInt, digestHex, xxh64Into, xxh64String } from "./internal/xxh64.ts";

/**
 * XXH64 with seed 0 of a string's UTF-8 bytes (or of raw bytes), as an unsigned 64-bit bigint.
 *
 * When to use: reproducing the hashing strategies' scores, or checking a checksum by hand.
 *
 * Details: a synchronous pure-TypeScript implementation over 32-bit limbs (works on Node, Deno, Bun and
 * browsers without WebAssembly initialisation); verified against the reference C implementation.
 *
 * @example
 * ```ts
 * import { xxh64 } from "@pipe/shards";
 * console.log(xxh64("abc").toString(16)); // "44bc2cf5ad770999"
 * ```
 */
export function xxh64(input: string | Uint8Array): bigint {
  if (typeof input === "string") xxh64String(input);
  else xxh64Into(input, input.length);
  return digestBigInt();
}

/**
 * XXH64 (seed 0) of a string's UTF-8 bytes (or raw bytes) as 16 uppercase hex characters, big-endian: the
 * format of .NET `XxHash64.Hash` bytes rendered with `Convert.ToHexString`.
 *
 * @example
 * ```ts
 * import { xxh64Hex } from "@pipe/shards";
 * console.log(xxh64Hex("")); // "EF46DB3751D8E999"
 * ```
 */
export function xxh64Hex(input: string | Uint8Array): string {
  if (typeof input === "string") xxh64String(input);
  else xxh64Into(input, input.length);
  return digestHex();
}
