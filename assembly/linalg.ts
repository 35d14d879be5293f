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
        for (let j = c + 1; j < n; j++) {
          const q = <usize>j * sz;
          store<T>(ri + q, load<T>(ri + q) - f * load<T>(rc + q));
        }
        for (let j = 0; j < k; j++) {
          const q = <usize>j * sz;
          store<T>(xi + q, load<T>(xi + q) - f * load<T>(xc + q));
        }
      }
    }
    if (info === 0) {
      // Back substitution with U, row by row from the bottom.
      for (let r = n - 1; r >= 0; r--) {
        const rr = W + <usize>r * rowA, xr = X + <usize>r * rowX;
        for (let j = r + 1; j < n; j++) {
          const u = load<T>(rr + <usize>j * sz);
          if (u == <T>0) continue;
          const xj = X + <usize>j * rowX;
          for (let c = 0; c < k; c++) {
            const q = <usize>c * sz;
            store<T>(xr + q, load<T>(xr + q) - u * load<T>(xj + q));
          }
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
