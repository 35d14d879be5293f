// Matrix decompositions for torch.linalg, the GPU twins of assembly/decomp.ts (float32):
// Householder QR one column per dispatch (`geqrf_house` makes column j's reflector, one invocation
// per matrix; `geqrf_apply` applies it, one invocation per matrix and column), Q from the
// reflectors one per dispatch (`orgqr_apply`), and the Jacobi rotations of eigh and svd, one
// invocation per matrix running a range of one sweep's rotations (the host splits a sweep over
// dispatches within the loop budget and runs a fixed number of sweeps: the GPU cannot stop early
// without a read-back, so converged matrices skip their remaining rotations), and LU with partial
// pivoting one column per dispatch (`getrf_pivot`, then `getrf_update`).
//! include: math

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

// The pair (p, q), p < q, of rotation r in the cyclic row order of an n×n matrix.
fn pair_of(r: u32, n: u32) -> vec2<u32> {
  var p = 0u;
  var before = 0u;
  loop {
    let row = n - 1u - p;
    if (r < before + row) { break; }
    before = before + row;
    p = p + 1u;
  }
  return vec2<u32>(p, p + 1u + (r - before));
}

//! kernel: decomp_init
// One invocation per element: W = A (`len` elements per matrix), then V = the identity
// (`rows`×`cols` per matrix).
struct Params {
  batch: u32,
  len: u32,
  rows: u32,
  cols: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read_write> W: array<f32>;
@group(0) @binding(3) var<storage, read_write> V: array<f32>;

@compute @workgroup_size(256)
fn decomp_init(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  let ww = P.batch * P.len;
  if (i < ww) {
    W[i] = A[i];
  } else if (i < ww + P.batch * P.rows * P.cols) {
    let e = (i - ww) % (P.rows * P.cols);
    V[i - ww] = select(0.0, 1.0, e / P.cols == e % P.cols);
  }
}

//! kernel: orgqr_init
// One invocation per element of Q (m×cols per matrix): the identity's first columns.
struct Params {
  batch: u32,
  rows: u32,
  cols: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(3) var<storage, read_write> Q: array<f32>;

@compute @workgroup_size(256)
fn orgqr_init(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i < P.batch * P.rows * P.cols) {
    let e = i % (P.rows * P.cols);
    Q[i] = select(0.0, 1.0, e / P.cols == e % P.cols);
  }
}

//! kernel: geqrf_house
// One invocation per matrix: the reflector of column j (LAPACK's larfg: beta = -sign(alpha)·norm,
// tau = (beta - alpha) / beta, v = x / (alpha - beta), tau = 0 when x is zero).
struct Params {
  batch: u32,
  m: u32,
  n: u32,
  j: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read_write> H: array<f32>;
@group(0) @binding(3) var<storage, read_write> TAU: array<f32>;

@compute @workgroup_size(256)
fn geqrf_house(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let b = flat_index(wg, groups, local);
  if (b >= P.batch) { return; }
  let m = P.m;
  let n = P.n;
  let j = P.j;
  let base = b * m * n;
  let k = min(m, n);
  let alpha = H[base + j * n + j];
  var ss = 0.0;
  for (var i = j + 1u; i < m; i = i + 1u) {
    let v = H[base + i * n + j];
    ss = ss + v * v;
  }
  if (ss == 0.0) {
    TAU[b * k + j] = 0.0;
    return;
  }
  let nrm = sqrt(alpha * alpha + ss);
  let beta = select(nrm, -nrm, alpha >= 0.0);
  let scale = 1.0 / (alpha - beta);
  for (var i = j + 1u; i < m; i = i + 1u) {
    H[base + i * n + j] = H[base + i * n + j] * scale;
  }
  H[base + j * n + j] = beta;
  TAU[b * k + j] = (beta - alpha) / beta;
}

//! kernel: geqrf_apply
// One invocation per (matrix, column c > j): column c = H_j column c, H_j = I - tau v vᵀ.
struct Params {
  batch: u32,
  m: u32,
  n: u32,
  j: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read_write> H: array<f32>;
@group(0) @binding(3) var<storage, read_write> TAU: array<f32>;

@compute @workgroup_size(256)
fn geqrf_apply(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i0 = flat_index(wg, groups, local);
  let m = P.m;
  let n = P.n;
  let j = P.j;
  let width = n - j - 1u;
  if (i0 >= P.batch * width) { return; }
  let b = i0 / width;
  let c = j + 1u + i0 % width;
  let base = b * m * n;
  let t = TAU[b * min(m, n) + j];
  if (t == 0.0) { return; }
  var w = H[base + j * n + c];
  for (var i = j + 1u; i < m; i = i + 1u) {
    w = w + H[base + i * n + j] * H[base + i * n + c];
  }
  w = w * t;
  H[base + j * n + c] = H[base + j * n + c] - w;
  for (var i = j + 1u; i < m; i = i + 1u) {
    H[base + i * n + c] = H[base + i * n + c] - w * H[base + i * n + j];
  }
}

//! kernel: orgqr_apply
// One invocation per (matrix, column c >= j of Q): Q column c = H_j Q column c (reflectors applied
// from the last to the first, as LAPACK's orgqr).
struct Params {
  batch: u32,
  m: u32,
  n: u32,
  cols: u32,
  j: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> H: array<f32>;
@group(0) @binding(2) var<storage, read> TAU: array<f32>;
@group(0) @binding(3) var<storage, read_write> Q: array<f32>;

@compute @workgroup_size(256)
fn orgqr_apply(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i0 = flat_index(wg, groups, local);
  let m = P.m;
  let n = P.n;
  let j = P.j;
  let cols = P.cols;
  let width = cols - j;
  if (i0 >= P.batch * width) { return; }
  let b = i0 / width;
  let c = j + i0 % width;
  let t = TAU[b * min(m, n) + j];
  if (t == 0.0) { return; }
  let hb = b * m * n;
  let qb = b * m * cols;
  var w = Q[qb + j * cols + c];
  for (var i = j + 1u; i < m; i = i + 1u) {
    w = w + H[hb + i * n + j] * Q[qb + i * cols + c];
  }
  w = w * t;
  Q[qb + j * cols + c] = Q[qb + j * cols + c] - w;
  for (var i = j + 1u; i < m; i = i + 1u) {
    Q[qb + i * cols + c] = Q[qb + i * cols + c] - w * H[hb + i * n + j];
  }
}

//! kernel: eighJacobi
// One invocation per matrix: rotations [r0, r1) of a cyclic Jacobi sweep of the symmetric W
// (n×n), accumulated into V's columns, as assembly/decomp.ts's eighJacobi.
struct Params {
  batch: u32,
  n: u32,
  r0: u32,
  r1: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read_write> W: array<f32>;
@group(0) @binding(3) var<storage, read_write> V: array<f32>;

@compute @workgroup_size(256)
fn eighJacobi(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let b = flat_index(wg, groups, local);
  if (b >= P.batch) { return; }
  let n = P.n;
  let base = b * n * n;
  let first = pair_of(P.r0, n);
  var p = first.x;
  var q = first.y;
  for (var r = P.r0; r < P.r1; r = r + 1u) {
    let apq = W[base + p * n + q];
    let app = W[base + p * n + p];
    let aqq = W[base + q * n + q];
    if (apq != 0.0) {
      if (abs(apq) <= 5.9604645e-8 * sqrt(abs(app) * abs(aqq))) {
        W[base + p * n + q] = 0.0;
        W[base + q * n + p] = 0.0;
      } else {
        let theta = (aqq - app) / (2.0 * apq);
        let t = select(-1.0, 1.0, theta >= 0.0) / (abs(theta) + sqrt(theta * theta + 1.0));
        let c = 1.0 / sqrt(t * t + 1.0);
        let s = t * c;
        for (var i = 0u; i < n; i = i + 1u) {
          let x = W[base + i * n + p];
          let y = W[base + i * n + q];
          W[base + i * n + p] = c * x - s * y;
          W[base + i * n + q] = s * x + c * y;
        }
        for (var i = 0u; i < n; i = i + 1u) {
          let x = W[base + p * n + i];
          let y = W[base + q * n + i];
          W[base + p * n + i] = c * x - s * y;
          W[base + q * n + i] = s * x + c * y;
          let vx = V[base + i * n + p];
          let vy = V[base + i * n + q];
          V[base + i * n + p] = c * vx - s * vy;
          V[base + i * n + q] = s * vx + c * vy;
        }
        W[base + p * n + q] = 0.0;
        W[base + q * n + p] = 0.0;
      }
    }
    q = q + 1u;
    if (q == n) {
      p = p + 1u;
      q = p + 1u;
    }
  }
}

//! kernel: svdJacobi
// One invocation per matrix: rotations [r0, r1) of a one-sided Jacobi sweep on the columns of B
// (m×n, m >= n), accumulated into V (n×n), as assembly/decomp.ts's svdJacobi.
struct Params {
  batch: u32,
  m: u32,
  n: u32,
  r0: u32,
  r1: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read_write> B: array<f32>;
@group(0) @binding(3) var<storage, read_write> V: array<f32>;

@compute @workgroup_size(256)
fn svdJacobi(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let b = flat_index(wg, groups, local);
  if (b >= P.batch) { return; }
  let m = P.m;
  let n = P.n;
  let bb = b * m * n;
  let vb = b * n * n;
  let first = pair_of(P.r0, n);
  var p = first.x;
  var q = first.y;
  for (var r = P.r0; r < P.r1; r = r + 1u) {
    var al = 0.0;
    var be = 0.0;
    var ga = 0.0;
    for (var i = 0u; i < m; i = i + 1u) {
      let x = B[bb + i * n + p];
      let y = B[bb + i * n + q];
      al = al + x * x;
      be = be + y * y;
      ga = ga + x * y;
    }
    if (ga != 0.0 && abs(ga) > 1.1920929e-7 * sqrt(al * be)) {
      let zeta = (be - al) / (2.0 * ga);
      let t = select(-1.0, 1.0, zeta >= 0.0) / (abs(zeta) + sqrt(zeta * zeta + 1.0));
      let c = 1.0 / sqrt(t * t + 1.0);
      let s = t * c;
      for (var i = 0u; i < m; i = i + 1u) {
        let x = B[bb + i * n + p];
        let y = B[bb + i * n + q];
        B[bb + i * n + p] = c * x - s * y;
        B[bb + i * n + q] = s * x + c * y;
      }
      for (var i = 0u; i < n; i = i + 1u) {
        let x = V[vb + i * n + p];
        let y = V[vb + i * n + q];
        V[vb + i * n + p] = c * x - s * y;
        V[vb + i * n + q] = s * x + c * y;
      }
    }
    q = q + 1u;
    if (q == n) {
      p = p + 1u;
      q = p + 1u;
    }
  }
}

//! kernel: getrf_pivot
// One invocation per matrix, step j of LU with partial pivoting (as assembly/decomp.ts's getrf):
// the pivot row (1-based into PIV), the row swap, the multipliers of column j and INFO.
struct Params {
  batch: u32,
  m: u32,
  n: u32,
  j: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read_write> W: array<f32>;
@group(0) @binding(3) var<storage, read_write> PIV: array<f32>;
@group(0) @binding(4) var<storage, read_write> INFO: array<f32>;

@compute @workgroup_size(256)
fn getrf_pivot(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let b = flat_index(wg, groups, local);
  if (b >= P.batch) { return; }
  let m = P.m;
  let n = P.n;
  let j = P.j;
  let base = b * m * n;
  if (j == 0u) { INFO[b] = 0.0; }
  var p = j;
  var best = abs(W[base + j * n + j]);
  for (var i = j + 1u; i < m; i = i + 1u) {
    let v = abs(W[base + i * n + j]);
    if (v > best || (is_nan(v) && !is_nan(best))) {
      best = v;
      p = i;
    }
  }
  PIV[b * min(m, n) + j] = f32(p + 1u);
  if (p != j) {
    for (var c = 0u; c < n; c = c + 1u) {
      let t = W[base + j * n + c];
      W[base + j * n + c] = W[base + p * n + c];
      W[base + p * n + c] = t;
    }
  }
  let d = W[base + j * n + j];
  if (d == 0.0) {
    if (INFO[b] == 0.0) { INFO[b] = f32(j + 1u); }
    return;
  }
  for (var i = j + 1u; i < m; i = i + 1u) {
    W[base + i * n + j] = W[base + i * n + j] / d;
  }
}

//! kernel: getrf_update
// One invocation per (matrix, column c > j): the trailing update of step j, column c.
struct Params {
  batch: u32,
  m: u32,
  n: u32,
  j: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read_write> W: array<f32>;

@compute @workgroup_size(256)
fn getrf_update(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i0 = flat_index(wg, groups, local);
  let m = P.m;
  let n = P.n;
  let j = P.j;
  let width = n - j - 1u;
  if (i0 >= P.batch * width) { return; }
  let b = i0 / width;
  let c = j + 1u + i0 % width;
  let base = b * m * n;
  if (W[base + j * n + j] == 0.0) { return; }
  let u = W[base + j * n + c];
  for (var i = j + 1u; i < m; i = i + 1u) {
    W[base + i * n + c] = W[base + i * n + c] - W[base + i * n + j] * u;
  }
}
