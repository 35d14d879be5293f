// Batched square solves for torch.linalg, the GPU twin of assembly/linalg.ts: Gauss-Jordan
// elimination with partial pivoting on [A | X] (X starts as B, or the identity for an inverse),
// whose pivots are LU's (the first row at or below the column with the largest |value|, a NaN
// winning), so the determinant statistics are the CPU's. One workgroup per matrix; its {{WG}}
// invocations share the rows of each elimination step, with barriers between steps. The copies in
// and the final scaling are 1-d kernels of their own (`luInit`, `luFinish`, `choleskyInit`,
// `choleskyFinish`), so that the step kernels' loops hold only the steps.
//! include: math

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

//! kernel: luInit
// One invocation per element of W (= A) and of X (= B, or the identity with `identity`), and one
// per matrix setting its statistics to (1, 1, 0, 0).
struct Params {
  batch: u32,
  n: u32,
  k: u32,
  identity: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> W: array<f32>;
@group(0) @binding(4) var<storage, read_write> X: array<f32>;
@group(0) @binding(5) var<storage, read_write> S: array<f32>;

@compute @workgroup_size(256)
fn luInit(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  let ww = P.batch * P.n * P.n;
  let xx = P.batch * P.n * P.k;
  if (i < ww) {
    W[i] = A[i];
  } else if (i < ww + xx) {
    let j = i - ww;
    if (P.identity != 0u) {
      let e = j % (P.n * P.k);
      X[j] = select(0.0, 1.0, e / P.k == e % P.k);
    } else {
      X[j] = B[j];
    }
  } else if (i < ww + xx + P.batch) {
    let sb = (i - ww - xx) * 4u;
    S[sb] = 1.0;
    S[sb + 1u] = 1.0;
    S[sb + 2u] = 0.0;
    S[sb + 3u] = 0.0;
  }
}

//! kernel: luFinish
// One invocation per element of X: divided by its row's pivot (Gauss-Jordan leaves a diagonal),
// or NaN when its matrix had an exactly zero pivot; one per matrix finishing its statistics (det
// from the magnitude and the sign; 0, 0, -inf when singular).
struct Params {
  batch: u32,
  n: u32,
  k: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(3) var<storage, read> W: array<f32>;
@group(0) @binding(4) var<storage, read_write> X: array<f32>;
@group(0) @binding(5) var<storage, read_write> S: array<f32>;

@compute @workgroup_size(256)
fn luFinish(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  let n = P.n;
  let xx = P.batch * n * P.k;
  if (i < xx) {
    let m = i / (n * P.k);
    if (S[m * 4u + 3u] != 0.0) {
      X[i] = f_nan();
    } else {
      let r = (i % (n * P.k)) / P.k;
      X[i] = X[i] / W[m * n * n + r * n + r];
    }
  } else if (i < xx + P.batch) {
    let sb = (i - xx) * 4u;
    if (S[sb + 3u] != 0.0) {
      S[sb] = 0.0;
      S[sb + 1u] = 0.0;
      S[sb + 2u] = f_neg(f_inf());
    } else {
      S[sb] = S[sb] * S[sb + 1u];
    }
  }
}

//! kernel: luSolve
// Steps [k0, k1) of the elimination of matrix m = the workgroup's index, in W (n×n) and X (n×k),
// after `luInit` and before `luFinish`. flags: 8 eliminate above the pivot too (with a
// right-hand side; without one only the pivots matter). S holds per matrix: the product of the
// pivots' magnitudes, the sign, log|det| and info (1 + the first zero pivot's column, or 0).
struct Params {
  batch: u32,
  n: u32,
  k: u32,
  k0: u32,
  k1: u32,
  flags: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(3) var<storage, read_write> W: array<f32>;
@group(0) @binding(4) var<storage, read_write> X: array<f32>;
@group(0) @binding(5) var<storage, read_write> S: array<f32>;
var<workgroup> PIVOT: u32;

@compute @workgroup_size({{WG}})
fn luSolve(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let m = wg.y * groups.x + wg.x;
  if (m >= P.batch) { return; }
  let n = P.n;
  let k = P.k;
  let wb = m * n * n;
  let xb = m * n * k;
  let sb = m * 4u;
  let above = (P.flags & 8u) != 0u;
  for (var c = P.k0; c < P.k1; c = c + 1u) {
    if (local == 0u) {
      var p = c;
      var best = f_abs(W[wb + c * n + c]);
      for (var i = c + 1u; i < n; i = i + 1u) {
        let v = f_abs(W[wb + i * n + c]);
        if (v > best || (is_nan(v) && !is_nan(best))) {
          best = v;
          p = i;
        }
      }
      PIVOT = p;
      if (p != c) { S[sb + 1u] = -S[sb + 1u]; }
    }
    workgroupBarrier();
    let p = PIVOT;
    if (p != c) {
      for (var j = local; j < n + k; j = j + {{WG}}u) {
        if (j < n) {
          let t = W[wb + c * n + j];
          W[wb + c * n + j] = W[wb + p * n + j];
          W[wb + p * n + j] = t;
        } else {
          let t = X[xb + c * k + j - n];
          X[xb + c * k + j - n] = X[xb + p * k + j - n];
          X[xb + p * k + j - n] = t;
        }
      }
    }
    storageBarrier();
    let piv = W[wb + c * n + c];
    let zero = is_zero(piv);
    if (local == 0u) {
      if (zero) {
        if (S[sb + 3u] == 0.0) { S[sb + 3u] = f32(c + 1u); }
      } else {
        S[sb] = S[sb] * f_abs(piv);
        S[sb + 2u] = S[sb + 2u] + f_log(f_abs(piv));
        if (piv < 0.0) { S[sb + 1u] = -S[sb + 1u]; }
      }
    }
    let first = select(c + 1u, 0u, above);
    for (var i = first + local; i < n; i = i + {{WG}}u) {
      if (i == c) { continue; }
      let f = select(W[wb + i * n + c] / piv, 0.0, zero);
      if (f == 0.0) { continue; }
      W[wb + i * n + c] = f;
      for (var j = c + 1u; j < n; j = j + 1u) {
        W[wb + i * n + j] = W[wb + i * n + j] - f * W[wb + c * n + j];
      }
      for (var j = 0u; j < k; j = j + 1u) {
        X[xb + i * k + j] = X[xb + i * k + j] - f * X[xb + c * k + j];
      }
    }
    storageBarrier();
  }
}

//! kernel: choleskyInit
// One invocation per element of L, zeroing its strict upper triangle, and one per matrix zeroing
// its info.
struct Params {
  batch: u32,
  n: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read_write> L: array<f32>;
@group(0) @binding(3) var<storage, read_write> INFO: array<f32>;

@compute @workgroup_size(256)
fn choleskyInit(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  let ll = P.batch * P.n * P.n;
  if (i < ll) {
    let e = i % (P.n * P.n);
    if (e % P.n > e / P.n) { L[i] = 0.0; }
  } else if (i < ll + P.batch) {
    INFO[i - ll] = 0.0;
  }
}

//! kernel: choleskyFinish
// One invocation per element of L: NaN where its matrix had a pivot that was not positive.
struct Params {
  batch: u32,
  n: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read_write> L: array<f32>;
@group(0) @binding(3) var<storage, read> INFO: array<f32>;

@compute @workgroup_size(256)
fn choleskyFinish(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i < P.batch * P.n * P.n && INFO[i / (P.n * P.n)] != 0.0) {
    L[i] = f_nan();
  }
}

//! kernel: cholesky
// Columns [k0, k1) of the column-by-column Cholesky factorisation A = L Lᵀ of matrix m (the
// workgroup's index), reading A's lower triangle (as the CPU kernel), after `choleskyInit` and
// before `choleskyFinish`: invocation 0 takes column j's diagonal d = A[j, j] - Σ L[j, k]², then
// the invocations share the rows below it. INFO[m] becomes 1 + the first column whose d is not
// positive (or NaN), as the CPU's info.
struct Params {
  batch: u32,
  n: u32,
  k0: u32,
  k1: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read_write> L: array<f32>;
@group(0) @binding(3) var<storage, read_write> INFO: array<f32>;

@compute @workgroup_size({{WG}})
fn cholesky(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let m = wg.y * groups.x + wg.x;
  if (m >= P.batch) { return; }
  let n = P.n;
  let b = m * n * n;
  for (var j = P.k0; j < P.k1; j = j + 1u) {
    if (local == 0u) {
      var d = A[b + j * n + j];
      for (var k = 0u; k < j; k = k + 1u) {
        d = d - L[b + j * n + k] * L[b + j * n + k];
      }
      if (d > 0.0 && !is_nan(d)) {
        L[b + j * n + j] = f_sqrt(d);
      } else {
        L[b + j * n + j] = 1.0; // keeps the rows below finite; the matrix ends as NaN
        if (INFO[m] == 0.0) { INFO[m] = f32(j + 1u); }
      }
    }
    storageBarrier();
    let piv = L[b + j * n + j];
    for (var i = j + 1u + local; i < n; i = i + {{WG}}u) {
      var s = A[b + i * n + j];
      for (var k = 0u; k < j; k = k + 1u) {
        s = s - L[b + i * n + k] * L[b + j * n + k];
      }
      L[b + i * n + j] = s / piv;
    }
    storageBarrier();
  }
}

//! kernel: triangularSolve
// Rows [r0, r1) (in the order of the substitution: from the top for a lower-triangular A, from
// the bottom for an upper one) of the triangular solves A X = B, one invocation per (matrix,
// right-hand column): row i of X is (B[i] - Σ A[i, j] X[j]) / A[i, i] over the rows j solved
// before it, the twin of assembly/linalg.ts's. flags: 1 upper, 2 unit diagonal (not read). Only
// A's triangle is read; a zero diagonal gives ±inf or NaN, as IEEE division (and LAPACK's trsm).
struct Params {
  batch: u32,
  n: u32,
  k: u32,
  r0: u32,
  r1: u32,
  flags: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> X: array<f32>;

/** v / d with IEEE's results for d = ±0 (WGSL leaves division by zero unspecified). */
fn ieee_div(v: f32, d: f32) -> f32 {
  if (!is_zero(d)) { return v / d; }
  if (is_zero(v) || is_nan(v)) { return f_nan(); }
  return f_copysign(f_inf(), bitcast<f32>(bitcast<u32>(v) ^ (bitcast<u32>(d) & 0x80000000u)));
}

@compute @workgroup_size(256)
fn triangularSolve(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = flat_index(wg, groups, local);
  if (t >= P.batch * P.k) { return; }
  let n = P.n;
  let k = P.k;
  let m = t / k;
  let c = t % k;
  let ab = m * n * n;
  let xb = m * n * k + c;
  let upper = (P.flags & 1u) != 0u;
  let unit = (P.flags & 2u) != 0u;
  for (var s = P.r0; s < P.r1; s = s + 1u) {
    let i = select(s, n - 1u - s, upper);
    var v = B[xb + i * k];
    let j0 = select(0u, i + 1u, upper);
    let j1 = select(i, n, upper);
    for (var j = j0; j < j1; j = j + 1u) {
      v = v - A[ab + i * n + j] * X[xb + j * k];
    }
    if (!unit) { v = ieee_div(v, A[ab + i * n + i]); }
    X[xb + i * k] = v;
  }
}
