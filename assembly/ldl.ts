// deno-fmt-ignore-file
// The LDLᵀ (Bunch-Kaufman) factorisation of symmetric matrices and its solve, for
// torch.linalg.ldlFactor / ldlSolve (src/linalg/ldl.ts), one serial algorithm per matrix as
// LAPACK's unblocked sytf2 and sytrs with UPLO = 'L' (the lower triangle is read; row-major
// storage of the lower triangle is LAPACK's column-major upper one transposed, so the indices
// below are the matrix's own):
// - sytrf: `ld` holds L's multipliers below the diagonal (block) and D's 1x1 and 2x2 blocks
//   on and just below it, the strict upper triangle zeroed; `piv` the 1-based interchanges
//   (kp for a 1x1 block, -kp twice for a 2x2 block), `info` 0 or 1 + the first column whose
//   block of D is exactly zero (or holds a NaN diagonal); that column is then left as it is.
// - sytrs: X with A X = B for A = L D Lᵀ given by sytrf, `k` right-hand sides per matrix.
type P = usize;

// @ts-ignore: decorator
@inline function at<T>(W: P, n: i32, i: i32, j: i32): P { return W + (<usize>i * <usize>n + <usize>j) * <usize>sizeof<T>(); }

// @ts-ignore: decorator
@inline function swap<T>(p: P, q: P): void { const t = load<T>(p); store<T>(p, load<T>(q)); store<T>(q, t); }

// @ts-ignore: decorator
@inline function sytrf<T>(a: P, ld: P, piv: P, info: P, batch: i32, n: i32): void {
  const sz = <usize>sizeof<T>();
  const nn = <usize>n * <usize>n;
  const alpha: T = (<T>1 + sqrt<T>(<T>17)) / <T>8;
  for (let b = 0; b < batch; b++) {
    const W = ld + <usize>b * nn * sz, PV = piv + <usize>b * <usize>n * sz;
    memory.copy(W, a + <usize>b * nn * sz, nn * sz);
    let bad: i32 = 0;
    let k = 0;
    while (k < n) {
      let kstep = 1;
      let kp = k;
      const absakk = abs<T>(load<T>(at<T>(W, n, k, k)));
      let imax = k;
      let colmax: T = <T>0;
      if (k < n - 1) {
        imax = k + 1;
        colmax = abs<T>(load<T>(at<T>(W, n, k + 1, k)));
        for (let i = k + 2; i < n; i++) {
          const v = abs<T>(load<T>(at<T>(W, n, i, k)));
          if (v > colmax) { colmax = v; imax = i; }
        }
      }
      if (max<T>(absakk, colmax) == <T>0 || isNaN(absakk)) {
        if (bad == 0) bad = k + 1;
      } else {
        if (absakk >= alpha * colmax) {
          kp = k;
        } else {
          // The largest off-diagonal |value| in row (and column) imax.
          let rowmax = abs<T>(load<T>(at<T>(W, n, imax, k)));
          for (let j = k + 1; j < imax; j++) {
            const v = abs<T>(load<T>(at<T>(W, n, imax, j)));
            if (v > rowmax) rowmax = v;
          }
          if (imax < n - 1) {
            let cm = abs<T>(load<T>(at<T>(W, n, imax + 1, imax)));
            for (let i = imax + 2; i < n; i++) {
              const v = abs<T>(load<T>(at<T>(W, n, i, imax)));
              if (v > cm) cm = v;
            }
            rowmax = max<T>(rowmax, cm);
          }
          if (absakk >= alpha * colmax * (colmax / rowmax)) {
            kp = k;
          } else if (abs<T>(load<T>(at<T>(W, n, imax, imax))) >= alpha * rowmax) {
            kp = imax;
          } else {
            kp = imax;
            kstep = 2;
          }
        }
        const kk = k + kstep - 1;
        if (kp != kk) {
          for (let i = kp + 1; i < n; i++) swap<T>(at<T>(W, n, i, kk), at<T>(W, n, i, kp));
          for (let j = kk + 1; j < kp; j++) swap<T>(at<T>(W, n, j, kk), at<T>(W, n, kp, j));
          swap<T>(at<T>(W, n, kk, kk), at<T>(W, n, kp, kp));
          if (kstep == 2) swap<T>(at<T>(W, n, k + 1, k), at<T>(W, n, kp, k));
        }
        if (kstep == 1) {
          if (k < n - 1) {
            // A22 -= x (1/d) xᵀ (syr, lower), then x /= d.
            const d11: T = <T>1 / load<T>(at<T>(W, n, k, k));
            for (let j = k + 1; j < n; j++) {
              const xj = load<T>(at<T>(W, n, j, k));
              if (xj != <T>0) {
                const t: T = -d11 * xj;
                for (let i = j; i < n; i++) {
                  const p = at<T>(W, n, i, j);
                  store<T>(p, load<T>(p) + load<T>(at<T>(W, n, i, k)) * t);
                }
              }
            }
            for (let i = k + 1; i < n; i++) {
              const p = at<T>(W, n, i, k);
              store<T>(p, load<T>(p) * d11);
            }
          }
        } else if (k < n - 2) {
          let d21 = load<T>(at<T>(W, n, k + 1, k));
          const d11: T = load<T>(at<T>(W, n, k + 1, k + 1)) / d21;
          const d22: T = load<T>(at<T>(W, n, k, k)) / d21;
          const t: T = <T>1 / (d11 * d22 - <T>1);
          d21 = t / d21;
          for (let j = k + 2; j < n; j++) {
            const ajk = load<T>(at<T>(W, n, j, k)), ajk1 = load<T>(at<T>(W, n, j, k + 1));
            const wk: T = d21 * (d11 * ajk - ajk1);
            const wkp1: T = d21 * (d22 * ajk1 - ajk);
            for (let i = j; i < n; i++) {
              const p = at<T>(W, n, i, j);
              store<T>(p, load<T>(p) - load<T>(at<T>(W, n, i, k)) * wk - load<T>(at<T>(W, n, i, k + 1)) * wkp1);
            }
            store<T>(at<T>(W, n, j, k), wk);
            store<T>(at<T>(W, n, j, k + 1), wkp1);
          }
        }
      }
      if (kstep == 1) {
        store<T>(PV + <usize>k * sz, <T>(kp + 1));
      } else {
        store<T>(PV + <usize>k * sz, <T>(-(kp + 1)));
        store<T>(PV + <usize>(k + 1) * sz, <T>(-(kp + 1)));
      }
      k += kstep;
    }
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) store<T>(at<T>(W, n, i, j), <T>0);
    store<T>(info + <usize>b * sz, <T>bad);
  }
}

export function sytrf_f32(a: P, ld: P, piv: P, info: P, batch: i32, n: i32): void { sytrf<f32>(a, ld, piv, info, batch, n); }
export function sytrf_f64(a: P, ld: P, piv: P, info: P, batch: i32, n: i32): void { sytrf<f64>(a, ld, piv, info, batch, n); }

// Rows i and j of the n×k right-hand sides X.
// @ts-ignore: decorator
@inline function swapRows<T>(X: P, k: i32, i: i32, j: i32): void {
  for (let c = 0; c < k; c++) swap<T>(at<T>(X, k, i, c), at<T>(X, k, j, c));
}

// @ts-ignore: decorator
@inline function sytrs<T>(ld: P, piv: P, rhs: P, x: P, batch: i32, n: i32, k: i32): void {
  const sz = <usize>sizeof<T>();
  const nn = <usize>n * <usize>n, nk = <usize>n * <usize>k;
  for (let b = 0; b < batch; b++) {
    const A = ld + <usize>b * nn * sz, PV = piv + <usize>b * <usize>n * sz, X = x + <usize>b * nk * sz;
    memory.copy(X, rhs + <usize>b * nk * sz, nk * sz);
    // L D Y = B, forwards.
    let s = 0;
    while (s < n) {
      const p = <i32>load<T>(PV + <usize>s * sz);
      if (p > 0) {
        if (p - 1 != s) swapRows<T>(X, k, s, p - 1);
        for (let i = s + 1; i < n; i++) {
          const l = load<T>(at<T>(A, n, i, s));
          for (let c = 0; c < k; c++) {
            const q = at<T>(X, k, i, c);
            store<T>(q, load<T>(q) - l * load<T>(at<T>(X, k, s, c)));
          }
        }
        const r: T = <T>1 / load<T>(at<T>(A, n, s, s));
        for (let c = 0; c < k; c++) { const q = at<T>(X, k, s, c); store<T>(q, load<T>(q) * r); }
        s += 1;
      } else {
        if (-p - 1 != s + 1) swapRows<T>(X, k, s + 1, -p - 1);
        for (let i = s + 2; i < n; i++) {
          const l = load<T>(at<T>(A, n, i, s));
          for (let c = 0; c < k; c++) {
            const q = at<T>(X, k, i, c);
            store<T>(q, load<T>(q) - l * load<T>(at<T>(X, k, s, c)));
          }
        }
        for (let i = s + 2; i < n; i++) {
          const l = load<T>(at<T>(A, n, i, s + 1));
          for (let c = 0; c < k; c++) {
            const q = at<T>(X, k, i, c);
            store<T>(q, load<T>(q) - l * load<T>(at<T>(X, k, s + 1, c)));
          }
        }
        const akm1k = load<T>(at<T>(A, n, s + 1, s));
        const akm1: T = load<T>(at<T>(A, n, s, s)) / akm1k;
        const ak: T = load<T>(at<T>(A, n, s + 1, s + 1)) / akm1k;
        const denom: T = akm1 * ak - <T>1;
        for (let c = 0; c < k; c++) {
          const q0 = at<T>(X, k, s, c), q1 = at<T>(X, k, s + 1, c);
          const bkm1: T = load<T>(q0) / akm1k, bk: T = load<T>(q1) / akm1k;
          store<T>(q0, (ak * bkm1 - bk) / denom);
          store<T>(q1, (akm1 * bk - bkm1) / denom);
        }
        s += 2;
      }
    }
    // Lᵀ X = Y, backwards.
    s = n - 1;
    while (s >= 0) {
      const p = <i32>load<T>(PV + <usize>s * sz);
      const cols = p > 0 ? 1 : 2;
      for (let t = 0; t < cols; t++) {
        const col = s - t;
        for (let c = 0; c < k; c++) {
          let acc: T = <T>0;
          for (let i = s + 1; i < n; i++) acc += load<T>(at<T>(X, k, i, c)) * load<T>(at<T>(A, n, i, col));
          const q = at<T>(X, k, col, c);
          store<T>(q, load<T>(q) - acc);
        }
      }
      const kp = (p > 0 ? p : -p) - 1;
      if (kp != s) swapRows<T>(X, k, s, kp);
      s -= cols;
    }
  }
}

export function sytrs_f32(ld: P, piv: P, rhs: P, x: P, batch: i32, n: i32, k: i32): void { sytrs<f32>(ld, piv, rhs, x, batch, n, k); }
export function sytrs_f64(ld: P, piv: P, rhs: P, x: P, batch: i32, n: i32, k: i32): void { sytrs<f64>(ld, piv, rhs, x, batch, n, k); }
