// deno-fmt-ignore-file
// The random-number kernel of src/random.ts: PyTorch's AVX2 Box-Muller (scalar code). Every
// operation mirrors the JavaScript in src/random_float_math.ts step for step: JavaScript numbers
// are f64, so each Math.fround there is an f32 round trip here, and WebAssembly never fuses a
// multiply and an add. The results are the same bits; tests/random_kernels_test.ts checks it.

@inline function fround(x: f64): f64 {
  return <f64><f32>x;
}

/** `a * b + c` rounded once to float32, for float32 a, b, c (see fma32 in random_float_math.ts). */
@inline function fma32(a: f64, b: f64, c: f64): f64 {
  const s = a * b + c;
  const f = fround(s);
  const t = s + (s - f);
  if (t == f || fround(t) != t) return f;
  return fma32Tie(a * b, c, s, f, t);
}

function fma32Tie(p: f64, c: f64, s: f64, f: f64, t: f64): f64 {
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  if (err == 0) return f;
  return (err > 0) == (t > f) ? t : f;
}

// Constants of PyTorch's avx_mathfun.h (Cephes), rounded to float32 as the C source does.
const SQRTHF: f64 = <f64><f32>0.707106781186547524;
const LOG_P0: f64 = <f64><f32>7.0376836292e-2;
const LOG_P1: f64 = <f64><f32>-1.1514610310e-1;
const LOG_P2: f64 = <f64><f32>1.1676998740e-1;
const LOG_P3: f64 = <f64><f32>-1.2420140846e-1;
const LOG_P4: f64 = <f64><f32>1.4249322787e-1;
const LOG_P5: f64 = <f64><f32>-1.6668057665e-1;
const LOG_P6: f64 = <f64><f32>2.0000714765e-1;
const LOG_P7: f64 = <f64><f32>-2.4999993993e-1;
const LOG_P8: f64 = <f64><f32>3.3333331174e-1;
const LOG_Q1: f64 = <f64><f32>-2.12194440e-4;
const LOG_Q2: f64 = <f64><f32>0.693359375;
const DP1: f64 = <f64><f32>-0.78515625;
const DP2: f64 = <f64><f32>-2.4187564849853515625e-4;
const DP3: f64 = <f64><f32>-3.77489497744594108e-8;
const SIN_P0: f64 = <f64><f32>-1.9515295891e-4;
const SIN_P1: f64 = <f64><f32>8.3321608736e-3;
const SIN_P2: f64 = <f64><f32>-1.6666654611e-1;
const COS_P0: f64 = <f64><f32>2.443315711809948e-5;
const COS_P1: f64 = <f64><f32>-1.388731625493765e-3;
const COS_P2: f64 = <f64><f32>4.166664568298827e-2;
const FOPI: f64 = <f64><f32>1.27323954473516;
const TWO_PI_F: f64 = <f64><f32>(2 * Math.PI);

/** 2^-k for 0 <= k <= 32, exactly. */
@inline function invPow2(k: i32): f64 {
  return reinterpret<f64>(<u64>(1023 - k) << 52);
}

/**
 * PyTorch's `normal_fill_16_AVX2` on each block of 16 float32 values in `[ptr, ptr + 4n)` (n a
 * multiple of 16): elements j and j + 8 of a block become normals of mean `mean` and standard
 * deviation `std` from the uniforms (u[j], u[j + 8]). boxMuller16Avx2 in random_float_math.ts,
 * operation for operation.
 */
export function box_muller_avx2_f32(ptr: usize, n: i32, mean: f64, std: f64): void {
  for (let o = 0; o + 16 <= n; o += 16) {
    for (let j = o; j < o + 8; j++) {
      const pj = ptr + (<usize>j << 2), pk = pj + 32;
      const m = 16777216 - <f64>load<f32>(pj) * 16777216;
      const bitLen = 32 - <i32>clz(<u32>m);
      let e = bitLen - 24;
      let x = m * invPow2(bitLen);
      if (x < SQRTHF) {
        e -= 1;
        x = x - 1 + x;
      } else {
        x = x - 1;
      }
      const z = fround(x * x);
      let y = fma32(LOG_P0, x, LOG_P1);
      y = fma32(y, x, LOG_P2);
      y = fma32(y, x, LOG_P3);
      y = fma32(y, x, LOG_P4);
      y = fma32(y, x, LOG_P5);
      y = fma32(y, x, LOG_P6);
      y = fma32(y, x, LOG_P7);
      y = fma32(y, x, LOG_P8);
      y = fma32(fround(y * x), z, fround(<f64>e * LOG_Q1));
      y = fround(y - z * 0.5);
      const log = fround(<f64>e * LOG_Q2 + fround(x + y));
      const radius = fround(Math.sqrt(-2 * log));

      const theta = fround(TWO_PI_F * <f64>load<f32>(pk));
      let k = <i32>Math.trunc(fround(theta * FOPI));
      k = (k + 1) & ~1;
      const kf = <f64>k;
      let r = fround(kf * DP1 + theta);
      r = fround(kf * DP2 + r);
      r = fround(kf * DP3 + r);
      const zz = fround(r * r);
      let c = fma32(COS_P0, zz, COS_P1);
      c = fma32(c, zz, COS_P2);
      c = fma32(zz, fround(zz * c), -zz * 0.5);
      c = fround(c + 1);
      let sn = fma32(SIN_P0, zz, SIN_P1);
      sn = fma32(sn, zz, SIN_P2);
      sn = fma32(r, fround(zz * sn), r);
      let sinv: f64, cosv: f64;
      if ((k & 2) == 0) {
        sinv = sn + 0;
        cosv = c + 0;
      } else {
        sinv = c + 0;
        cosv = sn + 0;
      }
      if (k & 4) sinv = -sinv;
      if (~(k - 2) & 4) cosv = -cosv;
      if (mean == 0) {
        store<f32>(pj, <f32>(fround(radius * cosv) * std + mean));
        store<f32>(pk, <f32>(fround(radius * sinv) * std + mean));
      } else {
        store<f32>(pj, <f32>fma32(fround(radius * cosv), std, mean));
        store<f32>(pk, <f32>fma32(fround(radius * sinv), std, mean));
      }
    }
  }
}

// ---- mt19937 uniforms (Generator.uniformFill; src/random_mt19937.ts and src/random.ts) ----

const MT_N: i32 = 624;
const MT_M: i32 = 397;
const MATRIX_A: u32 = 0x9908b0df;

/** mt19937's twist of the 624 words at `mt` (twist in src/random_mt19937.ts). */
function twist(mt: usize): void {
  let k = 0;
  for (; k < MT_N - MT_M; k++) {
    const v = load<u32>(mt + (<usize>(k + 1) << 2));
    const y = (load<u32>(mt + (<usize>k << 2)) & 0x80000000) | (v & 0x7fffffff);
    store<u32>(mt + (<usize>k << 2), load<u32>(mt + (<usize>(k + MT_M) << 2)) ^ (y >>> 1) ^ ((0 - (v & 1)) & MATRIX_A));
  }
  for (; k < MT_N - 1; k++) {
    const v = load<u32>(mt + (<usize>(k + 1) << 2));
    const y = (load<u32>(mt + (<usize>k << 2)) & 0x80000000) | (v & 0x7fffffff);
    store<u32>(mt + (<usize>k << 2), load<u32>(mt + (<usize>(k + MT_M - MT_N) << 2)) ^ (y >>> 1) ^ ((0 - (v & 1)) & MATRIX_A));
  }
  const v = load<u32>(mt);
  const y = (load<u32>(mt + (<usize>(MT_N - 1) << 2)) & 0x80000000) | (v & 0x7fffffff);
  store<u32>(mt + (<usize>(MT_N - 1) << 2), load<u32>(mt + (<usize>(MT_M - 1) << 2)) ^ (y >>> 1) ^ ((0 - (v & 1)) & MATRIX_A));
}

@inline function temper(x: u32): u32 {
  let y = x;
  y ^= y >>> 11;
  y ^= (y << 7) & 0x9d2c5680;
  y ^= (y << 15) & 0xefc60000;
  return y ^ (y >>> 18);
}

const TWO_POW_M24: f64 = 1.0 / 16777216.0;

/**
 * `n` float32 uniforms at `out` from the mt19937 state at `mt` (624 words), continuing at word
 * `next` with `left` draws before the next twist, as Generator.uniformFill: `u = (draw & 0xffffff)
 * * 2^-24`, then by `mode` 0: u; 1: u * range (one rounding); 2: fma32(u, range, lo); 3:
 * fround(fround(u * range) + lo). Returns the new `next * 1024 + left`.
 */
export function uniform_f32(mt: usize, next: i32, left: i32, out: usize, n: i32, lo: f64, range: f64, mode: i32): i32 {
  let i = 0;
  while (i < n) {
    if (left == 1) {
      twist(mt);
      next = 0;
      left = MT_N + 1;
    }
    const k = min(left - 1, n - i);
    for (let j = 0; j < k; j++) {
      const u = <f64>(temper(load<u32>(mt + (<usize>(next + j) << 2))) & 0xffffff) * TWO_POW_M24;
      let v: f64;
      if (mode == 0) v = u;
      else if (mode == 1) v = u * range;
      else if (mode == 2) v = fma32(u, range, lo);
      else v = fround(fround(u * range) + lo);
      store<f32>(out + (<usize>(i + j) << 2), <f32>v);
    }
    next += k;
    left -= k;
    i += k;
  }
  return next * 1024 + left;
}
