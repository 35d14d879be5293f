/**
 * What the CPU backend's launcher files share: cost estimates that decide whether a call is split
 * over threads, kernel name suffixes, the storage check, and small helpers of the kernels' numerics.
 * @module
 */
import type { ComputeDType, DType } from "../../dtype.ts";
import type { Storage } from "../backend.ts";
import { WasmStorage } from "./heap.ts";

export type KernelFn = (...args: number[]) => number;

/** Parts per thread of a split call: more than one balances a thread that falls behind. */
export const PARTS_PER_THREAD = 4;

/**
 * Single-thread cost estimates in nanoseconds (per element unless noted), measured through the
 * public API on the 2-core machine of bench/README.md (one run, 2026-12-04, scaled to the idle
 * machine's product rate); they only decide whether a call is worth splitting.
 */
export const NS = {
  /** Cheap unary ops, casts, where, copies, gathers, binary arithmetic and comparisons. */
  cheap: 0.3,
  /** exp, log, log1p, sin, cos, tanh, sigmoid, rsqrt. */
  transcendental: 0.6,
  pow: 20,
  /** Reductions (per input element). */
  reduce: 0.06,
  cumsum: 0.45,
  /** softmax, log-softmax, cross-entropy (per input element). */
  softmax: 0.65,
  argsort: 15,
  adam: 0.75,
  sgd: 0.5,
  /** im2col / col2im (per column element). */
  im2col: 0.2,
  /** Pooling (per output element and window element). */
  pool: 0.5,
  /** float32 matmul, per multiply-add (60 GFLOP/s). */
  fma: 1 / 30,
};

/** Rows at least this long are sorted in runs on several threads when there are few rows. */
export const LONG_SORT = 32768;

export const CHEAP_UNARY: ReadonlySet<string> = new Set([
  "neg",
  "abs",
  "relu",
  "sign",
  "floor",
  "ceil",
  "round",
  "sqrt",
]);

export function checkStorage(op: string, s: Storage): WasmStorage {
  if (!(s instanceof WasmStorage)) {
    throw new TypeError(`${op}: expected a cpu storage, got a ${s.device} storage`);
  }
  if (s.disposed) {
    throw new Error(`${op}: cpu ${s.dtype} storage of ${s.numel} elements: storage was disposed`);
  }
  return s;
}

export const SUFFIX: Record<ComputeDType, string> = { float32: "f32", float64: "f64", int32: "i32" };

const KERNEL_NAMES: Record<ComputeDType, Map<string, string>> = {
  float32: new Map(),
  float64: new Map(),
  int32: new Map(),
};

/** The kernel `<op>_<suffix>`'s name, made once per op and dtype (small ops call it per call). */
export function kernelName(op: string, dtype: ComputeDType): string {
  const names = KERNEL_NAMES[dtype];
  let name = names.get(op);
  if (name === undefined) names.set(op, name = `${op}_${SUFFIX[dtype]}`);
  return name;
}
export const CAST_NAME: Record<DType, string> = {
  float32: "f32",
  float64: "f64",
  float16: "f16",
  int32: "i32",
  uint8: "u8",
  bool: "bool",
  complex64: "c64", // never a storage's dtype: checkDType refuses it before any cast
};
export const X_NAME: Record<number, string> = { 1: "x8", 2: "x16", 4: "x32", 8: "x64" };

/** Rows up to this long are summed in one pass by the kernel (SUM_BLOCK of assembly/reduce.ts). */
export const SUM_BLOCK = 1024;

/**
 * The nodes `depth` levels down the pairwise tree of a float32 row sum (sumRowF32 in
 * assembly/reduce.ts: a row longer than SUM_BLOCK is the sum of its halves, split at
 * `(len >> 1) & ~15`), as [offset, length], left to right.
 */
export function pairwiseLeaves(len: number, depth: number): [number, number][] {
  if (depth === 0 || len <= SUM_BLOCK) return [[0, len]];
  const h = (len >> 1) & ~15;
  return [
    ...pairwiseLeaves(h, depth - 1),
    ...pairwiseLeaves(len - h, depth - 1).map(([o, l]): [number, number] => [o + h, l]),
  ];
}

/** The row sum from its {@link pairwiseLeaves} sums (taken in order from `next`), in float32. */
export function pairwiseTotal(len: number, depth: number, next: () => number): number {
  if (depth === 0 || len <= SUM_BLOCK) return next();
  const h = (len >> 1) & ~15;
  const left = pairwiseTotal(h, depth - 1, next);
  return Math.fround(left + pairwiseTotal(len - h, depth - 1, next));
}

/** Whether `v` replaces `best` in argmax (isMax) or argmin: strictly better, or NaN over a number. */
export function beats(isMax: boolean, v: number, best: number): boolean {
  if (v !== v) return best === best;
  return isMax ? v > best : v < best;
}

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
