// gather / index_select and their adjoint scatter-add along the middle axis of [outer, len, inner].
// Full mode: index is [outer, idx_len, inner]; 1-d mode (index_select): index has idx_len elements.
//
// Bad indices (outside [0, len)): the element gets 0 (gather) or is skipped (scatter-add), and,
// when the host could not validate the index on the CPU, the kernel records the error in E
// (4 words, zero when clear): E[0] = ~seq of the first failing op since the host last looked
// (atomicMax of the complement keeps the smallest sequence number), E[1] = ~position of its first
// bad index; `error_value` then copies that index's value to E[3] (E[2] = 1). The host reports it
// as the CPU's RangeError at the next read.
// scatter-add of float32 adds with a compare-exchange loop on the bits (WGSL has no float atomics);
// the order of the additions, and so the last bits of the sums, may vary from run to run.

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

//! kernel: gather
struct Params {
  n: u32,
  len: u32,
  inner: u32,
  idx_len: u32,
  is1d: u32,
  seq: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read> I: array<i32>;
@group(0) @binding(3) var<storage, read_write> Y: array<u32>;
{{DECL_E}}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = flat_index(wg, groups, local);
  if (t >= P.n) { return; }
  let i = t % P.inner;
  let r = t / P.inner;
  let j = r % P.idx_len;
  let o = r / P.idx_len;
  var pos = t;
  if (P.is1d != 0u) { pos = j; }
  let idx = u32(I[pos]);
  if (idx >= P.len) {
    {{REPORT}}
    Y[t] = 0u;
    return;
  }
  Y[t] = X[(o * P.len + idx) * P.inner + i];
}

//! kernel: scatter_add
// {{T}}: f32 (compare-exchange on atomic<u32>) or i32 (atomicAdd on atomic<i32>); {{ADD}} does it.
struct Params {
  n: u32,
  len: u32,
  inner: u32,
  idx_len: u32,
  is1d: u32,
  seq: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> S: array<{{T}}>;
@group(0) @binding(2) var<storage, read> I: array<i32>;
@group(0) @binding(3) var<storage, read_write> Y: array<atomic<{{AT}}>>;
{{DECL_E}}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = flat_index(wg, groups, local);
  if (t >= P.n) { return; }
  let i = t % P.inner;
  let r = t / P.inner;
  let j = r % P.idx_len;
  let o = r / P.idx_len;
  var pos = t;
  if (P.is1d != 0u) { pos = j; }
  let idx = u32(I[pos]);
  if (idx >= P.len) {
    {{REPORT}}
    return;
  }
  let d = (o * P.len + idx) * P.inner + i;
  let v = S[t];
  {{ADD}}
}

//! kernel: check_index
// Validates every index (used when the output is empty but the index is not).
struct Params {
  n: u32,
  len: u32,
  seq: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read> I: array<i32>;
@group(0) @binding(5) var<storage, read_write> E: array<atomic<u32>>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let pos = flat_index(wg, groups, local);
  if (pos >= P.n) { return; }
  if (u32(I[pos]) >= P.len) {
    let inv = 0xffffffffu - P.seq;
    let prev = atomicMax(&E[0], inv);
    if (prev <= inv) { atomicMax(&E[1], 0xffffffffu - pos); }
  }
}

//! kernel: error_value
struct Params {
  seq: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read> I: array<i32>;
@group(0) @binding(5) var<storage, read_write> E: array<atomic<u32>>;

@compute @workgroup_size(1)
fn main() {
  if (atomicLoad(&E[0]) == 0xffffffffu - P.seq && atomicLoad(&E[2]) == 0u) {
    let pos = 0xffffffffu - atomicLoad(&E[1]);
    atomicStore(&E[3], bitcast<u32>(I[pos]));
    atomicStore(&E[2], 1u);
  }
}
