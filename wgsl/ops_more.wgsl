// nanToNum and searchsorted (the CPU's assembly/ops_more.ts). atan2 and hypot are binary
// expressions of elementwise.wgsl (f_atan2, f_hypot in math.wgsl).
// One invocation per element; the grid is folded into two dimensions as elementwise.wgsl.
//! include: math

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

//! kernel: nanToNum
// NaN -> nan, +inf -> posinf, -inf -> neginf (float32 bits in the parameters); others unchanged.
struct Params {
  n: u32,
  nan_bits: u32,
  posinf_bits: u32,
  neginf_bits: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn nanToNum(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  let v = X[i];
  let bits = bitcast<u32>(v);
  var r = bits;
  if (is_nan(v)) {
    r = P.nan_bits;
  } else if (bits == 0x7f800000u) {
    r = P.posinf_bits;
  } else if (bits == 0xff800000u) {
    r = P.neginf_bits;
  }
  Y[i] = bitcast<f32>(r);
}

//! kernel: searchsorted
// Binary search of each value in its row of SEQ (`len` sorted elements; one row shared by all
// values when per_row is 0, else row i / per_row), optionally through the row's SORTER
// permutation ({{AT}}). Writes the first position whose element is >= v ({{GE}}; with `right`,
// > v, {{GT}}): PyTorch's comparisons, so NaN values go to the end. Templates: {{T}} (f32, i32).
struct Params {
  n: u32,
  len: u32,
  per_row: u32,
  right: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> SEQ: array<{{T}}>;
@group(0) @binding(2) var<storage, read> V: array<{{T}}>;
@group(0) @binding(3) var<storage, read_write> Y: array<i32>;
{{DECL_SORTER}}

fn ge(m: {{T}}, v: {{T}}) -> bool {
  return {{GE}};
}

fn gt(m: {{T}}, v: {{T}}) -> bool {
  return {{GT}};
}

@compute @workgroup_size(256)
fn searchsorted(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  var row = 0u;
  if (P.per_row > 0u) { row = i / P.per_row; }
  let base = row * P.len;
  let v = V[i];
  var lo = 0u;
  var hi = P.len;
  loop {
    if (lo >= hi) { break; }
    let mid = lo + ((hi - lo) >> 1u);
    let m = SEQ[base + {{AT}}];
    var go_right = !ge(m, v);
    if (P.right != 0u) { go_right = !gt(m, v); }
    if (go_right) { lo = mid + 1u; } else { hi = mid; }
  }
  Y[i] = i32(lo);
}

//! snippet: decl_sorter
@group(0) @binding(4) var<storage, read> SORTER: array<i32>;

//! snippet: at_sorted
u32(SORTER[base + mid])
