// deno-fmt-ignore-file
// float64 kernels (PyTorch's double tensors, CPU only: WGSL has no f64). Export names end in
// _f64 (_x64 for kernels that only move bits). Scalar loops with PyTorch's formulas (the libm
// functions are AssemblyScript's ports of musl, within an ulp of glibc's); matmul uses f64x2.
// Same layouts and argument lists as the float32 kernels of the same op.
import { cast_f16_f32, cast_f32_f16 } from "./cast";
import { PARTIAL } from "./common";

type P = usize;

// ---------------------------------------------------------------------------------------------
// Unary (codes as in elementwise.ts)

const U_NEG = 0, U_ABS = 1, U_EXP = 2, U_LOG = 3, U_LOG1P = 4, U_SQRT = 5, U_RSQRT = 6;
const U_SIN = 7, U_COS = 8, U_TANH = 9, U_SIGMOID = 10, U_RELU = 11, U_SIGN = 12;
const U_FLOOR = 13, U_CEIL = 14, U_ROUND = 15;

// @ts-ignore: decorator
@inline function un64(op: i32, x: f64): f64 {
  if (op == U_NEG) return -x;
  if (op == U_ABS) return abs<f64>(x);
  if (op == U_EXP) return Math.exp(x);
  if (op == U_LOG) return Math.log(x);
  if (op == U_LOG1P) return Math.log1p(x);
  if (op == U_SQRT) return sqrt<f64>(x);
  if (op == U_RSQRT) return 1.0 / sqrt<f64>(x);
  if (op == U_SIN) return Math.sin(x);
  if (op == U_COS) return Math.cos(x);
  if (op == U_TANH) return Math.tanh(x);
  if (op == U_SIGMOID) return 1.0 / (1.0 + Math.exp(-x));
  if (op == U_RELU) return x < 0 ? 0.0 : x;
  if (op == U_SIGN) return <f64>(<i32>(x > 0) - <i32>(x < 0)); // NaN gives 0, as PyTorch
  if (op == U_FLOOR) return floor<f64>(x);
  if (op == U_CEIL) return ceil<f64>(x);
  return nearest<f64>(x); // U_ROUND: half to even
}

// @ts-ignore: decorator
@inline function unary64(op: i32, x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) {
    const q = <usize>i << 3;
    store<f64>(out + q, un64(op, load<f64>(x + q)));
  }
}

export function neg_f64(x: P, out: P, n: i32): void { unary64(U_NEG, x, out, n); }
export function abs_f64(x: P, out: P, n: i32): void { unary64(U_ABS, x, out, n); }
export function exp_f64(x: P, out: P, n: i32): void { unary64(U_EXP, x, out, n); }
export function log_f64(x: P, out: P, n: i32): void { unary64(U_LOG, x, out, n); }
export function log1p_f64(x: P, out: P, n: i32): void { unary64(U_LOG1P, x, out, n); }
export function sqrt_f64(x: P, out: P, n: i32): void { unary64(U_SQRT, x, out, n); }
export function rsqrt_f64(x: P, out: P, n: i32): void { unary64(U_RSQRT, x, out, n); }
export function sin_f64(x: P, out: P, n: i32): void { unary64(U_SIN, x, out, n); }
export function cos_f64(x: P, out: P, n: i32): void { unary64(U_COS, x, out, n); }
export function tanh_f64(x: P, out: P, n: i32): void { unary64(U_TANH, x, out, n); }
export function sigmoid_f64(x: P, out: P, n: i32): void { unary64(U_SIGMOID, x, out, n); }
export function relu_f64(x: P, out: P, n: i32): void { unary64(U_RELU, x, out, n); }
export function sign_f64(x: P, out: P, n: i32): void { unary64(U_SIGN, x, out, n); }
export function floor_f64(x: P, out: P, n: i32): void { unary64(U_FLOOR, x, out, n); }
export function ceil_f64(x: P, out: P, n: i32): void { unary64(U_CEIL, x, out, n); }
export function round_f64(x: P, out: P, n: i32): void { unary64(U_ROUND, x, out, n); }

// ---------------------------------------------------------------------------------------------
// Binary: operands as in elementwise.ts (length n: full, 1: a scalar, L dividing n: x[i % L]).

const B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_POW = 4, B_MAX = 5, B_MIN = 6;
const B_EQ = 7, B_NE = 8, B_LT = 9, B_LE = 10, B_GT = 11, B_GE = 12;

/** pow with C's special cases (pow(1, y) = 1 even for NaN y; pow(-1, ±inf) = 1), as PyTorch. */
// @ts-ignore: decorator
@inline function pow64(x: f64, y: f64): f64 {
  if (x == 1 || (x == -1 && (y == Infinity || y == -Infinity))) return 1;
  return Math.pow(x, y);
}

// @ts-ignore: decorator
@inline function bin64(op: i32, a: f64, b: f64): f64 {
  if (op == B_ADD) return a + b;
  if (op == B_SUB) return a - b;
  if (op == B_MUL) return a * b;
  if (op == B_DIV) return a / b;
  if (op == B_POW) return pow64(a, b);
  if (op == B_MAX) return max<f64>(a, b); // f64.max: NaN propagates
  return min<f64>(a, b);
}

// @ts-ignore: decorator
@inline function cmp64(op: i32, a: f64, b: f64): u8 {
  if (op == B_EQ) return <u8>(a == b);
  if (op == B_NE) return <u8>(a != b);
  if (op == B_LT) return <u8>(a < b);
  if (op == B_LE) return <u8>(a <= b);
  if (op == B_GT) return <u8>(a > b);
  return <u8>(a >= b);
}

// @ts-ignore: decorator
@inline function binary64(op: i32, a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void {
  const isCmp = op >= B_EQ;
  if (aLen == n && bLen == n) {
    for (let i = 0; i < n; i++) {
      const q = <usize>i << 3;
      if (isCmp) store<u8>(out + <usize>i, cmp64(op, load<f64>(a + q), load<f64>(b + q)));
      else store<f64>(out + q, bin64(op, load<f64>(a + q), load<f64>(b + q)));
    }
    return;
  }
  if (aLen == n && bLen == 1) {
    const bv = load<f64>(b);
    for (let i = 0; i < n; i++) {
      const q = <usize>i << 3;
      if (isCmp) store<u8>(out + <usize>i, cmp64(op, load<f64>(a + q), bv));
      else store<f64>(out + q, bin64(op, load<f64>(a + q), bv));
    }
    return;
  }
  let ia = 0, ib = 0;
  for (let i = 0; i < n; i++) {
    const va = load<f64>(a + (<usize>ia << 3)), vb = load<f64>(b + (<usize>ib << 3));
    if (isCmp) store<u8>(out + <usize>i, cmp64(op, va, vb));
    else store<f64>(out + (<usize>i << 3), bin64(op, va, vb));
    if (++ia == aLen) ia = 0;
    if (++ib == bLen) ib = 0;
  }
}

export function add_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_ADD, a, aLen, b, bLen, out, n); }
export function sub_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_SUB, a, aLen, b, bLen, out, n); }
export function mul_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_MUL, a, aLen, b, bLen, out, n); }
export function div_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_DIV, a, aLen, b, bLen, out, n); }
export function maximum_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_MAX, a, aLen, b, bLen, out, n); }
export function minimum_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_MIN, a, aLen, b, bLen, out, n); }
export function eq_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_EQ, a, aLen, b, bLen, out, n); }
export function ne_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_NE, a, aLen, b, bLen, out, n); }
export function lt_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_LT, a, aLen, b, bLen, out, n); }
export function le_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_LE, a, aLen, b, bLen, out, n); }
export function gt_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_GT, a, aLen, b, bLen, out, n); }
export function ge_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binary64(B_GE, a, aLen, b, bLen, out, n); }

/** pow with PyTorch's fast paths for common scalar exponents (x*x for 2, sqrt for 0.5, ...). */
export function pow_f64(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void {
  if (bLen == 1 && aLen == n) {
    const e = load<f64>(b);
    if (e == 2.0 || e == 3.0 || e == 0.5 || e == -0.5 || e == -1.0 || e == -2.0) {
      for (let i = 0; i < n; i++) {
        const q = <usize>i << 3;
        const x = load<f64>(a + q);
        let r: f64;
        if (e == 2.0) r = x * x;
        else if (e == 3.0) r = x * x * x;
        else if (e == 0.5) r = sqrt<f64>(x);
        else if (e == -0.5) r = 1.0 / sqrt<f64>(x);
        else if (e == -1.0) r = 1.0 / x;
        else r = 1.0 / (x * x);
        store<f64>(out + q, r);
      }
      return;
    }
  }
  binary64(B_POW, a, aLen, b, bLen, out, n);
}

export function where_x64(cond: P, a: P, b: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) {
    const q = <usize>i << 3;
    store<u64>(out + q, load<u8>(cond + <usize>i) ? load<u64>(a + q) : load<u64>(b + q));
  }
}

// ---------------------------------------------------------------------------------------------
// Reductions over the middle axis of [outer, len, inner] (max/min propagate NaN; arg* give the
// first index of the extreme, NaN winning), cumsum.

const R_SUM = 0, R_PROD = 1, R_MAX = 2, R_MIN = 3;

// @ts-ignore: decorator
@inline function red64(op: i32, a: f64, b: f64): f64 {
  if (op == R_SUM) return a + b;
  if (op == R_PROD) return a * b;
  if (op == R_MAX) return max<f64>(a, b);
  return min<f64>(a, b);
}

/** Pairwise sum of a contiguous row (four accumulators per block of 128). */
function sumRow64(p: P, len: i32): f64 {
  if (len > 128) {
    const h = (len >> 1) & ~3;
    return sumRow64(p, h) + sumRow64(p + (<usize>h << 3), len - h);
  }
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let j = 0;
  for (; j + 4 <= len; j += 4) {
    const q = p + (<usize>j << 3);
    s0 += load<f64>(q);
    s1 += load<f64>(q, 8);
    s2 += load<f64>(q, 16);
    s3 += load<f64>(q, 24);
  }
  for (; j < len; j++) s0 += load<f64>(p + (<usize>j << 3));
  return (s0 + s1) + (s2 + s3);
}

// @ts-ignore: decorator
@inline function reduce64(op: i32, x: P, out: P, outer: i32, len: i32, inner: i32): void {
  const ident: f64 = op == R_SUM ? 0.0 : op == R_PROD ? 1.0 : op == R_MAX ? -Infinity : Infinity;
  const rowBytes = <usize>inner << 3;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * rowBytes;
    if (inner == 1) {
      let acc = ident;
      if (op == R_SUM) acc = sumRow64(base, len);
      else for (let j = 0; j < len; j++) acc = red64(op, acc, load<f64>(base + (<usize>j << 3)));
      store<f64>(out + (<usize>o << 3), acc);
      continue;
    }
    // Row by row (sequential reads), accumulating into the output row.
    const ob = out + <usize>o * rowBytes;
    for (let i = 0; i < inner; i++) store<f64>(ob + (<usize>i << 3), ident);
    for (let j = 0; j < len; j++) {
      const row = base + <usize>j * rowBytes;
      for (let i = 0; i < inner; i++) {
        const q = <usize>i << 3;
        store<f64>(ob + q, red64(op, load<f64>(ob + q), load<f64>(row + q)));
      }
    }
  }
}

export function sum_f64(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduce64(R_SUM, x, out, outer, len, inner); }
export function prod_f64(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduce64(R_PROD, x, out, outer, len, inner); }
export function max_f64(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduce64(R_MAX, x, out, outer, len, inner); }
export function min_f64(x: P, out: P, outer: i32, len: i32, inner: i32): void { reduce64(R_MIN, x, out, outer, len, inner); }

/** v strictly beats b (NaN beats any number; the first NaN stays). */
// @ts-ignore: decorator
@inline function beats64(isMax: bool, v: f64, b: f64): bool {
  return (isMax ? v > b : v < b) || (v != v && b == b);
}

// @ts-ignore: decorator
@inline function arg64(isMax: bool, x: P, out: P, outer: i32, len: i32, inner: i32): void {
  const rowBytes = <usize>inner << 3;
  for (let o = 0; o < outer; o++) {
    const base = x + <usize>o * <usize>len * rowBytes;
    for (let i = 0; i < inner; i++) {
      let p = base + (<usize>i << 3);
      let best = load<f64>(p);
      let bi = 0;
      for (let j = 1; j < len; j++) {
        p += rowBytes;
        const v = load<f64>(p);
        if (beats64(isMax, v, best)) { best = v; bi = j; }
      }
      store<i32>(out + ((<usize>o * <usize>inner + <usize>i) << 2), bi);
    }
  }
}

export function argmax_f64(x: P, out: P, outer: i32, len: i32, inner: i32): void { arg64(true, x, out, outer, len, inner); }
export function argmin_f64(x: P, out: P, outer: i32, len: i32, inner: i32): void { arg64(false, x, out, outer, len, inner); }

export function cumsum_f64(x: P, out: P, outer: i32, len: i32, inner: i32): void {
  const rowBytes = <usize>inner << 3;
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>len * rowBytes;
    if (len > 0) memory.copy(out + base, x + base, rowBytes);
    for (let j = 1; j < len; j++) {
      const r = base + <usize>j * rowBytes;
      for (let i = 0; i < inner; i++) {
        const q = r + (<usize>i << 3);
        store<f64>(out + q, load<f64>(out + q - rowBytes) + load<f64>(x + q));
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Softmax and log-softmax of the rows of [rows, cols] (PyTorch's lastdim kernels: exp(x - max)
// scaled by 1 / sum; x - (max + log(sum))).

// @ts-ignore: decorator
@inline function softmaxRows64(log: bool, x: P, out: P, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const off = (<usize>r * <usize>cols) << 3;
    const p = x + off, o = out + off;
    let m: f64 = -Infinity;
    for (let j = 0; j < cols; j++) m = max<f64>(m, load<f64>(p + (<usize>j << 3)));
    let s: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const q = <usize>j << 3;
      const e = Math.exp(load<f64>(p + q) - m);
      if (!log) store<f64>(o + q, e);
      s += e;
    }
    if (log) {
      const shift = m + Math.log(s);
      for (let j = 0; j < cols; j++) {
        const q = <usize>j << 3;
        store<f64>(o + q, load<f64>(p + q) - shift);
      }
    } else {
      const inv = 1.0 / s;
      for (let j = 0; j < cols; j++) {
        const q = <usize>j << 3;
        store<f64>(o + q, load<f64>(o + q) * inv);
      }
    }
  }
}

export function softmax_f64(x: P, out: P, rows: i32, cols: i32): void { softmaxRows64(false, x, out, rows, cols); }
export function logSoftmax_f64(x: P, out: P, rows: i32, cols: i32): void { softmaxRows64(true, x, out, rows, cols); }

// ---------------------------------------------------------------------------------------------
// Batched matrix product C[b] = op(A[b]) @ op(B[b]) (C is [batch, m, n]): a transposed B is
// first written as [k, n] into the workspace; then blocks of B stay in cache while rows of A
// sweep them, two columns of C per f64x2 (separate multiply and add in both builds).

const KB64 = 128;
const NB64 = 256;

/** Bytes of workspace matmul_f64 needs. */
export function matmul_f64_workspace(_m: i32, k: i32, n: i32): usize {
  return (<usize>k * <usize>n << 3) + 64;
}

export function matmul_f64(
  a: P, b: P, c: P, batch: i32, m: i32, k: i32, n: i32,
  aStride: i32, bStride: i32, transA: bool, transB: bool, work: P, _bias: P,
): void {
  const ldc = <usize>n << 3;
  for (let bt = 0; bt < batch; bt++) {
    const A = a + ((<usize>bt * <usize>aStride) << 3);
    let B = b + ((<usize>bt * <usize>bStride) << 3);
    const C = c + <usize>bt * <usize>m * ldc;
    if (transB) {
      for (let j = 0; j < n; j++) {
        for (let p = 0; p < k; p++) {
          store<f64>(work + ((<usize>p * <usize>n + <usize>j) << 3), load<f64>(B + ((<usize>j * <usize>k + <usize>p) << 3)));
        }
      }
      B = work;
    }
    memory.fill(C, 0, <usize>m * ldc);
    for (let j0 = 0; j0 < n; j0 += NB64) {
      const j1 = min(j0 + NB64, n);
      for (let p0 = 0; p0 < k; p0 += KB64) {
        const p1 = min(p0 + KB64, k);
        for (let i = 0; i < m; i++) {
          const row = C + <usize>i * ldc;
          for (let p = p0; p < p1; p++) {
            const av = transA ? load<f64>(A + ((<usize>p * <usize>m + <usize>i) << 3)) : load<f64>(A + ((<usize>i * <usize>k + <usize>p) << 3));
            const avv = f64x2.splat(av);
            const brow = B + <usize>p * ldc;
            let j = j0;
            for (; j + 2 <= j1; j += 2) {
              const q = <usize>j << 3;
              v128.store(row + q, f64x2.add(v128.load(row + q), f64x2.mul(avv, v128.load(brow + q))));
            }
            if (j < j1) {
              const q = <usize>j << 3;
              store<f64>(row + q, load<f64>(row + q) + av * load<f64>(brow + q));
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// scatterAdd (the adjoint of gather; layout and index modes as in indexing.ts): returns the
// position of the first index outside [0, len) (nothing written), or -1.

export function scatterAdd_f64(src: P, index: P, out: P, outer: i32, len: i32, inner: i32, idxLen: i32, is1d: bool): i32 {
  const count = is1d ? <usize>idxLen : <usize>outer * <usize>idxLen * <usize>inner;
  for (let t: usize = 0; t < count; t++) {
    if (<u32>load<i32>(index + (t << 2)) >= <u32>len) return <i32>t;
  }
  const rowBytes = <usize>inner << 3;
  memory.fill(out, 0, <usize>outer * <usize>len * rowBytes);
  for (let o = 0; o < outer; o++) {
    const sb = src + <usize>o * <usize>idxLen * rowBytes;
    const ob = out + <usize>o * <usize>len * rowBytes;
    const ib = index + ((<usize>o * <usize>idxLen * <usize>inner) << 2);
    for (let j = 0; j < idxLen; j++) {
      for (let i = 0; i < inner; i++) {
        const q = <usize>i << 3;
        const at = is1d ? load<i32>(index + (<usize>j << 2)) : load<i32>(ib + ((<usize>j * <usize>inner + <usize>i) << 2));
        const d = ob + <usize>at * rowBytes + q;
        store<f64>(d, load<f64>(d) + load<f64>(sb + <usize>j * rowBytes + q));
      }
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// argsort of contiguous rows (same order as sort.ts: NaN largest, -0 equal to 0, stable). The
// keys are 64-bit, so a (key, index) pair takes 16 bytes: a stable bottom-up merge sort runs in
// the scratch the caller passes (32 bytes per element: the pairs and their merge buffer).

/** Bits of a float64 that compare as unsigned integers in the value order (-0 as 0, NaN last). */
// @ts-ignore: decorator
@inline function key64(v: f64): u64 {
  if (v != v) return 0xffffffffffffffff;
  const bits = v == 0 ? <u64>0 : reinterpret<u64>(v);
  return (bits & 0x8000000000000000) != 0 ? ~bits : bits | 0x8000000000000000;
}

/** Stable merge of the sorted runs [lo, mid) and [mid, hi) of `src` into `dst` (16-byte pairs). */
function mergeRuns(src: P, dst: P, lo: usize, mid: usize, hi: usize): void {
  let i = lo, j = mid, k = lo;
  while (i < mid && j < hi) {
    // Ties take the left run first (keys equal, indices already ascending across runs).
    if (load<u64>(src + (j << 4)) < load<u64>(src + (i << 4))) {
      memory.copy(dst + (k << 4), src + (j << 4), 16);
      j++;
    } else {
      memory.copy(dst + (k << 4), src + (i << 4), 16);
      i++;
    }
    k++;
  }
  if (i < mid) memory.copy(dst + (k << 4), src + (i << 4), (mid - i) << 4);
  else if (j < hi) memory.copy(dst + (k << 4), src + (j << 4), (hi - j) << 4);
}

export function argsort_f64(x: P, out: P, rows: i32, len: i32, descending: i32, scratch: P): void {
  const n = <usize>len;
  const buf = scratch + (n << 4);
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * (n << 3);
    for (let j: usize = 0; j < n; j++) {
      let key = key64(load<f64>(row + (j << 3)));
      if (descending) key = ~key; // NaN (the largest) first; indices still ascend
      store<u64>(scratch + (j << 4), key);
      store<u64>(scratch + (j << 4), <u64>j, 8);
    }
    let src = scratch, dst = buf;
    for (let width: usize = 1; width < n; width <<= 1) {
      for (let lo: usize = 0; lo < n; lo += width << 1) {
        const mid = min(lo + width, n), hi = min(lo + (width << 1), n);
        mergeRuns(src, dst, lo, mid, hi);
      }
      const t = src; src = dst; dst = t;
    }
    const o = out + <usize>r * (n << 2);
    for (let j: usize = 0; j < n; j++) store<i32>(o + (j << 2), <i32>load<u64>(src + (j << 4), 8));
  }
}

// ---------------------------------------------------------------------------------------------
// Casts to and from float64. Float to integer truncates toward zero, INT32_MIN for NaN,
// infinities and values out of range (x86's conversion, as PyTorch); to uint8 through int32
// (wrapping); float16 through float32 (PyTorch's double-to-half goes through float too).

// @ts-ignore: decorator
@inline function toI32(v: f64): i32 {
  return v > -2147483649.0 && v < 2147483648.0 ? <i32>v : i32.MIN_VALUE;
}

export function cast_f64_f32(x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>load<f64>(x + (<usize>i << 3)));
}
export function cast_f64_i32(x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) store<i32>(out + (<usize>i << 2), toI32(load<f64>(x + (<usize>i << 3))));
}
export function cast_f64_u8(x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) store<u8>(out + <usize>i, <u8>(toI32(load<f64>(x + (<usize>i << 3))) & 255));
}
export function cast_f64_bool(x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) store<u8>(out + <usize>i, <u8>(load<f64>(x + (<usize>i << 3)) != 0));
}
export function cast_f32_f64(x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), <f64>load<f32>(x + (<usize>i << 2)));
}
export function cast_i32_f64(x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), <f64>load<i32>(x + (<usize>i << 2)));
}
export function cast_u8_f64(x: P, out: P, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(out + (<usize>i << 3), <f64>load<u8>(x + <usize>i));
}

/** Elements per chunk of the float16 conversions (through float32 in this instance's PARTIAL block). */
const F16_CHUNK = 256;

export function cast_f64_f16(x: P, out: P, n: i32): void {
  for (let i0 = 0; i0 < n; i0 += F16_CHUNK) {
    const cnt = min(F16_CHUNK, n - i0);
    cast_f64_f32(x + (<usize>i0 << 3), PARTIAL, cnt);
    cast_f32_f16(PARTIAL, out + (<usize>i0 << 1), cnt);
  }
}
export function cast_f16_f64(x: P, out: P, n: i32): void {
  for (let i0 = 0; i0 < n; i0 += F16_CHUNK) {
    const cnt = min(F16_CHUNK, n - i0);
    cast_f16_f32(x + (<usize>i0 << 1), PARTIAL, cnt);
    cast_f32_f64(PARTIAL, out + (<usize>i0 << 3), cnt);
  }
}
