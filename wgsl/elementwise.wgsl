// Elementwise kernels: unary, binary (full / tiled / scalar operands), where, fill.
// One invocation per element; the grid is folded into two dimensions when it has more than
// 65,535 workgroups (index = (workgroup.y * groups.x + workgroup.x) * 256 + local).
// Templates: {{T}} the compute type (f32 or i32), {{EXPR}} an expression of the library's tables
// (src/backends/webgpu/pipelines.ts) in `x` or `a`, `b`.
//! include: math
//! include: elementwise_math

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

//! kernel: unary
struct Params {
  n: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<{{T}}>;
@group(0) @binding(2) var<storage, read_write> Y: array<{{T}}>;

fn op(x: {{T}}) -> {{T}} {
  return {{EXPR}};
}

@compute @workgroup_size(256)
fn unary(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  Y[i] = op(X[i]);
}

//! kernel: binary
// Operand modes ({{LOAD_A}}, {{LOAD_B}}): "A[i]" (full), "A[i % P.a_len]" (tiled) or
// "bitcast<T>(P.a_bits)" (a JS number); unused bindings are left out of the template.
struct Params {
  n: u32,
  a_len: u32,
  b_len: u32,
  a_bits: u32,
  b_bits: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
{{DECL_A}}
{{DECL_B}}
@group(0) @binding(3) var<storage, read_write> Y: array<{{TO}}>;

fn op(a: {{T}}, b: {{T}}) -> {{TO}} {
  return {{EXPR}};
}

@compute @workgroup_size(256)
fn binary(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  Y[i] = op({{LOAD_A}}, {{LOAD_B}});
}

//! kernel: unary_vec4
// `unary` on four elements per invocation (vec4 loads and stores), when n % 4 == 0.
struct Params {
  n: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<vec4<{{T}}>>;
@group(0) @binding(2) var<storage, read_write> Y: array<vec4<{{T}}>>;

fn op(x: {{T}}) -> {{T}} {
  return {{EXPR}};
}

@compute @workgroup_size(256)
fn unary_vec4(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  let v = X[i];
  Y[i] = vec4<{{T}}>(op(v.x), op(v.y), op(v.z), op(v.w));
}

//! kernel: binary_vec4
// `binary` on four elements per invocation, when n and every tiled operand's length are
// multiples of 4 (lengths in vec4 units; a tile of 4·L elements read at i % L stays aligned).
struct Params {
  n: u32,
  a_len: u32,
  b_len: u32,
  a_bits: u32,
  b_bits: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
{{DECL_A}}
{{DECL_B}}
@group(0) @binding(3) var<storage, read_write> Y: array<vec4<{{TO}}>>;

fn op(a: {{T}}, b: {{T}}) -> {{TO}} {
  return {{EXPR}};
}

@compute @workgroup_size(256)
fn binary_vec4(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  let a = {{LOAD_A}};
  let b = {{LOAD_B}};
  Y[i] = vec4<{{TO}}>(op(a.x, b.x), op(a.y, b.y), op(a.z, b.z), op(a.w, b.w));
}

//! kernel: where_x32
// All dtypes are 32-bit words on the GPU, so one kernel moves raw bits.
struct Params {
  n: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> C: array<u32>;
@group(0) @binding(2) var<storage, read> A: array<u32>;
@group(0) @binding(3) var<storage, read> B: array<u32>;
@group(0) @binding(4) var<storage, read_write> Y: array<u32>;

@compute @workgroup_size(256)
fn where_x32(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  Y[i] = select(B[i], A[i], C[i] != 0u);
}

//! kernel: full
struct Params {
  n: u32,
  bits: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> Y: array<u32>;

@compute @workgroup_size(256)
fn full(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  Y[i] = P.bits;
}

//! kernel: fused
// A graph of pointwise ops made into one kernel (src/backends/webgpu/fusion.ts): {{DECLS}} holds
// its buffer bindings and one function per distinct expression of the library's tables, {{BODY}}
// the statements of each index range ("segment", e.g. one parameter of a multi-tensor optimizer
// step): segment s covers grid indices [word(s - 1), word(s)) (from 0 for the first), and its
// statements see its own index `i`. Lengths and scalars are uniform words after the segment ends.
struct Params {
  n: u32,
  segments: u32,
  pad0: u32,
  pad1: u32,
  e: array<vec4<u32>, 15>,
}
@group(0) @binding(0) var<uniform> P: Params;

fn word(k: u32) -> u32 {
  return P.e[k >> 2u][k & 3u];
}

{{DECLS}}

@compute @workgroup_size(256)
fn fused(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let g = flat_index(wg, groups, local);
  if (g >= P.n) { return; }
  {{BODY}}
}

//! snippet: decl_operand
@group(0) @binding({{BINDING}}) var<storage, read> {{NAME}}: array<{{VT}}>;

//! snippet: load_scalar_operand
{{VT}}(bitcast<{{T}}>(P.{{FIELD}}_bits))

//! snippet: load_full
{{NAME}}[i]

//! snippet: load_tiled
{{NAME}}[i % P.{{FIELD}}_len]
