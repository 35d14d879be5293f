// Softmax cross-entropy at int32 class indices (PyTorch's log_softmax + nll_loss), one kernel
// each way, with the CPU backend's formulas (wgsl/softmax.wgsl's log-softmax; the gradient
// exp(logp) - onehot, times the incoming gradient).
//! include: math

//! kernel: crossEntropy
// P.groups workgroups of {{WG}} invocations; invocation t of the grid takes rows t, t + stride,
// ... (stride: every invocation of the grid). For each row: its log-softmax into LP ({{LOGP}}: the
// row's three passes, as softmax_small, or nothing when LP holds it already), its loss
// -LP[row, target] (0 when the target is `ignore`), the row counted unless ignored. Each workgroup
// sums its rows' losses and counts (a tree in workgroup memory) into R[group] and
// R[groups + group]. A target outside [0, cols) other than `ignore` is reported ({{REPORT}}, the
// device check of wgsl/indexing.wgsl) and counts as ignored.
struct Params {
  rows: u32,
  cols: u32,
  ignore: i32,
  slot: u32,
  groups: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
{{DECL_X}}
@group(0) @binding(2) var<storage, read> T: array<i32>;
@group(0) @binding(3) var<storage, {{LP_ACCESS}}> LP: array<f32>;
@group(0) @binding(4) var<storage, read_write> L: array<f32>;
@group(0) @binding(6) var<storage, read_write> R: array<f32>;
{{DECL_E}}
var<workgroup> ST: array<f32, {{WG}}>;
var<workgroup> SC: array<f32, {{WG}}>;

@compute @workgroup_size({{WG}})
fn crossEntropy(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) local: u32) {
  let group = wg.x;
  let stride = P.groups * {{WG}}u;
  var total = 0.0;
  var count = 0.0;
  for (var r = group * {{WG}}u + local; r < P.rows; r = r + stride) {
    let base = r * P.cols;
    {{LOGP}}
    let t = T[r];
    var loss = 0.0;
    if (t != P.ignore) {
      if (t < 0 || u32(t) >= P.cols) {
        let pos = r;
        {{REPORT}}
      } else {
        loss = -LP[base + u32(t)];
        total = total + loss;
        count = count + 1.0;
      }
    }
    L[r] = loss;
  }
  ST[local] = total;
  SC[local] = count;
  workgroupBarrier();
  for (var s = {{WG}}u >> 1u; s > 0u; s = s >> 1u) {
    if (local < s) {
      ST[local] = ST[local] + ST[local + s];
      SC[local] = SC[local] + SC[local + s];
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    R[group] = ST[0];
    R[P.groups + group] = SC[0];
  }
}

//! kernel: crossEntropyBackward
// One invocation per element of the [rows, cols] gradient: (exp(logp) - (j == target)) * g,
// with g[row] (or g[0] when one value serves every row); 0 on rows whose target is `ignore`.
struct Params {
  n: u32,
  cols: u32,
  ignore: i32,
  g_len: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> LP: array<f32>;
@group(0) @binding(2) var<storage, read> T: array<i32>;
@group(0) @binding(3) var<storage, read> G: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn crossEntropyBackward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = (wg.y * groups.x + wg.x) * 256u + local;
  if (i >= P.n) { return; }
  let r = i / P.cols;
  let t = T[r];
  if (t == P.ignore) {
    Y[i] = 0.0;
    return;
  }
  var gi = r;
  if (P.g_len == 1u) { gi = 0u; }
  var e = f_exp_nonpos(LP[i]);
  if (i32(i % P.cols) == t) { e = e - 1.0; }
  Y[i] = e * G[gi];
}

//! snippet: decl_x
@group(0) @binding(1) var<storage, read> X: array<f32>;

//! snippet: logp_row
var m = f_neg(f_inf());
    for (var j = 0u; j < P.cols; j = j + 1u) {
      let v = X[base + j];
      if (v > m) { m = v; }
    }
    var sum = 0.0;
    for (var j = 0u; j < P.cols; j = j + 1u) {
      sum = sum + f_exp_nonpos(X[base + j] - m);
    }
    let ls = f_log(sum);
    for (var j = 0u; j < P.cols; j = j + 1u) {
      LP[base + j] = (X[base + j] - m) - ls;
    }
