// deno-fmt-ignore-file
// Batched square solves by LU factorisation with partial pivoting (LAPACK's getrf + getrs, row by
// row): for each of `batch` n×n matrices A (row-major, contiguous) the kernel eliminates on [A | X]
// (X starts as B, n×k, or as the identity when `identity` is set), then back-substitutes, so X =
// A⁻¹B. The pivot of column c is the first row at or below c with the largest |value| (a NaN wins,
// so NaN inputs give NaN results rather than a made-up singularity).
//
// stats (4 per matrix, of the matrix dtype): det (the product of the pivots' magnitudes in float64,
// times the sign; 0 when singular), sign (±1 from the row swaps and the pivots' signs, 0 when
// singular), log|det| (a float64 sum of log|pivot|, -inf when singular) and info: 0, or 1 + the
// first column whose pivot is exactly 0 (LAPACK's info). A singular matrix still gets its det and
// slogdet; its X is left partly eliminated (the front end throws before reading it, as PyTorch
// does). `w` is an n×n workspace per matrix.
type P = usize;

/** dst[j] -= f * src[j] for j < count, four (float32) or two (float64) lanes at a time: a separate
 * multiply and subtract, so the result equals the scalar loop's in both builds. */
// @ts-ignore: decorator
@inline function axpy<T>(dst: P, src: P, f: T, count: i32): void {
  let j = 0;
  if (sizeof<T>() == 4) {
    const fv = f32x4.splat(<f32>f);
    for (; j + 4 <= count; j += 4) {
      const q = <usize>j << 2;
      v128.store(dst + q, f32x4.sub(v128.load(dst + q), f32x4.mul(fv, v128.load(src + q))));
    }
  } else {
    const fv = f64x2.splat(<f64>f);
    for (; j + 2 <= count; j += 2) {
      const q = <usize>j << 3;
      v128.store(dst + q, f64x2.sub(v128.load(dst + q), f64x2.mul(fv, v128.load(src + q))));
    }
  }
  const sz = <usize>sizeof<T>();
  for (; j < count; j++) {
    const q = <usize>j * sz;
    store<T>(dst + q, load<T>(dst + q) - f * load<T>(src + q));
  }
}

// @ts-ignore: decorator
@inline function luSolve<T>(a: P, b: P, w: P, x: P, stats: P, batch: i32, n: i32, k: i32, identity: bool): void {
  const sz = <usize>sizeof<T>();
  const nn = <usize>n * <usize>n, nk = <usize>n * <usize>k;
  const rowA = <usize>n * sz, rowX = <usize>k * sz;
  for (let m = 0; m < batch; m++) {
    const W = w + <usize>m * nn * sz, X = x + <usize>m * nk * sz;
    memory.copy(W, a + <usize>m * nn * sz, nn * sz);
    if (identity) {
      memory.fill(X, 0, nk * sz);
      for (let i = 0; i < n; i++) store<T>(X + <usize>i * rowX + <usize>i * sz, <T>1);
    } else if (nk > 0) {
      memory.copy(X, b + <usize>m * nk * sz, nk * sz);
    }
    let mag: f64 = 1, logAbs: f64 = 0, sign: f64 = 1, info: i32 = 0;
    for (let c = 0; c < n; c++) {
      // Pivot search down column c.
      let p = c;
      let best = abs<T>(load<T>(W + <usize>c * rowA + <usize>c * sz));
      for (let i = c + 1; i < n; i++) {
        const v = abs<T>(load<T>(W + <usize>i * rowA + <usize>c * sz));
        if (v > best || (isNaN(v) && !isNaN(best))) { best = v; p = i; }
      }
      const rc = W + <usize>c * rowA, xc = X + <usize>c * rowX;
      if (p !== c) {
        const rp = W + <usize>p * rowA, xp = X + <usize>p * rowX;
        for (let j = 0; j < n; j++) {
          const q = <usize>j * sz, t = load<T>(rc + q);
          store<T>(rc + q, load<T>(rp + q));
          store<T>(rp + q, t);
        }
        for (let j = 0; j < k; j++) {
          const q = <usize>j * sz, t = load<T>(xc + q);
          store<T>(xc + q, load<T>(xp + q));
          store<T>(xp + q, t);
        }
        sign = -sign;
      }
      const piv = load<T>(rc + <usize>c * sz);
      mag *= Math.abs(<f64>piv);
      if (piv < <T>0) sign = -sign;
      if (piv == <T>0) {
        if (info === 0) info = c + 1;
        continue; // nothing to eliminate with (getrf carries on with the next column)
      }
      logAbs += Math.log(Math.abs(<f64>piv));
      for (let i = c + 1; i < n; i++) {
        const ri = W + <usize>i * rowA, xi = X + <usize>i * rowX;
        const f = load<T>(ri + <usize>c * sz) / piv;
        if (f == <T>0) continue;
        store<T>(ri + <usize>c * sz, f); // L's multiplier (getrf's layout)
        const rest = <usize>(c + 1) * sz;
        axpy<T>(ri + rest, rc + rest, f, n - c - 1);
        axpy<T>(xi, xc, f, k);
      }
    }
    if (info === 0) {
      // Back substitution with U, row by row from the bottom.
      for (let r = n - 1; r >= 0; r--) {
        const rr = W + <usize>r * rowA, xr = X + <usize>r * rowX;
        for (let j = r + 1; j < n; j++) {
          const u = load<T>(rr + <usize>j * sz);
          if (u == <T>0) continue;
          axpy<T>(xr, X + <usize>j * rowX, u, k);
        }
        const d = load<T>(rr + <usize>r * sz);
        for (let c = 0; c < k; c++) {
          const q = <usize>c * sz;
          store<T>(xr + q, load<T>(xr + q) / d);
        }
      }
    } else {
      sign = 0;
      logAbs = -Infinity;
    }
    const s = stats + <usize>m * 4 * sz;
    store<T>(s, info === 0 ? <T>(mag * sign) : <T>0);
    store<T>(s + sz, <T>sign);
    store<T>(s + 2 * sz, <T>logAbs);
    store<T>(s + 3 * sz, <T>info);
  }
}

export function luSolve_f32(a: P, b: P, w: P, x: P, stats: P, batch: i32, n: i32, k: i32, identity: bool): void { luSolve<f32>(a, b, w, x, stats, batch, n, k, identity); }
export function luSolve_f64(a: P, b: P, w: P, x: P, stats: P, batch: i32, n: i32, k: i32, identity: bool): void { luSolve<f64>(a, b, w, x, stats, batch, n, k, identity); }

// Cholesky factorisation A = L Lᵀ of `batch` n×n matrices (row-major; only the lower triangle of
// A is read, as LAPACK's potrf with uplo "L"), row by row (Cholesky-Banachiewicz). info[m] is 0,
// or 1 + the first diagonal index whose pivot is not positive (or NaN): the order of the leading
// minor that is not positive-definite (potrf's info); that matrix's L is then incomplete (the
// front end throws). The upper triangle of L is zero.
// @ts-ignore: decorator
@inline function cholesky<T>(a: P, l: P, info: P, batch: i32, n: i32): void {
  const sz = <usize>sizeof<T>();
  const nn = <usize>n * <usize>n, row = <usize>n * sz;
  for (let m = 0; m < batch; m++) {
    const A = a + <usize>m * nn * sz, L = l + <usize>m * nn * sz;
    memory.fill(L, 0, nn * sz);
    let bad: i32 = 0;
    for (let i = 0; i < n && bad === 0; i++) {
      const ai = A + <usize>i * row, li = L + <usize>i * row;
      for (let j = 0; j <= i; j++) {
        const lj = L + <usize>j * row;
        let s = load<T>(ai + <usize>j * sz);
        for (let k = 0; k < j; k++) s -= load<T>(li + <usize>k * sz) * load<T>(lj + <usize>k * sz);
        if (j < i) {
          store<T>(li + <usize>j * sz, s / load<T>(lj + <usize>j * sz));
        } else if (s > <T>0) {
          store<T>(li + <usize>i * sz, <T>Math.sqrt(<f64>s));
        } else {
          bad = i + 1; // not positive, or NaN
        }
      }
    }
    store<T>(info + <usize>m * sz, <T>bad);
  }
}

export function cholesky_f32(a: P, l: P, info: P, batch: i32, n: i32): void { cholesky<f32>(a, l, info, batch, n); }
export function cholesky_f64(a: P, l: P, info: P, batch: i32, n: i32): void { cholesky<f64>(a, l, info, batch, n); }

/** dst[c] -= f0 * r0[c], then f1 * r1[c], f2 * r2[c], f3 * r3[c] (rows `stride` bytes apart), kept
 * in registers between the four: the same operations in the same order as four {@link axpy}s,
 * with a quarter of dst's loads and stores. */
// @ts-ignore: decorator
@inline function axpy4<T>(dst: P, src: P, stride: usize, f0: T, f1: T, f2: T, f3: T, count: i32): void {
  let j = 0;
  const s1 = src + stride, s2 = src + 2 * stride, s3 = src + 3 * stride;
  if (sizeof<T>() == 4) {
    const v0 = f32x4.splat(<f32>f0), v1 = f32x4.splat(<f32>f1), v2 = f32x4.splat(<f32>f2), v3 = f32x4.splat(<f32>f3);
    for (; j + 4 <= count; j += 4) {
      const q = <usize>j << 2;
      let d = v128.load(dst + q);
      d = f32x4.sub(d, f32x4.mul(v0, v128.load(src + q)));
      d = f32x4.sub(d, f32x4.mul(v1, v128.load(s1 + q)));
      d = f32x4.sub(d, f32x4.mul(v2, v128.load(s2 + q)));
      d = f32x4.sub(d, f32x4.mul(v3, v128.load(s3 + q)));
      v128.store(dst + q, d);
    }
  } else {
    const v0 = f64x2.splat(<f64>f0), v1 = f64x2.splat(<f64>f1), v2 = f64x2.splat(<f64>f2), v3 = f64x2.splat(<f64>f3);
    for (; j + 2 <= count; j += 2) {
      const q = <usize>j << 3;
      let d = v128.load(dst + q);
      d = f64x2.sub(d, f64x2.mul(v0, v128.load(src + q)));
      d = f64x2.sub(d, f64x2.mul(v1, v128.load(s1 + q)));
      d = f64x2.sub(d, f64x2.mul(v2, v128.load(s2 + q)));
      d = f64x2.sub(d, f64x2.mul(v3, v128.load(s3 + q)));
      v128.store(dst + q, d);
    }
  }
  const sz = <usize>sizeof<T>();
  for (; j < count; j++) {
    const q = <usize>j * sz;
    store<T>(dst + q, load<T>(dst + q) - f0 * load<T>(src + q) - f1 * load<T>(s1 + q) - f2 * load<T>(s2 + q) - f3 * load<T>(s3 + q));
  }
}

// Triangular solves A X = B (`torch.linalg.solve_triangular` with left=True) of `batch` n×n
// matrices A and n×k right-hand sides B (row-major, contiguous): forward substitution when A is
// lower triangular, back substitution when upper, row by row; only A's triangle is read (and not
// its diagonal when `unit`, which takes it as ones). No pivoting and no checks: a zero on the
// diagonal gives inf/NaN, as LAPACK's trsm.
// @ts-ignore: decorator
@inline function triangularSolve<T>(a: P, b: P, x: P, batch: i32, n: i32, k: i32, upper: bool, unit: bool): void {
  const sz = <usize>sizeof<T>();
  const nn = <usize>n * <usize>n, nk = <usize>n * <usize>k;
  const rowA = <usize>n * sz, rowX = <usize>k * sz;
  for (let m = 0; m < batch; m++) {
    const A = a + <usize>m * nn * sz, X = x + <usize>m * nk * sz;
    memory.copy(X, b + <usize>m * nk * sz, nk * sz);
    for (let s = 0; s < n; s++) {
      const i = upper ? n - 1 - s : s;
      const ai = A + <usize>i * rowA, xi = X + <usize>i * rowX;
      const j0 = upper ? i + 1 : 0, j1 = upper ? n : i;
      let j = j0;
      for (; j + 4 <= j1; j += 4) {
        const xj = X + <usize>j * rowX, aj = ai + <usize>j * sz;
        axpy4<T>(xi, xj, rowX, load<T>(aj), load<T>(aj + sz), load<T>(aj + 2 * sz), load<T>(aj + 3 * sz), k);
      }
      for (; j < j1; j++) axpy<T>(xi, X + <usize>j * rowX, load<T>(ai + <usize>j * sz), k);
      if (!unit) {
        const d = load<T>(ai + <usize>i * sz);
        for (let c = 0; c < k; c++) {
          const q = <usize>c * sz;
          store<T>(xi + q, load<T>(xi + q) / d);
        }
      }
    }
  }
}

export function triangularSolve_f32(a: P, b: P, x: P, batch: i32, n: i32, k: i32, upper: bool, unit: bool): void { triangularSolve<f32>(a, b, x, batch, n, k, upper, unit); }
export function triangularSolve_f64(a: P, b: P, x: P, batch: i32, n: i32, k: i32, upper: bool, unit: bool): void { triangularSolve<f64>(a, b, x, batch, n, k, upper, unit); }
