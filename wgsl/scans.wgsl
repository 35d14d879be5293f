// cummax/cummin indices and logcumsumexp along the middle axis of [outer, len, inner] (the CPU's
// assembly/scans.ts, PyTorch's sequential CPU loop): one invocation per column (o, i) runs rows
// [start, end) of it, continuing from the row before `start` (its index, or its running value),
// so an axis longer than the loop budget is several dispatches in order.
//! include: math

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

//! kernel: cumExtremeIndices
// An element takes over when it is NaN, or when the running value is not NaN and the element is
// >= (is_max) or <= it. Templates: {{T}} (f32, i32), {{NAN_V}} / {{NAN_BEST}} (the NaN tests of
// the element and the running value: `false` for i32).
struct Params {
  columns: u32,
  len: u32,
  inner: u32,
  start: u32,
  end: u32,
  is_max: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> Y: array<i32>;

fn takes(v: {{T}}, best: {{T}}) -> bool {
  if ({{NAN_V}}) { return true; }
  if ({{NAN_BEST}}) { return false; }
  if (P.is_max != 0u) { return v >= best; }
  return v <= best;
}

@compute @workgroup_size(256)
fn cumExtremeIndices(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = flat_index(wg, groups, local);
  if (t >= P.columns) { return; }
  let o = t / P.inner;
  let base = o * P.len * P.inner + t % P.inner;
  var j = P.start;
  var prev = 0;
  if (j == 0u) {
    Y[base] = 0;
    j = 1u;
  } else {
    prev = Y[base + (j - 1u) * P.inner];
  }
  for (; j < P.end; j = j + 1u) {
    let at = base + j * P.inner;
    if (takes(X[at], X[base + u32(prev) * P.inner])) { prev = i32(j); }
    Y[at] = prev;
  }
}

//! kernel: logcumsumexp
// acc = log1p(exp(lo - hi)) + hi of the element and the running value (lo/hi their min/max, the
// running value's NaN kept; the element itself when both are the same infinity), float32.
struct Params {
  columns: u32,
  len: u32,
  inner: u32,
  start: u32,
  end: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;

fn log_add_exp(x: f32, acc: f32) -> f32 {
  if (is_nan(acc) || is_nan(x)) { return f_nan(); }
  let lo = min(x, acc);
  let hi = max(x, acc);
  if (is_inf(lo) && bitcast<u32>(lo) == bitcast<u32>(hi)) { return x; }
  return f_log1p(f_exp_nonpos(lo - hi)) + hi;
}

@compute @workgroup_size(256)
fn logcumsumexp(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = flat_index(wg, groups, local);
  if (t >= P.columns) { return; }
  let o = t / P.inner;
  let base = o * P.len * P.inner + t % P.inner;
  var acc = f_neg(f_inf());
  if (P.start > 0u) { acc = Y[base + (P.start - 1u) * P.inner]; }
  for (var j = P.start; j < P.end; j = j + 1u) {
    let at = base + j * P.inner;
    acc = log_add_exp(X[at], acc);
    Y[at] = acc;
  }
}
