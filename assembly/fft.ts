// deno-fmt-ignore-file
// Batched complex FFTs over the last axis of interleaved float32 (re, im) rows, [batch, n, 2],
// for torch.fft (src/fft/). Unnormalised: forward X_k = sum_j x_j e^{-2 pi i jk/n}, inverse with
// e^{+2 pi i jk/n}; the front end scales.
//
// The plan (built and cached by src/backends/wasm/fft.ts, twiddles computed in float64 and
// rounded once) starts with an i32 header:
// - mixed radix: [0, n, stages, radix_1..radix_stages, data offset]. Stockham autosort stages,
//   decimation in frequency: stage j (stride s = radix_1 ... radix_{j-1}, length l = n / s,
//   radix r, m = l / r) maps a[q + s (p + t' m)] (t' < r) to
//   b[q + s (r p + t)] = W_l^{p t} sum_t' a[q + s (p + t' m)] W_r^{t' t}. Its data block: the r
//   roots W_r^k, then W_l^{p t} for 1 <= t < r, p < m (p fastest). Radix 4, 2, 3 and 5 have their own butterflies,
//   7, 11 and 13 a generic one; the loop over q (contiguous) is SIMD, two
//   complex numbers a vector.
// - Bluestein (chirp z, for n with a prime factor above 13): [1, n, M, chirp offset, forward
//   kernel offset, inverse kernel offset, sub-plan offset]: c_j = e^{-i pi j^2 / n} (n values),
//   the FFTs of the convolution kernels (M values each, scaled by 1/M), and a mixed-radix plan
//   of the power of two M >= 2n - 1. X_k = c_k sum_j (x_j c_j) conj(c_{k - j}) (conjugate chirps
//   for the inverse), the convolution done by two FFTs of length M.
// Work: n complex numbers (mixed radix) or 3 M (Bluestein), see fft_work_bytes.
type P = usize;

const SIGNS: P = memory.data<f32>([-1, 1, -1, 1]);
const FLIP: P = memory.data<f32>([1, -1, 1, -1]);

// @ts-ignore: decorator
@inline function swap(v: v128): v128 { return v128.shuffle<f32>(v, v, 1, 0, 3, 2); }

/** Two complex numbers v times one (wr, wi): v wr + swap(v) (-wi, wi). */
// @ts-ignore: decorator
@inline function cmul(v: v128, wr: v128, wi: v128): v128 {
  return f32x4.add(f32x4.mul(v, wr), f32x4.mul(swap(v), wi));
}

// @ts-ignore: decorator
@inline function hdr(plan: P, i: i32): i32 { return load<i32>(plan + (<usize>i << 2)); }

/** Radix 4 stage; `sg` = 1 forward, -1 inverse. */
function stage4(a: P, b: P, s: i32, m: i32, tw: P, sg: f32): void {
  const S = <usize>s << 3, M = <usize>m * S, T = <usize>m << 3;
  const J = f32x4.mul(v128.load(FLIP), f32x4.splat(sg)); // times -i (forward) / +i (inverse) after swap
  const sgn = v128.load(SIGNS);
  const s2 = s & ~1;
  let p0 = 0;
  if (s == 1) {
    // First stage: two butterflies (p, p + 1) a vector, their own twiddles; outputs 4 apart.
    const cs = sg > 0 ? f32x4.splat(1) : v128.load(FLIP); // (1, sg, 1, sg): conjugates for the inverse
    for (; p0 + 2 <= m; p0 += 2) {
      const o = <usize>p0 << 3;
      const a0 = v128.load(a + o), a1 = v128.load(a + M + o);
      const a2 = v128.load(a + 2 * M + o), a3 = v128.load(a + 3 * M + o);
      const t0 = f32x4.add(a0, a2), t1 = f32x4.sub(a0, a2);
      const t2 = f32x4.add(a1, a3), t3 = f32x4.mul(swap(f32x4.sub(a1, a3)), J);
      const w1 = f32x4.mul(v128.load(tw + o), cs), w2 = f32x4.mul(v128.load(tw + T + o), cs);
      const w3 = f32x4.mul(v128.load(tw + 2 * T + o), cs);
      const y0 = f32x4.add(t0, t2);
      const y1 = cmul(f32x4.add(t1, t3), v128.shuffle<f32>(w1, w1, 0, 0, 2, 2), f32x4.mul(v128.shuffle<f32>(w1, w1, 1, 1, 3, 3), sgn));
      const y2 = cmul(f32x4.sub(t0, t2), v128.shuffle<f32>(w2, w2, 0, 0, 2, 2), f32x4.mul(v128.shuffle<f32>(w2, w2, 1, 1, 3, 3), sgn));
      const y3 = cmul(f32x4.sub(t1, t3), v128.shuffle<f32>(w3, w3, 0, 0, 2, 2), f32x4.mul(v128.shuffle<f32>(w3, w3, 1, 1, 3, 3), sgn));
      const d = b + (<usize>p0 << 5);
      // b[4p + t] for p and p + 1: (y0, y1) low halves, (y2, y3) low halves, then the high halves.
      v128.store(d, v128.shuffle<f32>(y0, y1, 0, 1, 4, 5));
      v128.store(d, v128.shuffle<f32>(y2, y3, 0, 1, 4, 5), 16);
      v128.store(d, v128.shuffle<f32>(y0, y1, 2, 3, 6, 7), 32);
      v128.store(d, v128.shuffle<f32>(y2, y3, 2, 3, 6, 7), 48);
    }
  }
  for (let p = p0; p < m; p++) {
    const w = tw + (<usize>p << 3);
    const w1r = load<f32>(w), w1i = sg * load<f32>(w, 4);
    const w2r = load<f32>(w + T), w2i = sg * load<f32>(w + T, 4);
    const w3r = load<f32>(w + 2 * T), w3i = sg * load<f32>(w + 2 * T, 4);
    const src = a + <usize>p * S, dst = b + <usize>p * 4 * S;
    if (s2 > 0) {
      const v1r = f32x4.splat(w1r), v1i = f32x4.mul(f32x4.splat(w1i), sgn);
      const v2r = f32x4.splat(w2r), v2i = f32x4.mul(f32x4.splat(w2i), sgn);
      const v3r = f32x4.splat(w3r), v3i = f32x4.mul(f32x4.splat(w3i), sgn);
      for (let q = 0; q < s2; q += 2) {
        const o = <usize>q << 3;
        const a0 = v128.load(src + o), a1 = v128.load(src + M + o);
        const a2 = v128.load(src + 2 * M + o), a3 = v128.load(src + 3 * M + o);
        const t0 = f32x4.add(a0, a2), t1 = f32x4.sub(a0, a2);
        const t2 = f32x4.add(a1, a3), t3 = f32x4.mul(swap(f32x4.sub(a1, a3)), J);
        v128.store(dst + o, f32x4.add(t0, t2));
        v128.store(dst + S + o, cmul(f32x4.add(t1, t3), v1r, v1i));
        v128.store(dst + 2 * S + o, cmul(f32x4.sub(t0, t2), v2r, v2i));
        v128.store(dst + 3 * S + o, cmul(f32x4.sub(t1, t3), v3r, v3i));
      }
    }
    for (let q = s2; q < s; q++) {
      const o = <usize>q << 3;
      const a0r = load<f32>(src + o), a0i = load<f32>(src + o, 4);
      const a1r = load<f32>(src + M + o), a1i = load<f32>(src + M + o, 4);
      const a2r = load<f32>(src + 2 * M + o), a2i = load<f32>(src + 2 * M + o, 4);
      const a3r = load<f32>(src + 3 * M + o), a3i = load<f32>(src + 3 * M + o, 4);
      const t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i;
      const t2r = a1r + a3r, t2i = a1i + a3i;
      // (a1 - a3) times -i sg.
      const t3r = sg * (a1i - a3i), t3i = -sg * (a1r - a3r);
      store<f32>(dst + o, t0r + t2r); store<f32>(dst + o, t0i + t2i, 4);
      let xr = t1r + t3r, xi = t1i + t3i;
      store<f32>(dst + S + o, xr * w1r - xi * w1i); store<f32>(dst + S + o, xr * w1i + xi * w1r, 4);
      xr = t0r - t2r; xi = t0i - t2i;
      store<f32>(dst + 2 * S + o, xr * w2r - xi * w2i); store<f32>(dst + 2 * S + o, xr * w2i + xi * w2r, 4);
      xr = t1r - t3r; xi = t1i - t3i;
      store<f32>(dst + 3 * S + o, xr * w3r - xi * w3i); store<f32>(dst + 3 * S + o, xr * w3i + xi * w3r, 4);
    }
  }
}

/** Radix 2 stage. */
function stage2(a: P, b: P, s: i32, m: i32, tw: P, sg: f32): void {
  const S = <usize>s << 3, M = <usize>m * S;
  const sgn = v128.load(SIGNS);
  const s2 = s & ~1;
  for (let p = 0; p < m; p++) {
    const wr = load<f32>(tw + <usize>p * 8), wi = sg * load<f32>(tw + <usize>p * 8, 4);
    const src = a + <usize>p * S, dst = b + <usize>p * 2 * S;
    if (s2 > 0) {
      const vr = f32x4.splat(wr), vi = f32x4.mul(f32x4.splat(wi), sgn);
      for (let q = 0; q < s2; q += 2) {
        const o = <usize>q << 3;
        const a0 = v128.load(src + o), a1 = v128.load(src + M + o);
        v128.store(dst + o, f32x4.add(a0, a1));
        v128.store(dst + S + o, cmul(f32x4.sub(a0, a1), vr, vi));
      }
    }
    for (let q = s2; q < s; q++) {
      const o = <usize>q << 3;
      const a0r = load<f32>(src + o), a0i = load<f32>(src + o, 4);
      const a1r = load<f32>(src + M + o), a1i = load<f32>(src + M + o, 4);
      store<f32>(dst + o, a0r + a1r); store<f32>(dst + o, a0i + a1i, 4);
      const xr = a0r - a1r, xi = a0i - a1i;
      store<f32>(dst + S + o, xr * wr - xi * wi); store<f32>(dst + S + o, xr * wi + xi * wr, 4);
    }
  }
}

const C3: P = memory.data<f32>([-0.5, 0.8660254037844386]); // cos, sin of 2 pi / 3
const C5: P = memory.data<f32>([0.30901699437494745, -0.8090169943749475, 0.9510565162951535, 0.5877852522924731]);

/** One or two complex numbers at p: a full vector, or one in the low half (`one`). */
// @ts-ignore: decorator
@inline function ld(p: P, one: bool): v128 { return one ? v128.load64_zero(p) : v128.load(p); }

// @ts-ignore: decorator
@inline function st(p: P, v: v128, one: bool): void { if (one) v128.store64_lane(p, v, 0); else v128.store(p, v); }

/** Radix 3 stage. */
function stage3(a: P, b: P, s: i32, m: i32, tw: P, sg: f32): void {
  const S = <usize>s << 3, M = <usize>m * S, T = <usize>m << 3;
  const J = f32x4.mul(v128.load(FLIP), f32x4.splat(sg));
  const sgn = v128.load(SIGNS);
  const half = f32x4.splat(load<f32>(C3)), sn = f32x4.splat(load<f32>(C3, 4));
  for (let p = 0; p < m; p++) {
    const w = tw + (<usize>p << 3);
    const v1r = f32x4.splat(load<f32>(w)), v1i = f32x4.mul(f32x4.splat(sg * load<f32>(w, 4)), sgn);
    const v2r = f32x4.splat(load<f32>(w + T)), v2i = f32x4.mul(f32x4.splat(sg * load<f32>(w + T, 4)), sgn);
    const src = a + <usize>p * S, dst = b + <usize>p * 3 * S;
    for (let q = 0; q < s; q += 2) {
      const one = q + 1 == s, o = <usize>q << 3;
      const a0 = ld(src + o, one), a1 = ld(src + M + o, one), a2 = ld(src + 2 * M + o, one);
      const t1 = f32x4.add(a1, a2), n = f32x4.mul(swap(f32x4.mul(f32x4.sub(a1, a2), sn)), J);
      const mm = f32x4.add(a0, f32x4.mul(t1, half));
      st(dst + o, f32x4.add(a0, t1), one);
      st(dst + S + o, cmul(f32x4.add(mm, n), v1r, v1i), one);
      st(dst + 2 * S + o, cmul(f32x4.sub(mm, n), v2r, v2i), one);
    }
  }
}

/** Radix 5 stage. */
function stage5(a: P, b: P, s: i32, m: i32, tw: P, sg: f32): void {
  const S = <usize>s << 3, M = <usize>m * S, T = <usize>m << 3;
  const J = f32x4.mul(v128.load(FLIP), f32x4.splat(sg));
  const sgn = v128.load(SIGNS);
  const c1 = f32x4.splat(load<f32>(C5)), c2 = f32x4.splat(load<f32>(C5, 4));
  const s1 = f32x4.splat(load<f32>(C5, 8)), s2 = f32x4.splat(load<f32>(C5, 12));
  for (let p = 0; p < m; p++) {
    const w = tw + (<usize>p << 3);
    const v1r = f32x4.splat(load<f32>(w)), v1i = f32x4.mul(f32x4.splat(sg * load<f32>(w, 4)), sgn);
    const v2r = f32x4.splat(load<f32>(w + T)), v2i = f32x4.mul(f32x4.splat(sg * load<f32>(w + T, 4)), sgn);
    const v3r = f32x4.splat(load<f32>(w + 2 * T)), v3i = f32x4.mul(f32x4.splat(sg * load<f32>(w + 2 * T, 4)), sgn);
    const v4r = f32x4.splat(load<f32>(w + 3 * T)), v4i = f32x4.mul(f32x4.splat(sg * load<f32>(w + 3 * T, 4)), sgn);
    const src = a + <usize>p * S, dst = b + <usize>p * 5 * S;
    for (let q = 0; q < s; q += 2) {
      const one = q + 1 == s, o = <usize>q << 3;
      const a0 = ld(src + o, one), a1 = ld(src + M + o, one), a2 = ld(src + 2 * M + o, one);
      const a3 = ld(src + 3 * M + o, one), a4 = ld(src + 4 * M + o, one);
      const t1 = f32x4.add(a1, a4), t2 = f32x4.add(a2, a3), t3 = f32x4.sub(a1, a4), t4 = f32x4.sub(a2, a3);
      const m1 = f32x4.add(a0, f32x4.add(f32x4.mul(c1, t1), f32x4.mul(c2, t2)));
      const m2 = f32x4.add(a0, f32x4.add(f32x4.mul(c2, t1), f32x4.mul(c1, t2)));
      // -i sg (s1 t3 + s2 t4) and -i sg (s2 t3 - s1 t4).
      const n1 = f32x4.mul(swap(f32x4.add(f32x4.mul(s1, t3), f32x4.mul(s2, t4))), J);
      const n2 = f32x4.mul(swap(f32x4.sub(f32x4.mul(s2, t3), f32x4.mul(s1, t4))), J);
      st(dst + o, f32x4.add(a0, f32x4.add(t1, t2)), one);
      st(dst + S + o, cmul(f32x4.add(m1, n1), v1r, v1i), one);
      st(dst + 2 * S + o, cmul(f32x4.add(m2, n2), v2r, v2i), one);
      st(dst + 3 * S + o, cmul(f32x4.sub(m2, n2), v3r, v3i), one);
      st(dst + 4 * S + o, cmul(f32x4.sub(m1, n1), v4r, v4i), one);
    }
  }
}

/**
 * Generic (odd) radix r stage: roots W_r^k at `roots`, twiddles after them. Output t of each
 * butterfly is accumulated over the r inputs in passes over q (one root a pass), then twiddled.
 */
function stageR(a: P, b: P, s: i32, m: i32, r: i32, roots: P, sg: f32): void {
  const S = <usize>s << 3, M = <usize>m * S;
  const tw = roots + (<usize>r << 3);
  const sgn = v128.load(SIGNS);
  const s2 = s & ~1;
  for (let p = 0; p < m; p++) {
    const src = a + <usize>p * S, dst = b + <usize>p * <usize>r * S;
    const wp = tw + (<usize>p << 3);
    for (let t = 0; t < r; t++) {
      const d = dst + <usize>t * S;
      memory.copy(d, src, S);
      let k = 0;
      for (let u = 1; u < r; u++) {
        k += t; if (k >= r) k -= r;
        const rr = load<f32>(roots + (<usize>k << 3)), ri = sg * load<f32>(roots + (<usize>k << 3), 4);
        const vr = f32x4.splat(rr), vi = f32x4.mul(f32x4.splat(ri), sgn);
        const x = src + <usize>u * M;
        for (let q = 0; q < s2; q += 2) {
          const o = <usize>q << 3;
          v128.store(d + o, f32x4.add(v128.load(d + o), cmul(v128.load(x + o), vr, vi)));
        }
        for (let q = s2; q < s; q++) {
          const o = <usize>q << 3;
          const yr = load<f32>(x + o), yi = load<f32>(x + o, 4);
          store<f32>(d + o, load<f32>(d + o) + yr * rr - yi * ri);
          store<f32>(d + o, load<f32>(d + o, 4) + yr * ri + yi * rr, 4);
        }
      }
      if (t == 0) continue;
      const wr = load<f32>(wp + <usize>(t - 1) * <usize>m * 8);
      const wi = sg * load<f32>(wp + <usize>(t - 1) * <usize>m * 8, 4);
      const vr = f32x4.splat(wr), vi = f32x4.mul(f32x4.splat(wi), sgn);
      for (let q = 0; q < s2; q += 2) {
        const o = <usize>q << 3;
        v128.store(d + o, cmul(v128.load(d + o), vr, vi));
      }
      for (let q = s2; q < s; q++) {
        const o = <usize>q << 3;
        const xr = load<f32>(d + o), xi = load<f32>(d + o, 4);
        store<f32>(d + o, xr * wr - xi * wi);
        store<f32>(d + o, xr * wi + xi * wr, 4);
      }
    }
  }
}

/** One row by a mixed-radix plan: `src` (read only) to `dst` (may not alias src), `work` n values. */
function mixedRow(src: P, dst: P, plan: P, work: P, sg: f32): void {
  const n = hdr(plan, 1), stages = hdr(plan, 2);
  if (stages == 0) { memory.copy(dst, src, <usize>n << 3); return; }
  let data = plan + <usize>hdr(plan, 3 + stages);
  // Ping-pong so that the last stage writes dst.
  let from = src, to = (stages & 1) == 1 ? dst : work;
  let s = 1;
  for (let j = 0; j < stages; j++) {
    const r = hdr(plan, 3 + j), l = n / s, m = l / r;
    if (r == 4) stage4(from, to, s, m, data + 32, sg);
    else if (r == 2) stage2(from, to, s, m, data + 16, sg);
    else if (r == 3) stage3(from, to, s, m, data + 24, sg);
    else if (r == 5) stage5(from, to, s, m, data + 40, sg);
    else stageR(from, to, s, m, r, data, sg);
    data += (<usize>r + <usize>m * <usize>(r - 1)) << 3;
    s *= r;
    from = to;
    to = to == dst ? work : dst;
  }
}

/** One row by a Bluestein plan; `work` 3 M values. */
function bluesteinRow(src: P, dst: P, plan: P, work: P, sg: f32): void {
  const n = hdr(plan, 1), M = hdr(plan, 2);
  const chirp = plan + <usize>hdr(plan, 3);
  const kern = plan + <usize>hdr(plan, sg > 0 ? 4 : 5);
  const sub = plan + <usize>hdr(plan, 6);
  const A = work, B = work + (<usize>M << 3), C = work + (<usize>M << 4);
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 3;
    const xr = load<f32>(src + o), xi = load<f32>(src + o, 4);
    const cr = load<f32>(chirp + o), ci = sg * load<f32>(chirp + o, 4);
    store<f32>(A + o, xr * cr - xi * ci); store<f32>(A + o, xr * ci + xi * cr, 4);
  }
  memory.fill(A + (<usize>n << 3), 0, <usize>(M - n) << 3);
  mixedRow(A, B, sub, C, 1);
  const sgn = v128.load(SIGNS);
  for (let j = 0; j < M; j += 2) {
    const o = <usize>j << 3;
    const k = v128.load(kern + o);
    const v = v128.load(B + o);
    // v * k, two complex numbers with their own factors.
    const kr = v128.shuffle<f32>(k, k, 0, 0, 2, 2), ki = f32x4.mul(v128.shuffle<f32>(k, k, 1, 1, 3, 3), sgn);
    v128.store(B + o, cmul(v, kr, ki));
  }
  mixedRow(B, A, sub, C, -1);
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 3;
    const xr = load<f32>(A + o), xi = load<f32>(A + o, 4);
    const cr = load<f32>(chirp + o), ci = sg * load<f32>(chirp + o, 4);
    store<f32>(dst + o, xr * cr - xi * ci); store<f32>(dst + o, xr * ci + xi * cr, 4);
  }
}

/**
 * `batch` rows of n complex numbers (interleaved float32) from `x` to `out` (distinct buffers),
 * forward (`inverse` 0) or inverse (1), unnormalised, by `plan`; `work` holds fft_work_bytes.
 */
export function fft_f32(x: P, out: P, plan: P, work: P, batch: i32, inverse: i32): void {
  const n = hdr(plan, 1);
  const sg: f32 = inverse != 0 ? -1 : 1;
  const blue = hdr(plan, 0) == 1;
  const row = <usize>n << 3;
  for (let b = 0; b < batch; b++) {
    const src = x + <usize>b * row, dst = out + <usize>b * row;
    if (blue) bluesteinRow(src, dst, plan, work, sg);
    else mixedRow(src, dst, plan, work, sg);
  }
}

/**
 * `batch` real rows of even length n (float32) to their n / 2 + 1 non-negative frequencies
 * (interleaved pairs): each row, read as n / 2 complex values z_j = x_2j + i x_2j+1, is
 * transformed by `plan` (length n / 2) into `work`, then X_k = E_k + W_n^k O_k with
 * E_k = (Z_k + conj Z_{N-k}) / 2 and O_k = -i (Z_k - conj Z_{N-k}) / 2 (W_n^k, k < n / 2, at `tw`).
 * `work` holds n / 2 values plus the plan's work.
 */
export function rfft_f32(x: P, out: P, plan: P, tw: P, work: P, batch: i32): void {
  const N = hdr(plan, 1);
  const blue = hdr(plan, 0) == 1;
  const Z = work, rest = work + (<usize>N << 3);
  for (let b = 0; b < batch; b++) {
    const src = x + <usize>b * (<usize>N << 3), dst = out + <usize>b * (<usize>(N + 1) << 3);
    if (blue) bluesteinRow(src, Z, plan, rest, 1);
    else mixedRow(src, Z, plan, rest, 1);
    const z0r = load<f32>(Z), z0i = load<f32>(Z, 4);
    store<f32>(dst, z0r + z0i); store<f32>(dst, 0, 4);
    store<f32>(dst + (<usize>N << 3), z0r - z0i); store<f32>(dst + (<usize>N << 3), 0, 4);
    let k0 = 1;
    const half = f32x4.splat(0.5), flip = v128.load(FLIP), sgn = v128.load(SIGNS);
    for (; k0 + 2 <= N; k0 += 2) {
      // k0 and k0 + 1 together: C = conj (Z_{N-k0}, Z_{N-k0-1}).
      const A = v128.load(Z + (<usize>k0 << 3));
      const c = v128.load(Z + (<usize>(N - k0 - 1) << 3));
      const C = f32x4.mul(v128.shuffle<f32>(c, c, 2, 3, 0, 1), flip);
      const E = f32x4.mul(f32x4.add(A, C), half);
      const O = f32x4.mul(f32x4.mul(swap(f32x4.sub(A, C)), flip), half);
      const w = v128.load(tw + (<usize>k0 << 3));
      const wr = v128.shuffle<f32>(w, w, 0, 0, 2, 2), wi = f32x4.mul(v128.shuffle<f32>(w, w, 1, 1, 3, 3), sgn);
      v128.store(dst + (<usize>k0 << 3), f32x4.add(E, cmul(O, wr, wi)));
    }
    for (let k = k0; k < N; k++) {
      const a = Z + (<usize>k << 3), c = Z + (<usize>(N - k) << 3);
      const ar = load<f32>(a), ai = load<f32>(a, 4), cr = load<f32>(c), ci = -load<f32>(c, 4);
      const er = <f32>0.5 * (ar + cr), ei = <f32>0.5 * (ai + ci);
      // O = -i (Z_k - conj Z_{N-k}) / 2.
      const or = <f32>0.5 * (ai - ci), oi = <f32>-0.5 * (ar - cr);
      const wr = load<f32>(tw + (<usize>k << 3)), wi = load<f32>(tw + (<usize>k << 3), 4);
      const o = dst + (<usize>k << 3);
      store<f32>(o, er + or * wr - oi * wi);
      store<f32>(o, ei + or * wi + oi * wr, 4);
    }
  }
}
