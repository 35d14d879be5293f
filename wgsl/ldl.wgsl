// LDLᵀ (Bunch-Kaufman) of symmetric matrices and its solve, the GPU twins of assembly/ldl.ts
// (float32, LAPACK's sytf2 and sytrs with UPLO 'L'): `sytrf_init` copies the lower triangles,
// `sytrf_step` runs one column step per dispatch, one invocation per matrix (a matrix whose
// previous step took a 2x2 block skips the next column: NEXT holds the column it is at), and
// `sytrs` solves one right-hand side per invocation.
//! include: math

fn ldl_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

//! kernel: sytrf_init
// One invocation per element: W = the lower triangle of A; INFO and NEXT = 0.
struct Params {
  batch: u32,
  n: u32,
  unused0: u32,
  unused1: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read_write> W: array<f32>;
@group(0) @binding(4) var<storage, read_write> INFO: array<f32>;
@group(0) @binding(5) var<storage, read_write> NEXT: array<f32>;

@compute @workgroup_size(256)
fn sytrf_init(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = ldl_index(wg, groups, local);
  let n = P.n;
  if (i >= P.batch * n * n) { return; }
  let e = i % (n * n);
  W[i] = select(0.0, A[i], e % n <= e / n);
  if (e == 0u) {
    INFO[i / (n * n)] = 0.0;
    NEXT[i / (n * n)] = 0.0;
  }
}

//! kernel: sytrf_step
// One invocation per matrix: the step at column j (pivot choice, interchange, update), as
// assembly/ldl.ts's sytrf, unless the matrix is past j.
struct Params {
  batch: u32,
  n: u32,
  j: u32,
  unused: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read_write> W: array<f32>;
@group(0) @binding(3) var<storage, read_write> PIV: array<f32>;
@group(0) @binding(4) var<storage, read_write> INFO: array<f32>;
@group(0) @binding(5) var<storage, read_write> NEXT: array<f32>;

fn wswap(p: u32, q: u32) {
  let t = W[p];
  W[p] = W[q];
  W[q] = t;
}

@compute @workgroup_size(256)
fn sytrf_step(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let b = ldl_index(wg, groups, local);
  if (b >= P.batch) { return; }
  let n = P.n;
  let k = P.j;
  if (u32(NEXT[b]) != k) { return; }
  let o = b * n * n;
  let alpha = (1.0 + sqrt(17.0)) / 8.0;
  var kstep = 1u;
  var kp = k;
  let absakk = abs(W[o + k * n + k]);
  var imax = k;
  var colmax = 0.0;
  if (k + 1u < n) {
    imax = k + 1u;
    colmax = abs(W[o + (k + 1u) * n + k]);
    for (var i = k + 2u; i < n; i = i + 1u) {
      let v = abs(W[o + i * n + k]);
      if (v > colmax) {
        colmax = v;
        imax = i;
      }
    }
  }
  if (max(absakk, colmax) == 0.0 || is_nan(absakk)) {
    if (INFO[b] == 0.0) { INFO[b] = f32(k + 1u); }
  } else {
    if (absakk >= alpha * colmax) {
      kp = k;
    } else {
      var rowmax = abs(W[o + imax * n + k]);
      for (var j = k + 1u; j < imax; j = j + 1u) {
        let v = abs(W[o + imax * n + j]);
        if (v > rowmax) { rowmax = v; }
      }
      if (imax + 1u < n) {
        var cm = abs(W[o + (imax + 1u) * n + imax]);
        for (var i = imax + 2u; i < n; i = i + 1u) {
          let v = abs(W[o + i * n + imax]);
          if (v > cm) { cm = v; }
        }
        rowmax = max(rowmax, cm);
      }
      if (absakk >= alpha * colmax * (colmax / rowmax)) {
        kp = k;
      } else if (abs(W[o + imax * n + imax]) >= alpha * rowmax) {
        kp = imax;
      } else {
        kp = imax;
        kstep = 2u;
      }
    }
    let kk = k + kstep - 1u;
    if (kp != kk) {
      for (var i = kp + 1u; i < n; i = i + 1u) { wswap(o + i * n + kk, o + i * n + kp); }
      for (var j = kk + 1u; j < kp; j = j + 1u) { wswap(o + j * n + kk, o + kp * n + j); }
      wswap(o + kk * n + kk, o + kp * n + kp);
      if (kstep == 2u) { wswap(o + (k + 1u) * n + k, o + kp * n + k); }
    }
    if (kstep == 1u) {
      if (k + 1u < n) {
        let d11 = 1.0 / W[o + k * n + k];
        for (var j = k + 1u; j < n; j = j + 1u) {
          let xj = W[o + j * n + k];
          if (xj != 0.0) {
            let t = -d11 * xj;
            for (var i = j; i < n; i = i + 1u) {
              W[o + i * n + j] = W[o + i * n + j] + W[o + i * n + k] * t;
            }
          }
        }
        for (var i = k + 1u; i < n; i = i + 1u) { W[o + i * n + k] = W[o + i * n + k] * d11; }
      }
    } else if (k + 2u < n) {
      var d21 = W[o + (k + 1u) * n + k];
      let d11 = W[o + (k + 1u) * n + k + 1u] / d21;
      let d22 = W[o + k * n + k] / d21;
      let t = 1.0 / (d11 * d22 - 1.0);
      d21 = t / d21;
      for (var j = k + 2u; j < n; j = j + 1u) {
        let ajk = W[o + j * n + k];
        let ajk1 = W[o + j * n + k + 1u];
        let wk = d21 * (d11 * ajk - ajk1);
        let wkp1 = d21 * (d22 * ajk1 - ajk);
        for (var i = j; i < n; i = i + 1u) {
          W[o + i * n + j] = W[o + i * n + j] - W[o + i * n + k] * wk - W[o + i * n + k + 1u] * wkp1;
        }
        W[o + j * n + k] = wk;
        W[o + j * n + k + 1u] = wkp1;
      }
    }
  }
  if (kstep == 1u) {
    PIV[b * n + k] = f32(kp + 1u);
  } else {
    PIV[b * n + k] = -f32(kp + 1u);
    PIV[b * n + k + 1u] = -f32(kp + 1u);
  }
  NEXT[b] = f32(k + kstep);
}

//! kernel: sytrs
// One invocation per (matrix, right-hand side): X's column c from B's, as assembly/ldl.ts's sytrs.
struct Params {
  batch: u32,
  n: u32,
  k: u32,
  unused: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> LD: array<f32>;
@group(0) @binding(2) var<storage, read> PIV: array<f32>;
@group(0) @binding(3) var<storage, read> B: array<f32>;
@group(0) @binding(4) var<storage, read_write> X: array<f32>;

fn xswap(p: u32, q: u32) {
  let t = X[p];
  X[p] = X[q];
  X[q] = t;
}

@compute @workgroup_size(256)
fn sytrs(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t0 = ldl_index(wg, groups, local);
  let n = P.n;
  let kc = P.k;
  if (t0 >= P.batch * kc) { return; }
  let b = t0 / kc;
  let c = t0 % kc;
  let o = b * n * n;
  let x = b * n * kc + c;
  for (var i = 0u; i < n; i = i + 1u) { X[x + i * kc] = B[x + i * kc]; }
  var s = 0u;
  loop {
    if (s >= n) { break; }
    let p = i32(PIV[b * n + s]);
    if (p > 0) {
      let kp = u32(p - 1);
      if (kp != s) { xswap(x + s * kc, x + kp * kc); }
      for (var i = s + 1u; i < n; i = i + 1u) {
        X[x + i * kc] = X[x + i * kc] - LD[o + i * n + s] * X[x + s * kc];
      }
      X[x + s * kc] = X[x + s * kc] * (1.0 / LD[o + s * n + s]);
      s = s + 1u;
    } else {
      let kp = u32(-p - 1);
      if (kp != s + 1u) { xswap(x + (s + 1u) * kc, x + kp * kc); }
      for (var i = s + 2u; i < n; i = i + 1u) {
        X[x + i * kc] = X[x + i * kc] - LD[o + i * n + s] * X[x + s * kc];
      }
      for (var i = s + 2u; i < n; i = i + 1u) {
        X[x + i * kc] = X[x + i * kc] - LD[o + i * n + s + 1u] * X[x + (s + 1u) * kc];
      }
      let akm1k = LD[o + (s + 1u) * n + s];
      let akm1 = LD[o + s * n + s] / akm1k;
      let ak = LD[o + (s + 1u) * n + s + 1u] / akm1k;
      let denom = akm1 * ak - 1.0;
      let bkm1 = X[x + s * kc] / akm1k;
      let bk = X[x + (s + 1u) * kc] / akm1k;
      X[x + s * kc] = (ak * bkm1 - bk) / denom;
      X[x + (s + 1u) * kc] = (akm1 * bk - bkm1) / denom;
      s = s + 2u;
    }
  }
  var e = n;
  loop {
    if (e == 0u) { break; }
    let s2 = e - 1u;
    let p = i32(PIV[b * n + s2]);
    let cols = select(2u, 1u, p > 0);
    for (var t = 0u; t < cols; t = t + 1u) {
      let col = s2 - t;
      var acc = 0.0;
      for (var i = s2 + 1u; i < n; i = i + 1u) { acc = acc + X[x + i * kc] * LD[o + i * n + col]; }
      X[x + col * kc] = X[x + col * kc] - acc;
    }
    let kp = u32(abs(p) - 1);
    if (kp != s2) { xswap(x + s2 * kc, x + kp * kc); }
    e = e - cols;
  }
}
