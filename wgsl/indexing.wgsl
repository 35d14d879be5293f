// gather / index_select and their adjoint scatter-add along the middle axis of [outer, len, inner].
// Full mode: index is [outer, idx_len, inner]; 1-d mode (index_select): index has idx_len elements.
//
// Bad indices (outside [0, len)): the element gets 0 (gather) or is skipped (scatter-add), and,
// when the host could not validate the index on the CPU, the kernel records the error in the op's
// own slot of 4 words of E (b = P.slot * 4, zero when clear): E[b] = 1, E[b + 1] = ~position of
// the first bad index (atomicMax of the complement keeps the smallest); `error_value` then copies
// that element's bits to E[b + 3] (E[b + 2] = 1). The host makes every tensor computed from the
// op's result reject its reads with the CPU's RangeError (src/backends/webgpu/backend.ts).
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
  slot: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<u32>;
@group(0) @binding(2) var<storage, read> I: array<i32>;
@group(0) @binding(3) var<storage, read_write> Y: array<u32>;
{{DECL_E}}

@compute @workgroup_size(256)
fn gather(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
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

//! kernel: scatterAdd
// {{T}}: f32 (compare-exchange on atomic<u32>) or i32 (atomicAdd on atomic<i32>); {{ADD}} does it.
struct Params {
  n: u32,
  len: u32,
  inner: u32,
  idx_len: u32,
  is1d: u32,
  slot: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> S: array<{{T}}>;
@group(0) @binding(2) var<storage, read> I: array<i32>;
@group(0) @binding(3) var<storage, read_write> Y: array<atomic<{{AT}}>>;
{{DECL_E}}

@compute @workgroup_size(256)
fn scatterAdd(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
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

//! kernel: first_bad_index
// Validates every index (used when the output is empty but the index is not).
struct Params {
  n: u32,
  len: u32,
  slot: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read> I: array<i32>;
@group(0) @binding(5) var<storage, read_write> E: array<atomic<u32>>;

@compute @workgroup_size(256)
fn first_bad_index(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let pos = flat_index(wg, groups, local);
  if (pos >= P.n) { return; }
  if (u32(I[pos]) >= P.len) {
    atomicMax(&E[P.slot * 4u], 1u);
    atomicMax(&E[P.slot * 4u + 1u], 0xffffffffu - pos);
  }
}

//! kernel: rangeGuard
// Flags elements of X ({{T}}: f32, or i32 for the integer dtypes) outside [lo, hi] (NaN included)
// other than `allow` (when has_allow), in the slot as the index checks do.
struct Params {
  n: u32,
  slot: u32,
  lo: u32,
  hi: u32,
  allow: u32,
  has_allow: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read> X: array<{{T}}>;
@group(0) @binding(5) var<storage, read_write> E: array<atomic<u32>>;

@compute @workgroup_size(256)
fn rangeGuard(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let pos = flat_index(wg, groups, local);
  if (pos >= P.n) { return; }
  let v = X[pos];
  if (P.has_allow != 0u && v == bitcast<{{T}}>(P.allow)) { return; }
  // NaN fails both comparisons; {{NAN}} tests the bits, which fast-math compilers keep.
  if ({{NAN}} || !(v >= bitcast<{{T}}>(P.lo) && v <= bitcast<{{T}}>(P.hi))) {
    atomicMax(&E[P.slot * 4u], 1u);
    atomicMax(&E[P.slot * 4u + 1u], 0xffffffffu - pos);
  }
}

//! kernel: error_value
// Copies the bits of the first flagged element of I (any 32-bit dtype) into the slot.
struct Params {
  slot: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(2) var<storage, read> I: array<i32>;
@group(0) @binding(5) var<storage, read_write> E: array<atomic<u32>>;

@compute @workgroup_size(1)
fn error_value() {
  let b = P.slot * 4u;
  if (atomicLoad(&E[b]) != 0u && atomicLoad(&E[b + 2u]) == 0u) {
    let pos = 0xffffffffu - atomicLoad(&E[b + 1u]);
    atomicStore(&E[b + 3u], bitcast<u32>(I[pos]));
    atomicStore(&E[b + 2u], 1u);
  }
}

//! snippet: decl_e
@group(0) @binding(5) var<storage, read_write> E: array<atomic<u32>>;

//! snippet: report
atomicMax(&E[P.slot * 4u], 1u);
    atomicMax(&E[P.slot * 4u + 1u], 0xffffffffu - pos);
