// Reductions over the middle axis of [outer, len, inner], and cumsum.
//
// A pass reduces chunks of `chunk` elements of the reduced axis, giving [outer, n_chunks, inner]
// partials; the host repeats passes until one chunk is left (sums of long rows are so summed in
// blocks, as the CPU backend does). `reduce_rows` (inner == 1): one workgroup of {{WG}} invocations per
// (row, chunk), each accumulating a strided part, then a tree reduction in workgroup memory
// ({{WG}} is 256 on GPUs; 32 on CPU-based adapters, where each barrier level is expensive).
// `reduce_cols` (inner > 1, or short rows): one invocation per (outer, chunk, inner) output, looping over
// its chunk (neighbouring invocations read neighbouring addresses).
// Templates: {{T}} the element type, {{IDENT}} the identity, {{COMBINE}} an expression in `a`,
// `b`; the arg kernels use {{BEATS}}, an expression in `v`, `b` true when v strictly beats b (NaN
// beats numbers), and keep the smaller index on ties: the first index, as the CPU.
//! include: math

fn wg_index(wg: vec3<u32>, groups: vec3<u32>) -> u32 {
  return wg.y * groups.x + wg.x;
}

//! kernel: reduce_rows
struct Params {
  outer: u32,
  len: u32,
  chunk: u32,
  n_chunks: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> Y: array<{{T}}>;
var<workgroup> S: array<{{T}}, {{WG}}>;

fn combine(a: {{T}}, b: {{T}}) -> {{T}} {
  return {{COMBINE}};
}

@compute @workgroup_size({{WG}})
fn reduce_rows(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let g = wg_index(wg, groups);
  if (g >= P.outer * P.n_chunks) { return; }
  let o = g / P.n_chunks;
  let c = g % P.n_chunks;
  let start = c * P.chunk;
  let end = min(P.len, start + P.chunk);
  let base = o * P.len;
  var acc: {{T}} = {{IDENT}};
  for (var j = start + local; j < end; j = j + {{WG}}u) {
    acc = combine(acc, X[base + j]);
  }
  S[local] = acc;
  workgroupBarrier();
  for (var s = {{WG}}u >> 1u; s > 0u; s = s >> 1u) {
    if (local < s) {
      S[local] = combine(S[local], S[local + s]);
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    Y[g] = S[0];
  }
}

//! kernel: reduce_cols
struct Params {
  outer: u32,
  len: u32,
  chunk: u32,
  n_chunks: u32,
  inner: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> Y: array<{{T}}>;

fn combine(a: {{T}}, b: {{T}}) -> {{T}} {
  return {{COMBINE}};
}

@compute @workgroup_size(256)
fn reduce_cols(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = wg_index(wg, groups) * 256u + local;
  let per_outer = P.n_chunks * P.inner;
  if (t >= P.outer * per_outer) { return; }
  let o = t / per_outer;
  let rem = t % per_outer;
  let c = rem / P.inner;
  let i = rem % P.inner;
  let start = c * P.chunk;
  let end = min(P.len, start + P.chunk);
  var acc: {{T}} = {{IDENT}};
  var p = (o * P.len + start) * P.inner + i;
  for (var j = start; j < end; j = j + 1u) {
    acc = combine(acc, X[p]);
    p = p + P.inner;
  }
  Y[t] = acc;
}

//! kernel: argreduce_rows
// {{LOAD_IDX}}: position `j` on the first pass, XI[p] on later passes ({{DECL_XI}}), where p
// is the element's address.
struct Params {
  outer: u32,
  len: u32,
  chunk: u32,
  n_chunks: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
{{DECL_XI}}
@group(0) @binding(3) var<storage, read_write> YV: array<{{T}}>;
@group(0) @binding(4) var<storage, read_write> YI: array<i32>;
var<workgroup> SV: array<{{T}}, {{WG}}>;
var<workgroup> SI: array<i32, {{WG}}>;

fn beats(v: {{T}}, b: {{T}}) -> bool {
  return {{BEATS}};
}

fn load_idx(p: u32, j: u32) -> i32 {
  {{LOAD_IDX}}
}

/** True when (v, i) should replace (bv, bi). */
fn better(v: {{T}}, i: i32, bv: {{T}}, bi: i32) -> bool {
  if (beats(v, bv)) { return true; }
  if (beats(bv, v)) { return false; }
  return i < bi;
}

@compute @workgroup_size({{WG}})
fn argreduce_rows(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let g = wg_index(wg, groups);
  if (g >= P.outer * P.n_chunks) { return; }
  let o = g / P.n_chunks;
  let c = g % P.n_chunks;
  let start = c * P.chunk;
  let end = min(P.len, start + P.chunk);
  let base = o * P.len;
  var bv: {{T}} = {{IDENT}};
  var bi: i32 = 0x7fffffff;
  for (var j = start + local; j < end; j = j + {{WG}}u) {
    let v = X[base + j];
    let i = load_idx(base + j, j);
    if (better(v, i, bv, bi)) {
      bv = v;
      bi = i;
    }
  }
  SV[local] = bv;
  SI[local] = bi;
  workgroupBarrier();
  for (var s = {{WG}}u >> 1u; s > 0u; s = s >> 1u) {
    if (local < s) {
      if (better(SV[local + s], SI[local + s], SV[local], SI[local])) {
        SV[local] = SV[local + s];
        SI[local] = SI[local + s];
      }
    }
    workgroupBarrier();
  }
  if (local == 0u) {
    YV[g] = SV[0];
    YI[g] = SI[0];
  }
}

//! kernel: argreduce_cols
struct Params {
  outer: u32,
  len: u32,
  chunk: u32,
  n_chunks: u32,
  inner: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
{{DECL_XI}}
@group(0) @binding(3) var<storage, read_write> YV: array<{{T}}>;
@group(0) @binding(4) var<storage, read_write> YI: array<i32>;

fn beats(v: {{T}}, b: {{T}}) -> bool {
  return {{BEATS}};
}

fn load_idx(p: u32, j: u32) -> i32 {
  {{LOAD_IDX}}
}

@compute @workgroup_size(256)
fn argreduce_cols(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = wg_index(wg, groups) * 256u + local;
  let per_outer = P.n_chunks * P.inner;
  if (t >= P.outer * per_outer) { return; }
  let o = t / per_outer;
  let rem = t % per_outer;
  let c = rem / P.inner;
  let i0 = rem % P.inner;
  let start = c * P.chunk;
  let end = min(P.len, start + P.chunk);
  var p = (o * P.len + start) * P.inner + i0;
  // Elements come in increasing position: the first strict winner is kept.
  var bv = X[p];
  var bi: i32 = load_idx(p, start);
  for (var j = start + 1u; j < end; j = j + 1u) {
    p = p + P.inner;
    let v = X[p];
    if (beats(v, bv)) {
      bv = v;
      bi = load_idx(p, j);
    }
  }
  YV[t] = bv;
  YI[t] = bi;
}

//! kernel: cumsum
// Inclusive prefix sums of chunks of the middle axis: one invocation per (outer, chunk, inner)
// column, Kahan-compensated for float32 (the CPU accumulates in float64). With several chunks,
// each chunk's total goes to the partials ({{DECL_TOTALS}}, {{STORE_TOTAL}}); the host scans them
// and `cumsum_carry` adds each chunk's carry.
struct Params {
  outer: u32,
  len: u32,
  chunk: u32,
  n_chunks: u32,
  inner: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> Y: array<{{T}}>;
{{DECL_TOTALS}}

@compute @workgroup_size(256)
fn cumsum(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = wg_index(wg, groups) * 256u + local;
  let per_outer = P.n_chunks * P.inner;
  if (t >= P.outer * per_outer) { return; }
  let o = t / per_outer;
  let rem = t % per_outer;
  let c = rem / P.inner;
  let i = rem % P.inner;
  let start = c * P.chunk;
  let end = min(P.len, start + P.chunk);
  var acc: {{T}} = {{T}}(0);
  var comp: {{T}} = {{T}}(0);
  var p = (o * P.len + start) * P.inner + i;
  for (var j = start; j < end; j = j + 1u) {
    let y = X[p] - comp;
    let s = acc + y;
    comp = (s - acc) - y;
    acc = s;
    Y[p] = acc;
    p = p + P.inner;
  }
  {{STORE_TOTAL}}
}

//! kernel: cumsum_carry
struct Params {
  outer: u32,
  len: u32,
  chunk: u32,
  n_chunks: u32,
  inner: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> C: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> Y: array<{{T}}>;

@compute @workgroup_size(256)
fn cumsum_carry(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = wg_index(wg, groups) * 256u + local;
  if (t >= P.outer * P.len * P.inner) { return; }
  let i = t % P.inner;
  let r = t / P.inner;
  let j = r % P.len;
  let o = r / P.len;
  let c = j / P.chunk;
  if (c == 0u) { return; }
  Y[t] = Y[t] + C[(o * P.n_chunks + c - 1u) * P.inner + i];
}

//! kernel: cumprod
// `cumsum` for products (cumprod): inclusive prefix products of chunks of the middle axis, each
// chunk's total to the partials when there are several; `cumprod_carry` multiplies in the carries.
struct Params {
  outer: u32,
  len: u32,
  chunk: u32,
  n_chunks: u32,
  inner: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> Y: array<{{T}}>;
{{DECL_TOTALS}}

@compute @workgroup_size(256)
fn cumprod(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = wg_index(wg, groups) * 256u + local;
  let per_outer = P.n_chunks * P.inner;
  if (t >= P.outer * per_outer) { return; }
  let o = t / per_outer;
  let rem = t % per_outer;
  let c = rem / P.inner;
  let i = rem % P.inner;
  let start = c * P.chunk;
  let end = min(P.len, start + P.chunk);
  var acc: {{T}} = {{T}}(1);
  var p = (o * P.len + start) * P.inner + i;
  for (var j = start; j < end; j = j + 1u) {
    acc = acc * X[p];
    Y[p] = acc;
    p = p + P.inner;
  }
  {{STORE_TOTAL}}
}

//! kernel: cumprod_carry
struct Params {
  outer: u32,
  len: u32,
  chunk: u32,
  n_chunks: u32,
  inner: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> C: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> Y: array<{{T}}>;

@compute @workgroup_size(256)
fn cumprod_carry(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = wg_index(wg, groups) * 256u + local;
  if (t >= P.outer * P.len * P.inner) { return; }
  let i = t % P.inner;
  let r = t / P.inner;
  let j = r % P.len;
  let o = r / P.len;
  let c = j / P.chunk;
  if (c == 0u) { return; }
  Y[t] = Y[t] * C[(o * P.n_chunks + c - 1u) * P.inner + i];
}

//! snippet: decl_xi
@group(0) @binding(2) var<storage, read> XI: array<i32>;

//! snippet: load_idx_xi
return XI[p];

//! snippet: load_idx_j
return i32(j);

//! snippet: decl_totals
@group(0) @binding(3) var<storage, read_write> TOT: array<{{T}}>;

//! snippet: store_total
TOT[t] = acc;
