import { digestHigh, digestLow, xxh64Into } from "../internal/xxh64.ts";
import { XXH64_WASM_BASE64 } from "../internal/xxh64-wasm-bytes.ts";

/** The exports of `wasm/xxh64.wat`. */
interface Kernel {
  readonly memory: WebAssembly.Memory;
  readonly hashAll: (table: number, count: number, key: number, prefixLength: number, out: number) => void;
}

const PAGE = 65_536;
/** Bytes the kernel may read past a node id and write past a key: it copies node ids in 8-byte words. */
const WORD_SLACK = 7;
const encoder = new TextEncoder();

let compiled: WebAssembly.Module | null | undefined;

/**
 * The compiled XXH64 module, or null where a runtime does not compile WebAssembly from bytes (workerd, or a
 * page whose content security policy forbids it): hashing then stays on the pure-TypeScript path.
 */
function wasmModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  try {
    const text = atob(XXH64_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null;
  }
  return compiled;
}

/**
 * XXH64 (seed 0, UTF-8) of `prefix + nodeId` for every node of a fixed list: the inner loop of rendezvous
 * hashing, exposed for custom strategies and benchmarks.
 *
 * When to use: scoring many keys against one node set (a custom highest-random-weight strategy); the built-in
 * rendezvous strategies use it.
 *
 * Details: node ids are encoded once; each `hash(prefix)` encodes the prefix once and hashes every key in one
 * call into a small WebAssembly kernel (compiled synchronously from bytes shipped in the package) where the
 * runtime allows it, else with the TypeScript XXH64. Both give the digests `xxh64` gives.
 *
 * Gotchas: `digests` is a view that the next `hash` overwrites (and may replace when memory grows); copy what
 * you keep. Not safe to share between concurrent users that interleave `hash` calls with reads.
 *
 * @example
 * ```ts
 * import { ShardNodeHasher, xxh64 } from "@pipe/shards";
 * const hasher = ShardNodeHasher.create(["node-a", "node-b"]);
 * const d = hasher.hash("ns/shard-1::");
 * const [low = 0, high = 0] = d; // node-a's 64-bit digest: low 32 bits, then high
 * const first = (BigInt(high) << 32n) | BigInt(low);
 * console.log(first === xxh64("ns/shard-1::node-a")); // true
 * ```
 */
export class ShardNodeHasher {
  #digests: Uint32Array;
  readonly #count: number;
  readonly #kernel: Kernel | undefined;
  readonly #names: Uint8Array[];
  #keyOffset = 0;
  #keyRoom = 0;
  /** The longest node id in bytes plus {@link WORD_SLACK}: the room a key needs past its prefix. */
  #tail = 0;
  #scratch = new Uint8Array(256);

  private constructor(nodeIds: readonly string[], useWasm: boolean) {
    this.#count = nodeIds.length;
    this.#names = nodeIds.map((id) => encoder.encode(id));
    let maxName = 0;
    for (const n of this.#names) maxName = Math.max(maxName, n.length);
    this.#tail = maxName + WORD_SLACK;
    const module = useWasm ? wasmModule() : null;
    if (module === null) {
      this.#kernel = undefined;
      this.#digests = new Uint32Array(this.#count * 2);
      return;
    }
    const kernel = new WebAssembly.Instance(module).exports as unknown as Kernel;
    this.#kernel = kernel;
    this.#digests = new Uint32Array(0);
    // Layout: digests (8 bytes a node), table (8 bytes a node), node ids, then the key buffer.
    const table = this.#count * 8;
    const names = table + this.#count * 8;
    let size = names;
    for (const n of this.#names) size += n.length;
    this.#keyOffset = size;
    this.#grow(kernel, size + 256 + this.#tail);
    const bytes = new Uint8Array(kernel.memory.buffer);
    const entries = new Uint32Array(kernel.memory.buffer, table, this.#count * 2);
    let at = names;
    for (let i = 0; i < this.#count; i++) {
      const n = this.#names[i];
      bytes.set(n, at);
      entries[i * 2] = at;
      entries[i * 2 + 1] = n.length;
      at += n.length;
    }
    this.#digests = new Uint32Array(kernel.memory.buffer, 0, this.#count * 2);
  }

  /** `[low, high]` 32-bit halves of each node's digest, in node order; overwritten by the next `hash`. */
  get digests(): Uint32Array {
    return this.#digests;
  }

  /** A hasher for `nodeIds`; `wasm: false` forces the TypeScript path (tests, the benchmark floor). */
  static create(nodeIds: readonly string[], options: { readonly wasm?: boolean } = {}): ShardNodeHasher {
    return new ShardNodeHasher(nodeIds, options.wasm ?? true);
  }

  /** Whether this hasher runs the WebAssembly kernel. */
  get usesWasm(): boolean {
    return this.#kernel !== undefined;
  }

  /** Hashes `prefix + nodeId` for every node into {@link ShardNodeHasher.digests}. */
  hash(prefix: string): Uint32Array {
    const kernel = this.#kernel;
    if (kernel === undefined) return this.#hashJs(prefix);
    if (prefix.length * 3 > this.#keyRoom)
      this.#grow(kernel, this.#keyOffset + prefix.length * 3 + this.#tail);
    const key = new Uint8Array(kernel.memory.buffer, this.#keyOffset, this.#keyRoom);
    const length = encoder.encodeInto(prefix, key).written;
    kernel.hashAll(this.#count * 8, this.#count, this.#keyOffset, length, 0);
    return this.#digests;
  }

  #hashJs(prefix: string): Uint32Array {
    const needed = prefix.length * 3 + this.#tail;
    if (needed > this.#scratch.length) this.#scratch = new Uint8Array(needed * 2);
    const key = this.#scratch;
    const length = encoder.encodeInto(prefix, key).written;
    const out = this.#digests;
    for (let i = 0; i < this.#count; i++) {
      const n = this.#names[i];
      key.set(n, length);
      xxh64Into(key, length + n.length);
      out[i * 2] = digestLow;
      out[i * 2 + 1] = digestHigh;
    }
    return out;
  }

  /** Grows the kernel's memory to at least `bytes` and records the room a prefix has in the key buffer. */
  #grow(kernel: Kernel, bytes: number): void {
    const memory = kernel.memory;
    const pages = Math.ceil(bytes / PAGE) - memory.buffer.byteLength / PAGE;
    if (pages > 0) memory.grow(pages);
    this.#keyRoom = memory.buffer.byteLength - this.#keyOffset - this.#tail;
    // Growing detaches the old buffer: views over it are made anew.
    this.#digests = new Uint32Array(memory.buffer, 0, this.#count * 2);
  }
}
