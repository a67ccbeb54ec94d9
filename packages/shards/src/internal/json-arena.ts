/** Bytes per slab by default: the arena grows and shrinks a slab at a time. */
const SLAB_BYTES = 1 << 20;
const COMMA = 0x2c;
const OPEN = 0x5b;
const CLOSE = 0x5d;

import { utf8Length } from "./utf8-length.ts";

const encoder = new TextEncoder();
const NONE: Uint8Array<ArrayBuffer> = new Uint8Array(0);
/** Bytes per pool that outputs are cut from (a page of 500 typical records, about 130 KB, is cut from one). */
const OUTPUT_POOL_BYTES = 1 << 22;
/** Outputs larger than this get an array of their own. */
const POOLED_OUTPUT_MAX = OUTPUT_POOL_BYTES >>> 2;

/**
 * Where a value's JSON bytes are kept in a {@link JsonArena}; `slab` -1 when none are. The arena reads and writes
 * a slot only during the call that receives it (so a slot may be a view over columns). @internal
 */
export interface JsonSlot {
  slab: number;
  at: number;
  len: number;
}

interface Slab {
  readonly id: number;
  readonly bytes: Uint8Array;
  used: number;
  live: number;
}

/**
 * UTF-8 JSON texts of values kept in large byte slabs (an id, an offset and a length per value, no object
 * per value), each followed by a comma, so texts written one after another are copied into a JSON array in
 * one piece.
 *
 * Details: a value's slot is written on first use ({@link JsonArena.arrayOf}) and released when the value is
 * replaced. A slab (other than the one being filled) that holds less than half live bytes is dropped whole;
 * the slots still pointing into it are written again on their next use. So the arena holds at most about
 * twice the live texts in use, plus one slab. @internal
 */
export class JsonArena {
  readonly #slabs = new Map<number, Slab>();
  #current: Slab | undefined;
  #nextId = 0;
  readonly #slabBytes: number;
  /** Longest text kept (in UTF-16 units, at most 3 UTF-8 bytes each): longer ones are encoded per use. */
  readonly #maxKept: number;
  /** Where outputs are cut from; never written again once handed out. */
  #pool: Uint8Array<ArrayBuffer> = NONE;
  #poolUsed = 0;
  /** Scratch of {@link JsonArena.arrayOf}: per item, its bytes, offset and length. */
  #srcs: Uint8Array[] = [];
  #ats: number[] = [];
  #lens: number[] = [];

  constructor(slabBytes: number = SLAB_BYTES) {
    if (!Number.isSafeInteger(slabBytes) || slabBytes < 8)
      throw new RangeError(`JsonArena: slabBytes must be an integer >= 8, got ${String(slabBytes)}.`);
    this.#slabBytes = slabBytes;
    this.#maxKept = Math.floor((slabBytes - 1) / 3);
  }

  /** Bytes held by the slabs. */
  get bytes(): number {
    return this.#slabs.size * this.#slabBytes;
  }

  /** Marks `slot`'s text as garbage; drops its slab once less than half of it is live. */
  release(slot: JsonSlot): void {
    const slab = this.#slabs.get(slot.slab);
    if (slab === undefined) return;
    slab.live -= slot.len;
    if (slab !== this.#current && slab.live * 2 < slab.used) this.#slabs.delete(slab.id);
  }

  /**
   * The UTF-8 bytes of `before`, then a JSON array of `values` (each one's text from its slot, written there
   * from `text(value)` when missing; `slotOf` answers undefined for a value that has no slot, whose text is
   * encoded for this call only), then `after`.
   */
  arrayOf<T>(
    values: readonly T[],
    slotOf: (value: T, i: number) => JsonSlot | undefined,
    text: (value: T) => string,
    before: string,
    after: string,
  ): Uint8Array<ArrayBuffer> {
    const headBytes = utf8Length(before);
    const n = values.length;
    const srcs = this.#srcs;
    const ats = this.#ats;
    const lens = this.#lens;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const value = values[i];
      const slot = slotOf(value, i);
      let slab = slot === undefined ? undefined : this.#slabs.get(slot.slab);
      if (slot !== undefined && slab === undefined) slab = this.#write(slot, text(value));
      if (slot === undefined || slab === undefined) {
        srcs[i] = encoder.encode(`${text(value)},`);
        ats[i] = 0;
        lens[i] = srcs[i].length;
      } else {
        srcs[i] = slab.bytes;
        ats[i] = slot.at;
        lens[i] = slot.len;
      }
      total += lens[i];
    }
    // Each text carries a comma; the last one's place takes the closing bracket.
    const out = this.#output(headBytes + 1 + (n === 0 ? 1 : total) + utf8Length(after));
    encoder.encodeInto(before, out);
    let pos = headBytes;
    out[pos++] = OPEN;
    let i = 0;
    while (i < n) {
      const src = srcs[i];
      const start = ats[i];
      let end = start + lens[i];
      let j = i + 1;
      while (j < n && srcs[j] === src && ats[j] === end) end += lens[j++];
      out.set(src.subarray(start, end), pos);
      pos += end - start;
      i = j;
    }
    if (n > 0) pos--;
    out[pos++] = CLOSE;
    encoder.encodeInto(after, out.subarray(pos));
    // The scratch keeps no slab or encoded text alive past this call.
    srcs.fill(NONE, 0, n);
    return out;
  }

  /**
   * `size` fresh bytes: a part of the output pool no other output shares (one allocation per pool rather than
   * one per output; a pool is freed once no output in it is referenced any more), or an array of their own
   * when large.
   */
  #output(size: number): Uint8Array<ArrayBuffer> {
    if (size > POOLED_OUTPUT_MAX) return new Uint8Array(size);
    if (this.#pool.length - this.#poolUsed < size) {
      this.#pool = new Uint8Array(OUTPUT_POOL_BYTES);
      this.#poolUsed = 0;
    }
    const out = this.#pool.subarray(this.#poolUsed, this.#poolUsed + size);
    // Outputs start at multiples of 8 bytes.
    this.#poolUsed += (size + 7) & ~7;
    return out;
  }

  /** Writes `text` and a comma into the slab being filled; undefined (slot left empty) when it is too long. */
  #write(slot: JsonSlot, text: string): Slab | undefined {
    if (text.length > this.#maxKept) return undefined;
    let slab = this.#current;
    if (slab === undefined || slab.used + text.length * 3 + 1 > this.#slabBytes) {
      if (slab !== undefined && slab.live * 2 < slab.used) this.#slabs.delete(slab.id);
      slab = { id: this.#nextId++, bytes: new Uint8Array(this.#slabBytes), used: 0, live: 0 };
      this.#slabs.set(slab.id, slab);
      this.#current = slab;
    }
    const { written } = encoder.encodeInto(text, slab.bytes.subarray(slab.used));
    slab.bytes[slab.used + written] = COMMA;
    slot.slab = slab.id;
    slot.at = slab.used;
    slot.len = written + 1;
    slab.used += slot.len;
    slab.live += slot.len;
    return slab;
  }
}
