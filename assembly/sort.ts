// deno-fmt-ignore-file
// argsort of contiguous rows: the indices that order each row of `len` elements, ascending or
// descending, NaN counting as the largest value and ties kept in index order (a stable sort, as
// PyTorch's CPU sort). Each element becomes a 64-bit key, (order-preserving bits of the value) << 32
// | index, so one unsigned comparison orders values and breaks ties; a stable radix sort on the
// value bits (insertion sort for short rows) then runs in the two scratch halves the caller passes
// (16 bytes per element). wgsl/sort.wgsl sorts the same keys, so both backends give identical
// indices.

import { HIST, THREAD } from "./common";

type P = usize;

/** Bits of a float32 that compare as unsigned integers in the value order (-0 as 0, NaN last). */
// @ts-ignore: decorator
@inline function floatKey(v: f32): u32 {
  if (v != v) return 0xffffffff;
  const bits = v == 0 ? <u32>0 : reinterpret<u32>(v);
  return (bits & 0x80000000) != 0 ? ~bits : bits | 0x80000000;
}

// @ts-ignore: decorator
@inline function intKey(v: i32): u32 {
  return <u32>v ^ 0x80000000;
}

/** Stable insertion sort of `n` u64 keys at `a` (short rows). */
function insertionSort(a: usize, n: usize): void {
  for (let i: usize = 1; i < n; i++) {
    const k = load<u64>(a + (i << 3));
    let j = i;
    while (j > 0 && load<u64>(a + ((j - 1) << 3)) > k) {
      store<u64>(a + (j << 3), load<u64>(a + ((j - 1) << 3)));
      j--;
    }
    store<u64>(a + (j << 3), k);
  }
}

/**
 * Stable LSD radix sort of `n` (key, index) pairs held as u64 at `a` ((key << 32) | index, in index
 * order), by the key's four bytes; `b` is scratch of the same size. Passes whose byte is the same
 * for every key are skipped. Returns where the sorted pairs ended up.
 */
function radixSort(a: usize, b: usize, n: usize): usize {
  memory.fill(HIST, 0, 4 * 256 * 4);
  for (let i: usize = 0; i < n; i++) {
    const key = <u32>(load<u64>(a + (i << 3)) >> 32);
    for (let p: u32 = 0; p < 4; p++) {
      const h = HIST + ((<usize>p << 8) + <usize>((key >> (p << 3)) & 0xff) << 2);
      store<u32>(h, load<u32>(h) + 1);
    }
  }
  let src = a, dst = b;
  for (let p: u32 = 0; p < 4; p++) {
    const hist = HIST + (<usize>p << 10);
    // Exclusive prefix sums become the write positions; a byte shared by all keys sorts nothing.
    let sum: u32 = 0, single = false;
    for (let v: usize = 0; v < 256; v++) {
      const c = load<u32>(hist + (v << 2));
      if (c == <u32>n) single = true;
      store<u32>(hist + (v << 2), sum);
      sum += c;
    }
    if (single) continue;
    const shift: u64 = 32 + (<u64>p << 3);
    for (let i: usize = 0; i < n; i++) {
      const e = load<u64>(src + (i << 3));
      const h = hist + (<usize>((e >> shift) & 0xff) << 2);
      const pos = load<u32>(h);
      store<u32>(h, pos + 1);
      store<u64>(dst + (<usize>pos << 3), e);
    }
    const t = src; src = dst; dst = t;
  }
  return src;
}

// @ts-ignore: decorator
@inline function argsortImpl(isFloat: bool, x: P, out: P, rows: i32, len: i32, descending: i32, work: P, workStride: P): void {
  const n = <usize>len;
  const scratch = work + <usize>THREAD * workStride;
  const b = scratch + (n << 3);
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * (n << 2);
    for (let j: usize = 0; j < n; j++) {
      let key = isFloat ? floatKey(load<f32>(row + (j << 2))) : intKey(load<i32>(row + (j << 2)));
      // Descending: the value order reversed (NaN, the largest, first); indices still ascend.
      if (descending) key = ~key;
      store<u64>(scratch + (j << 3), (<u64>key << 32) | <u64>j);
    }
    let sorted = scratch;
    if (n <= 16) insertionSort(scratch, n);
    else sorted = radixSort(scratch, b, n);
    const o = out + <usize>r * (n << 2);
    for (let j: usize = 0; j < n; j++) store<i32>(o + (j << 2), <i32>(load<u64>(sorted + (j << 3)) & 0xffffffff));
  }
}

/** Sorts `rows` rows; this thread's scratch (16 bytes per element) is `work + THREAD * workStride`. */
export function argsort_f32(x: P, out: P, rows: i32, len: i32, descending: i32, work: P, workStride: P): void {
  argsortImpl(true, x, out, rows, len, descending, work, workStride);
}
export function argsort_i32(x: P, out: P, rows: i32, len: i32, descending: i32, work: P, workStride: P): void {
  argsortImpl(false, x, out, rows, len, descending, work, workStride);
}

// ---------------------------------------------------------------------------------------------
// One long row on several threads: runs of the row sorted on their own (keys carry the index in the
// whole row, so every key is distinct and the merged order is the one-thread order), merged in pairs,
// then the indices read out.

// @ts-ignore: decorator
@inline function sortRunImpl(isFloat: bool, x: P, keys: P, tmp: P, from: i32, to: i32, descending: i32): void {
  const a = keys + (<usize>from << 3), b = tmp + (<usize>from << 3);
  const n = <usize>(to - from);
  for (let j: usize = 0; j < n; j++) {
    const i = <usize>from + j;
    let key = isFloat ? floatKey(load<f32>(x + (i << 2))) : intKey(load<i32>(x + (i << 2)));
    if (descending) key = ~key;
    store<u64>(a + (j << 3), (<u64>key << 32) | <u64>i);
  }
  if (n <= 16) insertionSort(a, n);
  else if (radixSort(a, b, n) != a) memory.copy(a, b, n << 3);
}

/** Sorts the keys of elements [from, to) of the row at `x` into keys[from, to) (tmp: scratch there). */
export function argsort_run_f32(x: P, keys: P, tmp: P, from: i32, to: i32, descending: i32): void {
  sortRunImpl(true, x, keys, tmp, from, to, descending);
}
export function argsort_run_i32(x: P, keys: P, tmp: P, from: i32, to: i32, descending: i32): void {
  sortRunImpl(false, x, keys, tmp, from, to, descending);
}

/** Merges the sorted key runs src[a, m) and src[m, b) into dst[a, b). */
export function argsort_merge(src: P, dst: P, a: i32, m: i32, b: i32): void {
  let i = <usize>a, j = <usize>m, k = <usize>a;
  const ie = <usize>m, je = <usize>b;
  while (i < ie && j < je) {
    const x = load<u64>(src + (i << 3)), y = load<u64>(src + (j << 3));
    const takeX = x < y;
    store<u64>(dst + (k << 3), takeX ? x : y);
    i += <usize>takeX;
    j += <usize>!takeX;
    k++;
  }
  if (i < ie) memory.copy(dst + (k << 3), src + (i << 3), (ie - i) << 3);
  else if (j < je) memory.copy(dst + (k << 3), src + (j << 3), (je - j) << 3);
}

/** out[j] = the row index in keys[j], for j in [from, to). */
export function argsort_indices(keys: P, out: P, from: i32, to: i32): void {
  for (let j = <usize>from; j < <usize>to; j++) store<i32>(out + (j << 2), <i32>(load<u64>(keys + (j << 3)) & 0xffffffff));
}
