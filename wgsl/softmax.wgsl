// Softmax and log-softmax over the rows of [rows, cols] float32, numerically stable:
// m = max(row), e = exp(x - m), softmax = e * (1 / sum(e)), log-softmax = (x - m) - log(sum(e)),
// as the CPU backend (a NaN anywhere in a row makes the whole row NaN).
// `softmax`: one workgroup of {{WG}} invocations per row (tree reductions in workgroup memory; 256
// on GPUs, 32 on CPU-based adapters);
// `softmax_small`: one invocation per row, for short rows.
// Rows too long for one invocation's loop budget (see the host's LOOP_BUDGET) take three steps:
// the row maxima M (the chunked max reduction), `softmax_exp_sum` per (row, chunk) giving the partial sums
// of exp(x - M) (summed per row by the sum reduction into S), and `softmax_write`, one invocation per
// element; the same formulas, so a NaN still makes its whole row NaN.
//! include: math

//! kernel: softmax
struct Params {
  rows: u32,
  cols: u32,
  log: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
var<workgroup> S: array<f32, {{WG}}>;

@compute @workgroup_size({{WG}})
fn softmax(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let row = wg.y * groups.x + wg.x;
  if (row >= P.rows) { return; }
  let base = row * P.cols;
  var m = f_neg(f_inf());
  for (var j = local; j < P.cols; j = j + {{WG}}u) {
    let v = X[base + j];
    if (v > m) { m = v; }
  }
  S[local] = m;
  workgroupBarrier();
  for (var s = {{WG}}u >> 1u; s > 0u; s = s >> 1u) {
    if (local < s && S[local + s] > S[local]) {
      S[local] = S[local + s];
    }
    workgroupBarrier();
  }
  m = S[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var j = local; j < P.cols; j = j + {{WG}}u) {
    let e = f_exp_nonpos(X[base + j] - m);
    sum = sum + e;
  }
  S[local] = sum;
  workgroupBarrier();
  for (var s = {{WG}}u >> 1u; s > 0u; s = s >> 1u) {
    if (local < s) {
      S[local] = S[local] + S[local + s];
    }
    workgroupBarrier();
  }
  let total = S[0];
  if (P.log != 0u) {
    let ls = f_log(total);
    for (var j = local; j < P.cols; j = j + {{WG}}u) {
      Y[base + j] = (X[base + j] - m) - ls;
    }
  } else {
    let inv = 1.0 / total;
    for (var j = local; j < P.cols; j = j + {{WG}}u) {
      Y[base + j] = f_exp_nonpos(X[base + j] - m) * inv;
    }
  }
}

//! kernel: softmax_small
struct Params {
  rows: u32,
  cols: u32,
  log: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn softmax_small(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let row = (wg.y * groups.x + wg.x) * 256u + local;
  if (row >= P.rows) { return; }
  let base = row * P.cols;
  var m = f_neg(f_inf());
  for (var j = 0u; j < P.cols; j = j + 1u) {
    let v = X[base + j];
    if (v > m) { m = v; }
  }
  var sum = 0.0;
  for (var j = 0u; j < P.cols; j = j + 1u) {
    sum = sum + f_exp_nonpos(X[base + j] - m);
  }
  if (P.log != 0u) {
    let ls = f_log(sum);
    for (var j = 0u; j < P.cols; j = j + 1u) {
      Y[base + j] = (X[base + j] - m) - ls;
    }
  } else {
    let inv = 1.0 / sum;
    for (var j = 0u; j < P.cols; j = j + 1u) {
      Y[base + j] = f_exp_nonpos(X[base + j] - m) * inv;
    }
  }
}

//! kernel: softmax_exp_sum
struct Params {
  rows: u32,
  cols: u32,
  chunk: u32,
  n_chunks: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> M: array<f32>;
@group(0) @binding(3) var<storage, read_write> Y: array<f32>;
var<workgroup> S: array<f32, {{WG}}>;

@compute @workgroup_size({{WG}})
fn softmax_exp_sum(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let g = wg.y * groups.x + wg.x;
  if (g >= P.rows * P.n_chunks) { return; }
  let row = g / P.n_chunks;
  let start = (g % P.n_chunks) * P.chunk;
  let end = min(P.cols, start + P.chunk);
  let base = row * P.cols;
  let m = M[row];
  var sum = 0.0;
  for (var j = start + local; j < end; j = j + {{WG}}u) {
    sum = sum + f_exp_nonpos(X[base + j] - m);
  }
  S[local] = sum;
  workgroupBarrier();
  for (var s = {{WG}}u >> 1u; s > 0u; s = s >> 1u) {
    if (local < s) {
      S[local] = S[local] + S[local + s];
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    Y[g] = S[0];
  }
}

//! kernel: softmax_write
struct Params {
  n: u32,
  cols: u32,
  log: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> M: array<f32>;
@group(0) @binding(3) var<storage, read> S: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn softmax_write(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = (wg.y * groups.x + wg.x) * 256u + local;
  if (i >= P.n) { return; }
  let row = i / P.cols;
  let m = M[row];
  if (P.log != 0u) {
    Y[i] = (X[i] - m) - f_log(S[row]);
  } else {
    Y[i] = f_exp_nonpos(X[i] - m) * (1.0 / S[row]);
  }
}
