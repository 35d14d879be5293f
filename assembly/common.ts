// deno-fmt-ignore-file
// Shared helpers for the kernels. Compiled by AssemblyScript (not Deno): see tools/build_wasm.ts.

// Scratch blocks. Every instance of the module (the calling thread's and each worker's, all over
// one shared memory) has its own, at an address the JavaScript side gives it with set_thread: none
// lives in static data, which each instantiation rewrites. Kernels are never re-entered.

/** Which thread this instance runs on (0: the calling thread): picks its slice of a workspace. */
export let THREAD: i32 = 0;
/** 64 bytes for SIMD tails. */
export let TMP: usize = 0;
/** Counters for the strided copy odometer (up to 64 dims, 256 bytes). */
export let COUNTERS: usize = 0;
/** One matmul register tile for edge tiles (6 x 8 floats, 192 bytes). */
export let EDGE: usize = 0;
/** Columns per chunk of the row-streaming reductions (reduce.ts). */
export const CHUNK = 1024;
/** Partial sums of a chunk of columns (CHUNK floats). */
export let PARTIAL: usize = 0;
/** Best values of a chunk of columns for argmax/argmin (CHUNK floats). */
export let BEST: usize = 0;
/** float64 running sums of a chunk of columns for cumsum (CHUNK doubles). */
export let ACC64: usize = 0;
/** Byte histograms of the radix sort (4 x 256 u32). */
export let HIST: usize = 0;

const SCRATCH_BYTES: usize = 64 + 256 + 192 + CHUNK * 4 + CHUNK * 4 + CHUNK * 8 + 4 * 256 * 4;

/** Bytes of scratch one instance needs (16-byte aligned). */
export function scratch_bytes(): usize {
  return (SCRATCH_BYTES + 15) & ~(<usize>15);
}

/** Sets this instance's thread index and scratch block (scratch_bytes() bytes, 16-byte aligned). */
export function set_thread(index: i32, scratch: usize): void {
  THREAD = index;
  TMP = scratch;
  COUNTERS = TMP + 64;
  EDGE = COUNTERS + 256;
  PARTIAL = EDGE + 192;
  BEST = PARTIAL + CHUNK * 4;
  ACC64 = BEST + CHUNK * 4;
  HIST = ACC64 + CHUNK * 8;
}

/** 0x01 bytes (see math.ts on why vector constants are loaded from memory). */
const BYTE_ONE: usize = memory.data<u8>([1]);

/** Broadcast-loads a 32-bit constant from static memory (one instruction, no bounds check). */
// @ts-ignore: decorator
@inline export function k32(p: usize): v128 {
  return v128.load32_splat(p);
}

/** Where the JavaScript side may start its scratch region. */
export function heap_base(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** `a * b + c` on f32x4: fused when relaxed SIMD is enabled, separate mul and add otherwise. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** Horizontal sum of an f32x4. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1);
}

/** Horizontal sum of an i32x4 (wrapping). */
// @ts-ignore: decorator
@inline export function hsumi(v: v128): i32 {
  const s = i32x4.add(v, v128.shuffle<i32>(v, v, 2, 3, 0, 1));
  return i32x4.extract_lane(s, 0) + i32x4.extract_lane(s, 1);
}

/** Narrows four 0/-1 i32x4 masks to sixteen 0/1 bytes. */
// @ts-ignore: decorator
@inline export function masksToBytes(m0: v128, m1: v128, m2: v128, m3: v128): v128 {
  const lo = i16x8.narrow_i32x4_s(m0, m1);
  const hi = i16x8.narrow_i32x4_s(m2, m3);
  return v128.and(i8x16.narrow_i16x8_s(lo, hi), v128.load8_splat(BYTE_ONE));
}

/** Narrows one 0/-1 i32x4 mask to four 0/1 bytes in the low lanes. */
// @ts-ignore: decorator
@inline export function maskToBytes4(m: v128): v128 {
  const w = i16x8.narrow_i32x4_s(m, m);
  return v128.and(i8x16.narrow_i16x8_s(w, w), v128.load8_splat(BYTE_ONE));
}
