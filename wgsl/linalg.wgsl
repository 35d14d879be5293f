// Batched square solves for torch.linalg, the GPU twin of assembly/linalg.ts: Gauss-Jordan
// elimination with partial pivoting on [A | X] (X starts as B, or the identity for an inverse),
// whose pivots are LU's (the first row at or below the column with the largest |value|, a NaN
// winning), so the determinant statistics are the CPU's. One workgroup per matrix; its {{WG}}
// invocations share the rows of each elimination step, with barriers between steps.
//! include: math

//! kernel: luSolve
// Steps [k0, k1) of the elimination of matrix m = the workgroup's index, in W (n×n) and X (n×k).
// flags: 1 the first dispatch (copies A to W and B, or the identity, to X; starts the statistics),
// 2 X starts as the identity, 4 the last dispatch (divides X's rows by their pivots, finishes the
// statistics, fills X with NaN when a pivot was exactly 0), 8 eliminate above the pivot too (with
// a right-hand side; without one only the pivots matter). S holds per matrix: the product of the
// pivots' magnitudes (det at the end), the sign, log|det| and info (1 + the first zero pivot's
// column, or 0), as the CPU kernel.
struct Params {
  batch: u32,
  n: u32,
  k: u32,
  k0: u32,
  k1: u32,
  flags: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> B: array<f32>;
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
  if ((P.flags & 1u) != 0u) {
    for (var i = local; i < n * n; i = i + {{WG}}u) {
      W[wb + i] = A[wb + i];
    }
    for (var i = local; i < n * k; i = i + {{WG}}u) {
      if ((P.flags & 2u) != 0u) {
        X[xb + i] = select(0.0, 1.0, i / k == i % k);
      } else {
        X[xb + i] = B[xb + i];
      }
    }
    if (local == 0u) {
      S[sb] = 1.0;
      S[sb + 1u] = 1.0;
      S[sb + 2u] = 0.0;
      S[sb + 3u] = 0.0;
    }
    storageBarrier();
  }
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
  if ((P.flags & 4u) != 0u) {
    let singular = S[sb + 3u] != 0.0;
    for (var i = local; i < n * k; i = i + {{WG}}u) {
      if (singular) {
        X[xb + i] = f_nan();
      } else {
        let r = i / k;
        X[xb + i] = X[xb + i] / W[wb + r * n + r];
      }
    }
    storageBarrier();
    if (local == 0u) {
      if (singular) {
        S[sb] = 0.0;
        S[sb + 1u] = 0.0;
        S[sb + 2u] = f_neg(f_inf());
      } else {
        S[sb] = S[sb] * S[sb + 1u];
      }
    }
  }
}

//! kernel: cholesky
// Steps [k0, k1) of the column-by-column Cholesky factorisation A = L Lᵀ of matrix m (the
// workgroup's index), reading A's lower triangle (as the CPU kernel): invocation 0 takes column
// j's diagonal d = A[j, j] - Σ L[j, k]², then the invocations share the rows below it. flags: 1
// the first dispatch (zeroes L's upper triangle and info), 4 the last (fills L with NaN where a
// pivot was not positive, or NaN). INFO[m] is 0 or 1 + the first such column, as the CPU's info.
struct Params {
  batch: u32,
  n: u32,
  k0: u32,
  k1: u32,
  flags: u32,
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
  if ((P.flags & 1u) != 0u) {
    for (var i = local; i < n * n; i = i + {{WG}}u) {
      if (i % n > i / n) { L[b + i] = 0.0; }
    }
    if (local == 0u) { INFO[m] = 0.0; }
    storageBarrier();
  }
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
  if ((P.flags & 4u) != 0u) {
    if (INFO[m] != 0.0) {
      for (var i = local; i < n * n; i = i + {{WG}}u) {
        L[b + i] = f_nan();
      }
    }
  }
}
