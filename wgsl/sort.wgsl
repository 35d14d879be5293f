// argsort of contiguous rows by a bitonic sorting network over rows padded to a power of two P.
// `argsort_keys` turns each element into the key assembly/sort.ts sorts (order-preserving value bits, then
// the index: NaN last, -0 as 0, descending by complementing the value bits), padding with keys
// that sort after every element; one `argsort_step` dispatch per (k, j) stage of the network compares
// and swaps pairs (ties broken by index, so the result is the stable order, identical to the CPU's);
// `argsort_emit` writes the first `len` indices of each row as i32.
// One invocation per padded element; the grid is folded into two dimensions as elementwise.wgsl.
// Templates: {{T}} the element type (f32 or i32), {{KEY}} its key function (value_key, value_key_i).
//! include: math

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

//! kernel: argsort_keys
struct Params {
  rows: u32,
  len: u32,
  padded: u32,
  descending: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> KEY: array<u32>;
@group(0) @binding(3) var<storage, read_write> IDX: array<u32>;

fn value_key(v: f32) -> u32 {
  if (is_nan(v)) { return 0xffffffffu; }
  let bits = select(bitcast<u32>(v), 0u, v == 0.0);
  return select(bits | 0x80000000u, ~bits, (bits & 0x80000000u) != 0u);
}

fn value_key_i(v: i32) -> u32 {
  return bitcast<u32>(v) ^ 0x80000000u;
}

@compute @workgroup_size(256)
fn argsort_keys(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.rows * P.padded) { return; }
  let row = i / P.padded;
  let j = i - row * P.padded;
  IDX[i] = j;
  if (j >= P.len) {
    KEY[i] = 0xffffffffu;
    return;
  }
  let key = {{KEY}}(X[row * P.len + j]);
  KEY[i] = select(key, ~key, P.descending != 0u);
}

//! kernel: argsort_step
struct Params {
  rows: u32,
  padded: u32,
  k: u32,
  j: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> KEY: array<u32>;
@group(0) @binding(2) var<storage, read_write> IDX: array<u32>;

@compute @workgroup_size(256)
fn argsort_step(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.rows * P.padded) { return; }
  let row = i / P.padded;
  let a = i - row * P.padded;
  let b = a ^ P.j;
  if (b <= a) { return; }
  let ia = row * P.padded + a;
  let ib = row * P.padded + b;
  let ka = KEY[ia];
  let kb = KEY[ib];
  let xa = IDX[ia];
  let xb = IDX[ib];
  let a_after_b = ka > kb || (ka == kb && xa > xb);
  // Blocks of size k alternate direction; the last stage (k == padded) is all ascending.
  let ascending = (a & P.k) == 0u;
  if (a_after_b == ascending) {
    KEY[ia] = kb;
    KEY[ib] = ka;
    IDX[ia] = xb;
    IDX[ib] = xa;
  }
}

//! kernel: argsort_emit
struct Params {
  rows: u32,
  len: u32,
  padded: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> IDX: array<u32>;
@group(0) @binding(2) var<storage, read_write> Y: array<i32>;

@compute @workgroup_size(256)
fn argsort_emit(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.rows * P.len) { return; }
  let row = i / P.len;
  let j = i - row * P.len;
  Y[i] = i32(IDX[row * P.padded + j]);
}
