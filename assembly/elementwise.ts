// deno-fmt-ignore-file
// Elementwise kernels: unary (float32, int32), binary arithmetic and comparisons (float32,
// int32) and `where`.
//
// Binary operands: pointer + length. Length == n is a full operand, length 1 a scalar
// (broadcast), any other length L (dividing n) a tile read as x[i % L].
import { TMP, k32, masksToBytes } from "./common";

const F_ONE: usize = memory.data<f32>([1.0]);
import { expv, logv, log1pv, sinv, cosv, tanhv, sigmoidv, powv, ipowv } from "./math";

// ---------------------------------------------------------------------------------------------
// Unary

const U_NEG = 0, U_ABS = 1, U_EXP = 2, U_LOG = 3, U_LOG1P = 4, U_SQRT = 5, U_RSQRT = 6;
const U_SIN = 7, U_COS = 8, U_TANH = 9, U_SIGMOID = 10, U_RELU = 11, U_SIGN = 12;
const U_FLOOR = 13, U_CEIL = 14, U_ROUND = 15;

// @ts-ignore: decorator
@inline function unaryF32v(op: i32, x: v128): v128 {
  if (op == U_NEG) return f32x4.neg(x);
  if (op == U_ABS) return f32x4.abs(x);
  if (op == U_EXP) return expv(x);
  if (op == U_LOG) return logv(x);
  if (op == U_LOG1P) return log1pv(x);
  if (op == U_SQRT) return f32x4.sqrt(x);
  if (op == U_RSQRT) return f32x4.div(k32(F_ONE), f32x4.sqrt(x));
  if (op == U_SIN) return sinv(x);
  if (op == U_COS) return cosv(x);
  if (op == U_TANH) return tanhv(x);
  if (op == U_SIGMOID) return sigmoidv(x);
  if (op == U_RELU) return f32x4.pmax(x, f32x4.splat(0.0));
  if (op == U_SIGN) {
    // (x > 0) - (x < 0); NaN gives 0 as PyTorch.
    const one = k32(F_ONE);
    return f32x4.sub(
      v128.and(f32x4.gt(x, f32x4.splat(0.0)), one),
      v128.and(f32x4.lt(x, f32x4.splat(0.0)), one),
    );
  }
  if (op == U_FLOOR) return f32x4.floor(x);
  if (op == U_CEIL) return f32x4.ceil(x);
  return f32x4.nearest(x); // U_ROUND: half to even
}

// @ts-ignore: decorator
@inline function unaryI32v(op: i32, x: v128): v128 {
  if (op == U_NEG) return i32x4.neg(x);
  if (op == U_ABS) return i32x4.abs(x);
  if (op == U_RELU) return i32x4.max_s(x, i32x4.splat(0));
  // U_SIGN
  return i32x4.sub(i32x4.lt_s(x, i32x4.splat(0)), i32x4.gt_s(x, i32x4.splat(0)));
}

// @ts-ignore: decorator
@inline function unaryImpl(op: i32, isF32: bool, x: usize, out: usize, n: i32): void {
  let i = 0;
  const n16 = n & ~15;
  for (; i < n16; i += 16) {
    const p = <usize>i << 2;
    const a0 = v128.load(x + p, 0);
    const a1 = v128.load(x + p, 16);
    const a2 = v128.load(x + p, 32);
    const a3 = v128.load(x + p, 48);
    if (isF32) {
      v128.store(out + p, unaryF32v(op, a0), 0);
      v128.store(out + p, unaryF32v(op, a1), 16);
      v128.store(out + p, unaryF32v(op, a2), 32);
      v128.store(out + p, unaryF32v(op, a3), 48);
    } else {
      v128.store(out + p, unaryI32v(op, a0), 0);
      v128.store(out + p, unaryI32v(op, a1), 16);
      v128.store(out + p, unaryI32v(op, a2), 32);
      v128.store(out + p, unaryI32v(op, a3), 48);
    }
  }
  for (; i + 4 <= n; i += 4) {
    const p = <usize>i << 2;
    if (isF32) v128.store(out + p, unaryF32v(op, v128.load(x + p)));
    else v128.store(out + p, unaryI32v(op, v128.load(x + p)));
  }
  if (i < n) {
    const bytes = <usize>(n - i) << 2;
    v128.store(TMP, v128.splat<i32>(0));
    memory.copy(TMP, x + (<usize>i << 2), bytes);
    if (isF32) v128.store(TMP, unaryF32v(op, v128.load(TMP)));
    else v128.store(TMP, unaryI32v(op, v128.load(TMP)));
    memory.copy(out + (<usize>i << 2), TMP, bytes);
  }
}

export function neg_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_NEG, true, x, out, n); }
export function abs_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_ABS, true, x, out, n); }
export function exp_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_EXP, true, x, out, n); }
export function log_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_LOG, true, x, out, n); }
export function log1p_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_LOG1P, true, x, out, n); }
export function sqrt_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_SQRT, true, x, out, n); }
export function rsqrt_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_RSQRT, true, x, out, n); }
export function sin_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_SIN, true, x, out, n); }
export function cos_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_COS, true, x, out, n); }
export function tanh_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_TANH, true, x, out, n); }
export function sigmoid_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_SIGMOID, true, x, out, n); }
export function relu_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_RELU, true, x, out, n); }
export function sign_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_SIGN, true, x, out, n); }
export function floor_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_FLOOR, true, x, out, n); }
export function ceil_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_CEIL, true, x, out, n); }
export function round_f32(x: usize, out: usize, n: i32): void { unaryImpl(U_ROUND, true, x, out, n); }

export function neg_i32(x: usize, out: usize, n: i32): void { unaryImpl(U_NEG, false, x, out, n); }
export function abs_i32(x: usize, out: usize, n: i32): void { unaryImpl(U_ABS, false, x, out, n); }
export function sign_i32(x: usize, out: usize, n: i32): void { unaryImpl(U_SIGN, false, x, out, n); }
export function relu_i32(x: usize, out: usize, n: i32): void { unaryImpl(U_RELU, false, x, out, n); }

// ---------------------------------------------------------------------------------------------
// Binary

const B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3, B_POW = 4, B_MAX = 5, B_MIN = 6;
const B_EQ = 7, B_NE = 8, B_LT = 9, B_LE = 10, B_GT = 11, B_GE = 12;

// @ts-ignore: decorator
@inline function isCmp(op: i32): bool {
  return op >= B_EQ;
}

/** One SIMD step: arithmetic gives values, comparisons give 0/-1 masks. */
// @ts-ignore: decorator
@inline function binV(op: i32, isF32: bool, a: v128, b: v128): v128 {
  if (isF32) {
    if (op == B_ADD) return f32x4.add(a, b);
    if (op == B_SUB) return f32x4.sub(a, b);
    if (op == B_MUL) return f32x4.mul(a, b);
    if (op == B_DIV) return f32x4.div(a, b);
    if (op == B_POW) return powv(a, b);
    if (op == B_MAX) return f32x4.max(a, b);
    if (op == B_MIN) return f32x4.min(a, b);
    if (op == B_EQ) return f32x4.eq(a, b);
    if (op == B_NE) return f32x4.ne(a, b);
    if (op == B_LT) return f32x4.lt(a, b);
    if (op == B_LE) return f32x4.le(a, b);
    if (op == B_GT) return f32x4.gt(a, b);
    return f32x4.ge(a, b);
  } else {
    if (op == B_ADD) return i32x4.add(a, b);
    if (op == B_SUB) return i32x4.sub(a, b);
    if (op == B_MUL) return i32x4.mul(a, b);
    if (op == B_POW) return ipowv(a, b);
    if (op == B_MAX) return i32x4.max_s(a, b);
    if (op == B_MIN) return i32x4.min_s(a, b);
    if (op == B_EQ) return i32x4.eq(a, b);
    if (op == B_NE) return i32x4.ne(a, b);
    if (op == B_LT) return i32x4.lt_s(a, b);
    if (op == B_LE) return i32x4.le_s(a, b);
    if (op == B_GT) return i32x4.gt_s(a, b);
    return i32x4.ge_s(a, b);
  }
}

/**
 * `out[i] = op(a[i], b[i])` for i < n. aMode/bMode: 0 = vector, 1 = splat (value in sa/sb).
 * Output elements are 4 bytes (arithmetic) or 1 byte (comparisons).
 */
// @ts-ignore: decorator
@inline function binRun(
  op: i32, isF32: bool, a: usize, aSplat: bool, sa: v128, b: usize, bSplat: bool, sb: v128, out: usize, n: i32,
): void {
  let i = 0;
  if (isCmp(op)) {
    const n16 = n & ~15;
    for (; i < n16; i += 16) {
      const p = <usize>i << 2;
      const m0 = binV(op, isF32, aSplat ? sa : v128.load(a + p, 0), bSplat ? sb : v128.load(b + p, 0));
      const m1 = binV(op, isF32, aSplat ? sa : v128.load(a + p, 16), bSplat ? sb : v128.load(b + p, 16));
      const m2 = binV(op, isF32, aSplat ? sa : v128.load(a + p, 32), bSplat ? sb : v128.load(b + p, 32));
      const m3 = binV(op, isF32, aSplat ? sa : v128.load(a + p, 48), bSplat ? sb : v128.load(b + p, 48));
      v128.store(out + <usize>i, masksToBytes(m0, m1, m2, m3));
    }
    // Tail, four at a time through the scratch block.
    for (; i < n; i += 4) {
      const p = <usize>i << 2;
      const cnt = min(<usize>(n - i) << 2, 16);
      let va = sa, vb = sb;
      if (!aSplat) { memory.copy(TMP, a + p, cnt); va = v128.load(TMP); }
      if (!bSplat) { memory.copy(TMP + 16, b + p, cnt); vb = v128.load(TMP + 16); }
      const m = binV(op, isF32, va, vb);
      v128.store(TMP + 32, masksToBytes(m, m, m, m));
      memory.copy(out + <usize>i, TMP + 32, cnt >> 2);
    }
  } else {
    const n16 = n & ~15;
    for (; i < n16; i += 16) {
      const p = <usize>i << 2;
      const r0 = binV(op, isF32, aSplat ? sa : v128.load(a + p, 0), bSplat ? sb : v128.load(b + p, 0));
      const r1 = binV(op, isF32, aSplat ? sa : v128.load(a + p, 16), bSplat ? sb : v128.load(b + p, 16));
      const r2 = binV(op, isF32, aSplat ? sa : v128.load(a + p, 32), bSplat ? sb : v128.load(b + p, 32));
      const r3 = binV(op, isF32, aSplat ? sa : v128.load(a + p, 48), bSplat ? sb : v128.load(b + p, 48));
      v128.store(out + p, r0, 0);
      v128.store(out + p, r1, 16);
      v128.store(out + p, r2, 32);
      v128.store(out + p, r3, 48);
    }
    for (; i + 4 <= n; i += 4) {
      const p = <usize>i << 2;
      v128.store(out + p, binV(op, isF32, aSplat ? sa : v128.load(a + p), bSplat ? sb : v128.load(b + p)));
    }
    if (i < n) {
      const p = <usize>i << 2;
      const bytes = <usize>(n - i) << 2;
      let va = sa, vb = sb;
      if (!aSplat) { memory.copy(TMP, a + p, bytes); va = v128.load(TMP); }
      if (!bSplat) { memory.copy(TMP + 16, b + p, bytes); vb = v128.load(TMP + 16); }
      v128.store(TMP + 32, binV(op, isF32, va, vb));
      memory.copy(out + p, TMP + 32, bytes);
    }
  }
}

/** Scalar fallback for tiles that are neither full, scalar nor a multiple-of-rows layout. */
// @ts-ignore: decorator
@inline function binGeneric(
  op: i32, isF32: bool, a: usize, aLen: i32, b: usize, bLen: i32, out: usize, n: i32,
): void {
  let ia = 0, ib = 0;
  for (let i = 0; i < n; i++) {
    const va = v128.load32_splat(a + (<usize>ia << 2));
    const vb = v128.load32_splat(b + (<usize>ib << 2));
    const r = binV(op, isF32, va, vb);
    if (isCmp(op)) store<u8>(out + <usize>i, <u8>(i32x4.extract_lane(r, 0) & 1));
    else store<i32>(out + (<usize>i << 2), i32x4.extract_lane(r, 0));
    if (++ia == aLen) ia = 0;
    if (++ib == bLen) ib = 0;
  }
}

// @ts-ignore: decorator
@inline function binImpl(op: i32, isF32: bool, a: usize, aLen: i32, b: usize, bLen: i32, out: usize, n: i32): void {
  if (n <= 0) return;
  const zero = v128.splat<i32>(0);
  const outShift: i32 = isCmp(op) ? 0 : 2;
  if (aLen == n && bLen == n) {
    binRun(op, isF32, a, false, zero, b, false, zero, out, n);
  } else if (bLen == 1 && aLen == n) {
    binRun(op, isF32, a, false, zero, b, true, v128.load32_splat(b), out, n);
  } else if (aLen == 1 && bLen == n) {
    binRun(op, isF32, a, true, v128.load32_splat(a), b, false, zero, out, n);
  } else if (aLen == 1 && bLen == 1) {
    binRun(op, isF32, a, true, v128.load32_splat(a), b, true, v128.load32_splat(b), out, n);
  } else if (aLen == n && bLen >= 8 && n % bLen == 0) {
    // Rows of a tiled b.
    const rows = n / bLen;
    for (let r = 0; r < rows; r++) {
      const off = <usize>r * <usize>bLen;
      binRun(op, isF32, a + (off << 2), false, zero, b, false, zero, out + (off << outShift), bLen);
    }
  } else if (bLen == n && aLen >= 8 && n % aLen == 0) {
    const rows = n / aLen;
    for (let r = 0; r < rows; r++) {
      const off = <usize>r * <usize>aLen;
      binRun(op, isF32, a, false, zero, b + (off << 2), false, zero, out + (off << outShift), aLen);
    }
  } else if (aLen == n && bLen > 1 && n % bLen == 0) {
    // Short tile: each element of the tile broadcast down a strided column.
    const rows = n / bLen;
    for (let j = 0; j < bLen; j++) {
      const vb = v128.load32_splat(b + (<usize>j << 2));
      for (let r = 0; r < rows; r++) {
        const idx = <usize>r * <usize>bLen + <usize>j;
        const res = binV(op, isF32, v128.load32_splat(a + (idx << 2)), vb);
        if (isCmp(op)) store<u8>(out + idx, <u8>(i32x4.extract_lane(res, 0) & 1));
        else store<i32>(out + (idx << 2), i32x4.extract_lane(res, 0));
      }
    }
  } else {
    binGeneric(op, isF32, a, aLen, b, bLen, out, n);
  }
}

type P = usize;
export function add_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_ADD, true, a, aLen, b, bLen, out, n); }
export function sub_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_SUB, true, a, aLen, b, bLen, out, n); }
export function mul_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_MUL, true, a, aLen, b, bLen, out, n); }
export function div_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_DIV, true, a, aLen, b, bLen, out, n); }
export function maximum_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_MAX, true, a, aLen, b, bLen, out, n); }
export function minimum_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_MIN, true, a, aLen, b, bLen, out, n); }
export function eq_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_EQ, true, a, aLen, b, bLen, out, n); }
export function ne_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_NE, true, a, aLen, b, bLen, out, n); }
export function lt_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_LT, true, a, aLen, b, bLen, out, n); }
export function le_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_LE, true, a, aLen, b, bLen, out, n); }
export function gt_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_GT, true, a, aLen, b, bLen, out, n); }
export function ge_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_GE, true, a, aLen, b, bLen, out, n); }

/**
 * pow with special cases for common scalar exponents (as PyTorch: 0.5 is sqrt, 2 is x*x, ...), which
 * call the exported kernels rather than inline second copies of their loops.
 */
export function pow_f32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void {
  if (bLen == 1 && aLen == n) {
    const e = load<f32>(b);
    if (e == 2.0) { mul_f32(a, aLen, a, aLen, out, n); return; }
    if (e == 1.0) { memory.copy(out, a, <usize>n << 2); return; }
    if (e == 0.5) { sqrt_f32(a, out, n); return; }
    if (e == -0.5) { rsqrt_f32(a, out, n); return; }
    if (e == -1.0) {
      store<f32>(TMP + 48, 1.0);
      div_f32(TMP + 48, 1, a, aLen, out, n);
      return;
    }
  }
  binImpl(B_POW, true, a, aLen, b, bLen, out, n);
}

export function add_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_ADD, false, a, aLen, b, bLen, out, n); }
export function sub_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_SUB, false, a, aLen, b, bLen, out, n); }
export function mul_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_MUL, false, a, aLen, b, bLen, out, n); }
export function pow_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_POW, false, a, aLen, b, bLen, out, n); }
export function maximum_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_MAX, false, a, aLen, b, bLen, out, n); }
export function minimum_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_MIN, false, a, aLen, b, bLen, out, n); }
export function eq_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_EQ, false, a, aLen, b, bLen, out, n); }
export function ne_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_NE, false, a, aLen, b, bLen, out, n); }
export function lt_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_LT, false, a, aLen, b, bLen, out, n); }
export function le_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_LE, false, a, aLen, b, bLen, out, n); }
export function gt_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_GT, false, a, aLen, b, bLen, out, n); }
export function ge_i32(a: P, aLen: i32, b: P, bLen: i32, out: P, n: i32): void { binImpl(B_GE, false, a, aLen, b, bLen, out, n); }

// ---------------------------------------------------------------------------------------------
// where(cond, a, b) for 4-, 2- and 1-byte elements. cond holds 0/1 bytes (any non-zero is true).

export function where_x32(cond: P, a: P, b: P, out: P, n: i32): void {
  let i = 0;
  const zero = v128.splat<i32>(0);
  for (; i + 16 <= n; i += 16) {
    const c = i8x16.ne(v128.load(cond + <usize>i), zero); // 0 / -1 bytes
    const w0 = i16x8.extend_low_i8x16_s(c);
    const w1 = i16x8.extend_high_i8x16_s(c);
    const p = <usize>i << 2;
    v128.store(out + p, v128.bitselect(v128.load(a + p, 0), v128.load(b + p, 0), i32x4.extend_low_i16x8_s(w0)), 0);
    v128.store(out + p, v128.bitselect(v128.load(a + p, 16), v128.load(b + p, 16), i32x4.extend_high_i16x8_s(w0)), 16);
    v128.store(out + p, v128.bitselect(v128.load(a + p, 32), v128.load(b + p, 32), i32x4.extend_low_i16x8_s(w1)), 32);
    v128.store(out + p, v128.bitselect(v128.load(a + p, 48), v128.load(b + p, 48), i32x4.extend_high_i16x8_s(w1)), 48);
  }
  for (; i < n; i++) {
    const p = <usize>i << 2;
    store<u32>(out + p, load<u8>(cond + <usize>i) ? load<u32>(a + p) : load<u32>(b + p));
  }
}

export function where_x16(cond: P, a: P, b: P, out: P, n: i32): void {
  let i = 0;
  const zero = v128.splat<i32>(0);
  for (; i + 16 <= n; i += 16) {
    const c = i8x16.ne(v128.load(cond + <usize>i), zero);
    const p = <usize>i << 1;
    v128.store(out + p, v128.bitselect(v128.load(a + p, 0), v128.load(b + p, 0), i16x8.extend_low_i8x16_s(c)), 0);
    v128.store(out + p, v128.bitselect(v128.load(a + p, 16), v128.load(b + p, 16), i16x8.extend_high_i8x16_s(c)), 16);
  }
  for (; i < n; i++) {
    const p = <usize>i << 1;
    store<u16>(out + p, load<u8>(cond + <usize>i) ? load<u16>(a + p) : load<u16>(b + p));
  }
}

export function where_x8(cond: P, a: P, b: P, out: P, n: i32): void {
  let i = 0;
  const zero = v128.splat<i32>(0);
  for (; i + 16 <= n; i += 16) {
    const p = <usize>i;
    const c = i8x16.ne(v128.load(cond + p), zero);
    v128.store(out + p, v128.bitselect(v128.load(a + p), v128.load(b + p), c));
  }
  for (; i < n; i++) {
    const p = <usize>i;
    store<u8>(out + p, load<u8>(cond + p) ? load<u8>(a + p) : load<u8>(b + p));
  }
}
