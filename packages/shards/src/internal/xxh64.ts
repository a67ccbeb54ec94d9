/**
 * XXH64 over 32-bit limbs (no BigInt on the hot path), synchronous and runtime-agnostic.
 *
 * Why not a dependency: `xxhash-wasm` needs an asynchronous WebAssembly instantiation (the strategies are
 * synchronous), `@node-rs/xxhash` is a Node native addon (no Deno/Bun guarantee), and `xxhashjs` computes with
 * a UINT64 object per step (slow, unmaintained). This is the reference algorithm (xxhash.h, XXH64) written
 * over (hi, lo) 32-bit halves; results are checked against the reference C library in the tests.
 *
 * @internal
 */

// Primes as (hi, lo) halves.
const P1H = 0x9e3779b1;
const P1L = 0x85ebca87;
const P2H = 0xc2b2ae3d;
const P2L = 0x27d4eb4f;
const P3H = 0x165667b1;
const P3L = 0x9e3779f9;
const P4H = 0x85ebca77;
const P4L = 0xc2b2ae63;
const P5H = 0x27d4eb2f;
const P5L = 0x165667c5;

/** Output registers of the limb operations (avoids an allocation per step). */
let rh = 0;
let rl = 0;

/** (ah, al) * (bh, bl) mod 2^64 into (rh, rl). */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const a2 = ah & 0xffff;
  const a3 = ah >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const b2 = bh & 0xffff;
  const b3 = bh >>> 16;
  let c0 = a0 * b0;
  let c1 = c0 >>> 16;
  c0 &= 0xffff;
  c1 += a1 * b0;
  let c2 = Math.floor(c1 / 65536);
  c1 = (c1 & 0xffff) + a0 * b1;
  c2 += Math.floor(c1 / 65536);
  c1 &= 0xffff;
  c2 += a2 * b0;
  let c3 = Math.floor(c2 / 65536);
  c2 = (c2 & 0xffff) + a1 * b1;
  c3 += Math.floor(c2 / 65536);
  c2 = (c2 & 0xffff) + a0 * b2;
  c3 += Math.floor(c2 / 65536);
  c2 &= 0xffff;
  c3 = (c3 + a3 * b0 + a2 * b1 + a1 * b2 + a0 * b3) & 0xffff;
  rh = ((c3 << 16) | c2) >>> 0;
  rl = ((c1 << 16) | c0) >>> 0;
}

/** (ah, al) + (bh, bl) mod 2^64 into (rh, rl). */
function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  rl = lo >>> 0;
  rh = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** rotl64((h, l), r) for 0 < r < 32 into (rh, rl). */
function rotl(h: number, l: number, r: number): void {
  rh = ((h << r) | (l >>> (32 - r))) >>> 0;
  rl = ((l << r) | (h >>> (32 - r))) >>> 0;
}

/** XXH64 round: rotl(acc + input * P2, 31) * P1, into (rh, rl). */
function round(acch: number, accl: number, inh: number, inl: number): void {
  mul(inh, inl, P2H, P2L);
  add(acch, accl, rh, rl);
  rotl(rh, rl, 31);
  mul(rh, rl, P1H, P1L);
}

/** mergeRound: (acc ^ round(0, val)) * P1 + P4, into (rh, rl). */
function mergeRound(acch: number, accl: number, vh: number, vl: number): void {
  round(0, 0, vh, vl);
  mul((acch ^ rh) >>> 0, (accl ^ rl) >>> 0, P1H, P1L);
  add(rh, rl, P4H, P4L);
}

const u32 = (b: Uint8Array, i: number): number =>
  ((b[i] as number) |
    ((b[i + 1] as number) << 8) |
    ((b[i + 2] as number) << 16) |
    ((b[i + 3] as number) << 24)) >>>
  0;

/** High half of the last digest computed by {@link xxh64Into}. */
export let digestHigh = 0;
/** Low half of the last digest computed by {@link xxh64Into}. */
export let digestLow = 0;

/**
 * XXH64 of `bytes[0, length)` with a seed given as halves; the digest lands in {@link digestHigh} /
 * {@link digestLow}.
 */
export function xxh64Into(bytes: Uint8Array, length: number, seedHigh = 0, seedLow = 0): void {
  let i = 0;
  let hh: number;
  let hl: number;
  if (length >= 32) {
    add(seedHigh, seedLow, P1H, P1L);
    add(rh, rl, P2H, P2L);
    let v1h = rh;
    let v1l = rl;
    add(seedHigh, seedLow, P2H, P2L);
    let v2h = rh;
    let v2l = rl;
    let v3h = seedHigh;
    let v3l = seedLow;
    // seed - P1 = seed + (2^64 - P1)
    add(seedHigh, seedLow, ~P1H >>> 0, -P1L >>> 0); // P1L ≠ 0, so no borrow into the high half
    let v4h = rh;
    let v4l = rl;
    const limit = length - 32;
    while (i <= limit) {
      round(v1h, v1l, u32(bytes, i + 4), u32(bytes, i));
      v1h = rh;
      v1l = rl;
      round(v2h, v2l, u32(bytes, i + 12), u32(bytes, i + 8));
      v2h = rh;
      v2l = rl;
      round(v3h, v3l, u32(bytes, i + 20), u32(bytes, i + 16));
      v3h = rh;
      v3l = rl;
      round(v4h, v4l, u32(bytes, i + 28), u32(bytes, i + 24));
      v4h = rh;
      v4l = rl;
      i += 32;
    }
    rotl(v1h, v1l, 1);
    hh = rh;
    hl = rl;
    rotl(v2h, v2l, 7);
    add(hh, hl, rh, rl);
    hh = rh;
    hl = rl;
    rotl(v3h, v3l, 12);
    add(hh, hl, rh, rl);
    hh = rh;
    hl = rl;
    rotl(v4h, v4l, 18);
    add(hh, hl, rh, rl);
    mergeRound(rh, rl, v1h, v1l);
    mergeRound(rh, rl, v2h, v2l);
    mergeRound(rh, rl, v3h, v3l);
    mergeRound(rh, rl, v4h, v4l);
    hh = rh;
    hl = rl;
  } else {
    add(seedHigh, seedLow, P5H, P5L);
    hh = rh;
    hl = rl;
  }
  // h += length (length < 2^53, split into halves)
  add(hh, hl, Math.floor(length / 4294967296) >>> 0, length >>> 0);
  hh = rh;
  hl = rl;
  while (i + 8 <= length) {
    round(0, 0, u32(bytes, i + 4), u32(bytes, i));
    rotl((hh ^ rh) >>> 0, (hl ^ rl) >>> 0, 27);
    mul(rh, rl, P1H, P1L);
    add(rh, rl, P4H, P4L);
    hh = rh;
    hl = rl;
    i += 8;
  }
  if (i + 4 <= length) {
    mul(0, u32(bytes, i), P1H, P1L);
    rotl((hh ^ rh) >>> 0, (hl ^ rl) >>> 0, 23);
    mul(rh, rl, P2H, P2L);
    add(rh, rl, P3H, P3L);
    hh = rh;
    hl = rl;
    i += 4;
  }
  while (i < length) {
    mul(0, bytes[i] as number, P5H, P5L);
    rotl((hh ^ rh) >>> 0, (hl ^ rl) >>> 0, 11);
    mul(rh, rl, P1H, P1L);
    hh = rh;
    hl = rl;
    i++;
  }
  // avalanche
  hl = (hl ^ (hh >>> 1)) >>> 0; // h ^= h >> 33
  mul(hh, hl, P2H, P2L);
  hh = rh;
  hl = (rl ^ ((rl >>> 29) | (rh << 3))) >>> 0; // h ^= h >> 29
  hh = (hh ^ (hh >>> 29)) >>> 0;
  mul(hh, hl, P3H, P3L);
  digestHigh = rh;
  digestLow = (rl ^ rh) >>> 0; // h ^= h >> 32
}

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/**
 * Encodes `text` as UTF-8 into a shared scratch buffer and returns the byte length. ASCII is copied by hand
 * (the common case for shard keys); anything else goes through `TextEncoder.encodeInto`.
 */
function encodeUtf8(text: string): number {
  const n = text.length;
  if (n * 3 > scratch.length) scratch = new Uint8Array(Math.max(n * 3, scratch.length * 2));
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) return encoder.encodeInto(text, scratch).written;
    scratch[i] = c;
  }
  return n;
}

/** XXH64 (seed 0) of the UTF-8 bytes of `text`; the digest lands in {@link digestHigh} / {@link digestLow}. */
export function xxh64String(text: string): void {
  const length = encodeUtf8(text);
  xxh64Into(scratch, length);
}

const TWO_POW_32 = 4294967296;
const TWO_POW_64 = 2 ** 64;

/**
 * The last digest as a double in [0, 1]: `(double)h / (double)(2^64 - 1)` exactly as .NET computes it (the
 * divisor rounds to 2^64; `hi * 2^32 + lo` is one correctly rounded addition, like the ulong→double cast).
 */
export function digestUnit(): number {
  return (digestHigh * TWO_POW_32 + digestLow) / TWO_POW_64;
}

/** The last digest as an unsigned bigint. */
export function digestBigInt(): bigint {
  return (BigInt(digestHigh) << 32n) | BigInt(digestLow);
}

const HEX = "0123456789ABCDEF";

/** The last digest as 16 uppercase hex characters (big-endian). */
export function digestHex(): string {
  let out = "";
  for (let shift = 28; shift >= 0; shift -= 4) out += HEX[(digestHigh >>> shift) & 0xf];
  for (let shift = 28; shift >= 0; shift -= 4) out += HEX[(digestLow >>> shift) & 0xf];
  return out;
}
