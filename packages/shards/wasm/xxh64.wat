;; XXH64 (seed 0) for the shard hashing strategies: the source of src/internal/xxh64-wasm-bytes.ts
;; (regenerate with `node scripts/build-wasm.mjs`; a test checks the two agree).
;;
;; `hashAll` hashes one key prefix followed by each node id of a table:
;;   table: `count` pairs of u32 (byte offset, byte length) of the node ids in memory,
;;   key:   the prefix bytes (`prefixLength` of them), followed by room for the longest node id plus 7 bytes,
;;   out:   `count` u64 digests, little-endian.
(module
  (memory (export "memory") 1)

  (global $P1 i64 (i64.const 0x9E3779B185EBCA87))
  (global $P2 i64 (i64.const 0xC2B2AE3D27D4EB4F))
  (global $P3 i64 (i64.const 0x165667B19E3779F9))
  (global $P4 i64 (i64.const 0x85EBCA77C2B2AE63))
  (global $P5 i64 (i64.const 0x27D4EB2F165667C5))

  (func $round (param $acc i64) (param $input i64) (result i64)
    (i64.mul
      (i64.rotl (i64.add (local.get $acc) (i64.mul (local.get $input) (global.get $P2))) (i64.const 31))
      (global.get $P1)))

  (func $merge (param $acc i64) (param $v i64) (result i64)
    (i64.add
      (i64.mul (i64.xor (local.get $acc) (call $round (i64.const 0) (local.get $v))) (global.get $P1))
      (global.get $P4)))

  (func $xxh64 (export "xxh64") (param $p i32) (param $len i32) (result i64)
    (local $end i32) (local $limit i32) (local $h i64)
    (local $v1 i64) (local $v2 i64) (local $v3 i64) (local $v4 i64)
    (local.set $end (i32.add (local.get $p) (local.get $len)))
    (if (i32.ge_u (local.get $len) (i32.const 32))
      (then
        (local.set $v1 (i64.add (global.get $P1) (global.get $P2)))
        (local.set $v2 (global.get $P2))
        (local.set $v3 (i64.const 0))
        (local.set $v4 (i64.sub (i64.const 0) (global.get $P1)))
        (local.set $limit (i32.sub (local.get $end) (i32.const 32)))
        (loop $stripes
          (local.set $v1 (call $round (local.get $v1) (i64.load (local.get $p))))
          (local.set $v2 (call $round (local.get $v2) (i64.load offset=8 (local.get $p))))
          (local.set $v3 (call $round (local.get $v3) (i64.load offset=16 (local.get $p))))
          (local.set $v4 (call $round (local.get $v4) (i64.load offset=24 (local.get $p))))
          (local.set $p (i32.add (local.get $p) (i32.const 32)))
          (br_if $stripes (i32.le_u (local.get $p) (local.get $limit))))
        (local.set $h
          (i64.add
            (i64.add (i64.rotl (local.get $v1) (i64.const 1)) (i64.rotl (local.get $v2) (i64.const 7)))
            (i64.add (i64.rotl (local.get $v3) (i64.const 12)) (i64.rotl (local.get $v4) (i64.const 18)))))
        (local.set $h (call $merge (local.get $h) (local.get $v1)))
        (local.set $h (call $merge (local.get $h) (local.get $v2)))
        (local.set $h (call $merge (local.get $h) (local.get $v3)))
        (local.set $h (call $merge (local.get $h) (local.get $v4))))
      (else (local.set $h (global.get $P5))))
    (local.set $h (i64.add (local.get $h) (i64.extend_i32_u (local.get $len))))
    (block $done8
      (loop $words
        (br_if $done8 (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
        (local.set $h
          (i64.add
            (i64.mul
              (i64.rotl
                (i64.xor (local.get $h) (call $round (i64.const 0) (i64.load (local.get $p))))
                (i64.const 27))
              (global.get $P1))
            (global.get $P4)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $words)))
    (if (i32.le_u (i32.add (local.get $p) (i32.const 4)) (local.get $end))
      (then
        (local.set $h
          (i64.add
            (i64.mul
              (i64.rotl
                (i64.xor (local.get $h) (i64.mul (i64.load32_u (local.get $p)) (global.get $P1)))
                (i64.const 23))
              (global.get $P2))
            (global.get $P3)))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))))
    (block $done1
      (loop $bytes
        (br_if $done1 (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $h
          (i64.mul
            (i64.rotl
              (i64.xor (local.get $h) (i64.mul (i64.load8_u (local.get $p)) (global.get $P5)))
              (i64.const 11))
            (global.get $P1)))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $bytes)))
    (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 33))))
    (local.set $h (i64.mul (local.get $h) (global.get $P2)))
    (local.set $h (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 29))))
    (local.set $h (i64.mul (local.get $h) (global.get $P3)))
    (i64.xor (local.get $h) (i64.shr_u (local.get $h) (i64.const 32))))

  ;; Node ids are copied in 8-byte words (a call to memory.copy costs more than hashing a short key), so a copy
  ;; reads up to 7 bytes past a node id and writes up to 7 bytes past the key: the caller leaves that room.
  (func (export "hashAll")
    (param $table i32) (param $count i32) (param $key i32) (param $prefixLength i32) (param $out i32)
    (local $i i32) (local $entry i32) (local $length i32) (local $from i32) (local $to i32) (local $end i32)
    (block $done
      (loop $nodes
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $entry (i32.add (local.get $table) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $from (i32.load (local.get $entry)))
        (local.set $length (i32.load offset=4 (local.get $entry)))
        (local.set $end (i32.add (local.get $from) (local.get $length)))
        (local.set $to (i32.add (local.get $key) (local.get $prefixLength)))
        (block $copied
          (loop $words
            (br_if $copied (i32.ge_u (local.get $from) (local.get $end)))
            (i64.store (local.get $to) (i64.load (local.get $from)))
            (local.set $from (i32.add (local.get $from) (i32.const 8)))
            (local.set $to (i32.add (local.get $to) (i32.const 8)))
            (br $words)))
        (i64.store
          (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3)))
          (call $xxh64 (local.get $key) (i32.add (local.get $prefixLength) (local.get $length))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $nodes)))))
