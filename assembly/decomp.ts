// deno-fmt-ignore-file
// Matrix decompositions for torch.linalg (src/linalg/qr.ts, eigh.ts, svd.ts), one serial
// algorithm per matrix of a batch, row-major contiguous matrices:
// - geqrf: Householder QR as LAPACK's geqrf/larfg (R's diagonal entry of a column is
//   -sign(alpha)·‖x‖, so its signs are LAPACK's and PyTorch's); the reflectors' vectors are left
//   below the diagonal (v[0] = 1 implied) and their scalars in tau.
// - orgqr: the first `cols` columns of Q = H_0 H_1 ... H_{k-1} from geqrf's output (LAPACK's orgqr).
// - eighJacobi: cyclic Jacobi rotations of a symmetric matrix until its off-diagonal part is
//   negligible; the diagonal of `w` holds the eigenvalues (unsorted), the columns of `v` the vectors.
// - svdJacobi: one-sided (Hestenes) Jacobi on the columns of an m×n matrix (m >= n) until they are
//   mutually orthogonal; `b` holds the rotated columns (σ_i u_i), `v` the right singular vectors.
type P = usize;

// @ts-ignore: decorator
@inline function epsOf<T>(): f64 { return sizeof<T>() == 4 ? 1.1920928955078125e-7 : 2.220446049250313e-16; }

// @ts-ignore: decorator
@inline function geqrf<T>(a: P, h: P, tau: P, batch: i32, m: i32, n: i32): void {
  const sz = <usize>sizeof<T>();
  const mn = <usize>m * <usize>n, row = <usize>n * sz;
  const k = min(m, n);
  for (let b = 0; b < batch; b++) {
    const H = h + <usize>b * mn * sz, T_ = tau + <usize>b * <usize>k * sz;
    memory.copy(H, a + <usize>b * mn * sz, mn * sz);
    for (let j = 0; j < k; j++) {
      const cj = <usize>j * sz;
      const alpha = <f64>load<T>(H + <usize>j * row + cj);
      let ss: f64 = 0;
      for (let i = j + 1; i < m; i++) { const v = <f64>load<T>(H + <usize>i * row + cj); ss += v * v; }
      if (ss == 0) { store<T>(T_ + cj, <T>0); continue; }
      const norm = Math.sqrt(alpha * alpha + ss);
      const beta = alpha >= 0 ? -norm : norm;
      const t = (beta - alpha) / beta, scale = 1 / (alpha - beta);
      for (let i = j + 1; i < m; i++) {
        const p = H + <usize>i * row + cj;
        store<T>(p, <T>(<f64>load<T>(p) * scale));
      }
      store<T>(H + <usize>j * row + cj, <T>beta);
      store<T>(T_ + cj, <T>t);
      // Apply H_j = I - t v vᵀ to the columns right of j.
      for (let c = j + 1; c < n; c++) {
        const cc = <usize>c * sz;
        let w = <f64>load<T>(H + <usize>j * row + cc);
        for (let i = j + 1; i < m; i++) w += <f64>load<T>(H + <usize>i * row + cj) * <f64>load<T>(H + <usize>i * row + cc);
        w *= t;
        store<T>(H + <usize>j * row + cc, <T>(<f64>load<T>(H + <usize>j * row + cc) - w));
        for (let i = j + 1; i < m; i++) {
          const p = H + <usize>i * row + cc;
          store<T>(p, <T>(<f64>load<T>(p) - w * <f64>load<T>(H + <usize>i * row + cj)));
        }
      }
    }
  }
}

export function geqrf_f32(a: P, h: P, tau: P, batch: i32, m: i32, n: i32): void { geqrf<f32>(a, h, tau, batch, m, n); }
export function geqrf_f64(a: P, h: P, tau: P, batch: i32, m: i32, n: i32): void { geqrf<f64>(a, h, tau, batch, m, n); }

// @ts-ignore: decorator
@inline function orgqr<T>(h: P, tau: P, q: P, batch: i32, m: i32, n: i32, cols: i32): void {
  const sz = <usize>sizeof<T>();
  const k = min(m, n);
  const row = <usize>n * sz, qrow = <usize>cols * sz;
  for (let b = 0; b < batch; b++) {
    const H = h + <usize>b * <usize>m * row, T_ = tau + <usize>b * <usize>k * sz;
    const Q = q + <usize>b * <usize>m * qrow;
    memory.fill(Q, 0, <usize>m * qrow);
    for (let i = 0; i < min(m, cols); i++) store<T>(Q + <usize>i * qrow + <usize>i * sz, <T>1);
    for (let j = min(k, cols) - 1; j >= 0; j--) {
      const t = <f64>load<T>(T_ + <usize>j * sz);
      if (t == 0) continue;
      const cj = <usize>j * sz;
      for (let c = j; c < cols; c++) {
        const cc = <usize>c * sz;
        let w = <f64>load<T>(Q + <usize>j * qrow + cc);
        for (let i = j + 1; i < m; i++) w += <f64>load<T>(H + <usize>i * row + cj) * <f64>load<T>(Q + <usize>i * qrow + cc);
        w *= t;
        store<T>(Q + <usize>j * qrow + cc, <T>(<f64>load<T>(Q + <usize>j * qrow + cc) - w));
        for (let i = j + 1; i < m; i++) {
          const p = Q + <usize>i * qrow + cc;
          store<T>(p, <T>(<f64>load<T>(p) - w * <f64>load<T>(H + <usize>i * row + cj)));
        }
      }
    }
  }
}

export function orgqr_f32(h: P, tau: P, q: P, batch: i32, m: i32, n: i32, cols: i32): void { orgqr<f32>(h, tau, q, batch, m, n, cols); }
export function orgqr_f64(h: P, tau: P, q: P, batch: i32, m: i32, n: i32, cols: i32): void { orgqr<f64>(h, tau, q, batch, m, n, cols); }

// @ts-ignore: decorator
@inline function eighJacobi<T>(a: P, w: P, v: P, batch: i32, n: i32, maxSweeps: i32): void {
  const sz = <usize>sizeof<T>();
  const nn = <usize>n * <usize>n, row = <usize>n * sz;
  const eps = epsOf<T>();
  for (let b = 0; b < batch; b++) {
    const W = w + <usize>b * nn * sz, V = v + <usize>b * nn * sz;
    memory.copy(W, a + <usize>b * nn * sz, nn * sz);
    memory.fill(V, 0, nn * sz);
    for (let i = 0; i < n; i++) store<T>(V + <usize>i * row + <usize>i * sz, <T>1);
    for (let sweep = 0; sweep < maxSweeps; sweep++) {
      let rotated = false;
      for (let p = 0; p < n - 1; p++) {
        for (let q = p + 1; q < n; q++) {
          const apq = <f64>load<T>(W + <usize>p * row + <usize>q * sz);
          const app = <f64>load<T>(W + <usize>p * row + <usize>p * sz);
          const aqq = <f64>load<T>(W + <usize>q * row + <usize>q * sz);
          if (apq == 0) continue;
          if (Math.abs(apq) <= eps * Math.sqrt(Math.abs(app) * Math.abs(aqq)) * 0.5) {
            store<T>(W + <usize>p * row + <usize>q * sz, <T>0);
            store<T>(W + <usize>q * row + <usize>p * sz, <T>0);
            continue;
          }
          rotated = true;
          const theta = (aqq - app) / (2 * apq);
          const t = (theta >= 0 ? 1.0 : -1.0) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          const c = 1 / Math.sqrt(t * t + 1), s = t * c;
          // W = Jᵀ W J with J the rotation in the (p, q) plane: columns, then rows.
          for (let r = 0; r < n; r++) {
            const pp = W + <usize>r * row + <usize>p * sz, qq = W + <usize>r * row + <usize>q * sz;
            const x = <f64>load<T>(pp), y = <f64>load<T>(qq);
            store<T>(pp, <T>(c * x - s * y));
            store<T>(qq, <T>(s * x + c * y));
          }
          for (let r = 0; r < n; r++) {
            const pp = W + <usize>p * row + <usize>r * sz, qq = W + <usize>q * row + <usize>r * sz;
            const x = <f64>load<T>(pp), y = <f64>load<T>(qq);
            store<T>(pp, <T>(c * x - s * y));
            store<T>(qq, <T>(s * x + c * y));
          }
          store<T>(W + <usize>p * row + <usize>q * sz, <T>0);
          store<T>(W + <usize>q * row + <usize>p * sz, <T>0);
          for (let r = 0; r < n; r++) {
            const pp = V + <usize>r * row + <usize>p * sz, qq = V + <usize>r * row + <usize>q * sz;
            const x = <f64>load<T>(pp), y = <f64>load<T>(qq);
            store<T>(pp, <T>(c * x - s * y));
            store<T>(qq, <T>(s * x + c * y));
          }
        }
      }
      if (!rotated) break;
    }
  }
}

export function eighJacobi_f32(a: P, w: P, v: P, batch: i32, n: i32, maxSweeps: i32): void { eighJacobi<f32>(a, w, v, batch, n, maxSweeps); }
export function eighJacobi_f64(a: P, w: P, v: P, batch: i32, n: i32, maxSweeps: i32): void { eighJacobi<f64>(a, w, v, batch, n, maxSweeps); }

// @ts-ignore: decorator
@inline function svdJacobi<T>(a: P, bOut: P, v: P, batch: i32, m: i32, n: i32, maxSweeps: i32): void {
  const sz = <usize>sizeof<T>();
  const mn = <usize>m * <usize>n, nn = <usize>n * <usize>n, row = <usize>n * sz;
  const eps = epsOf<T>();
  for (let b = 0; b < batch; b++) {
    const B = bOut + <usize>b * mn * sz, V = v + <usize>b * nn * sz;
    memory.copy(B, a + <usize>b * mn * sz, mn * sz);
    memory.fill(V, 0, nn * sz);
    for (let i = 0; i < n; i++) store<T>(V + <usize>i * row + <usize>i * sz, <T>1);
    for (let sweep = 0; sweep < maxSweeps; sweep++) {
      let rotated = false;
      for (let p = 0; p < n - 1; p++) {
        for (let q = p + 1; q < n; q++) {
          let al: f64 = 0, be: f64 = 0, ga: f64 = 0;
          for (let r = 0; r < m; r++) {
            const x = <f64>load<T>(B + <usize>r * row + <usize>p * sz), y = <f64>load<T>(B + <usize>r * row + <usize>q * sz);
            al += x * x; be += y * y; ga += x * y;
          }
          if (ga == 0 || Math.abs(ga) <= eps * Math.sqrt(al * be)) continue;
          rotated = true;
          const zeta = (be - al) / (2 * ga);
          const t = (zeta >= 0 ? 1.0 : -1.0) / (Math.abs(zeta) + Math.sqrt(zeta * zeta + 1));
          const c = 1 / Math.sqrt(t * t + 1), s = t * c;
          for (let r = 0; r < m; r++) {
            const pp = B + <usize>r * row + <usize>p * sz, qq = B + <usize>r * row + <usize>q * sz;
            const x = <f64>load<T>(pp), y = <f64>load<T>(qq);
            store<T>(pp, <T>(c * x - s * y));
            store<T>(qq, <T>(s * x + c * y));
          }
          for (let r = 0; r < n; r++) {
            const pp = V + <usize>r * row + <usize>p * sz, qq = V + <usize>r * row + <usize>q * sz;
            const x = <f64>load<T>(pp), y = <f64>load<T>(qq);
            store<T>(pp, <T>(c * x - s * y));
            store<T>(qq, <T>(s * x + c * y));
          }
        }
      }
      if (!rotated) break;
    }
  }
}

export function svdJacobi_f32(a: P, b: P, v: P, batch: i32, m: i32, n: i32, maxSweeps: i32): void { svdJacobi<f32>(a, b, v, batch, m, n, maxSweeps); }
export function svdJacobi_f64(a: P, b: P, v: P, batch: i32, m: i32, n: i32, maxSweeps: i32): void { svdJacobi<f64>(a, b, v, batch, m, n, maxSweeps); }

// LU factorisation with partial pivoting of m×n matrices (LAPACK's getrf): `lu` holds L's
// multipliers below the diagonal and U on and above it, `piv` the 1-based row swapped with row j
// at step j (the first row with the largest |value|, a NaN winning), `info` 0 or 1 + the first
// column whose pivot is exactly 0 (that column is then not eliminated, as getrf).
// @ts-ignore: decorator
@inline function getrf<T>(a: P, lu: P, piv: P, info: P, batch: i32, m: i32, n: i32): void {
  const sz = <usize>sizeof<T>();
  const mn = <usize>m * <usize>n, row = <usize>n * sz;
  const k = min(m, n);
  for (let b = 0; b < batch; b++) {
    const W = lu + <usize>b * mn * sz, PV = piv + <usize>b * <usize>k * sz;
    memory.copy(W, a + <usize>b * mn * sz, mn * sz);
    let bad: i32 = 0;
    for (let j = 0; j < k; j++) {
      const cj = <usize>j * sz;
      let p = j;
      let best = abs<T>(load<T>(W + <usize>j * row + cj));
      for (let i = j + 1; i < m; i++) {
        const v = abs<T>(load<T>(W + <usize>i * row + cj));
        if (v > best || (isNaN(v) && !isNaN(best))) { best = v; p = i; }
      }
      store<T>(PV + cj, <T>(p + 1));
      if (p !== j) {
        const rj = W + <usize>j * row, rp = W + <usize>p * row;
        for (let c = 0; c < n; c++) {
          const q = <usize>c * sz, t = load<T>(rj + q);
          store<T>(rj + q, load<T>(rp + q));
          store<T>(rp + q, t);
        }
      }
      const d = load<T>(W + <usize>j * row + cj);
      if (d == <T>0) {
        if (bad === 0) bad = j + 1;
        continue;
      }
      for (let i = j + 1; i < m; i++) {
        const ri = W + <usize>i * row;
        const f = load<T>(ri + cj) / d;
        store<T>(ri + cj, f);
        if (f == <T>0) continue;
        for (let c = j + 1; c < n; c++) {
          const q = <usize>c * sz;
          store<T>(ri + q, load<T>(ri + q) - f * load<T>(W + <usize>j * row + q));
        }
      }
    }
    store<T>(info + <usize>b * sz, <T>bad);
  }
}

export function getrf_f32(a: P, lu: P, piv: P, info: P, batch: i32, m: i32, n: i32): void { getrf<f32>(a, lu, piv, info, batch, m, n); }
export function getrf_f64(a: P, lu: P, piv: P, info: P, batch: i32, m: i32, n: i32): void { getrf<f64>(a, lu, piv, info, batch, m, n); }
