// The prelude of the matrix-product kernels (matmul.wgsl, matmul_f16.wgsl): the product's
// parameters and operand bindings, bounds-checked operand reads and the stores of C (see
// matmul.wgsl for the placeholders).

struct Params {
  m: u32,
  k: u32,
  n: u32,
  a_batch: u32,
  b_batch: u32,
  a_vec: u32,
  b_vec: u32,
  batch_base: u32,
  batch: u32,
  ta: u32,
  tb: u32,
  k_lo: u32,
  k_hi: u32,
  pack_b: u32,
  pad1: u32,
  pad2: u32,
  e: array<vec4<u32>, 12>,
}
@group(0) @binding(0) var<uniform> P: Params;

fn word(k: u32) -> u32 {
  return P.e[k >> 2u][k & 3u];
}
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
{{C_DECL}}

const TA: bool = {{TA}};
const TB: bool = {{TB}};

/** op(A)[i][k], 0 outside. */
fn a_at(base: u32, i: u32, k: u32) -> f32 {
  if (i >= P.m || k >= P.k) { return 0.0; }
  var p = base + i * P.k + k;
  if (TA) { p = base + k * P.m + i; }
  return A[p >> 2u][p & 3u];
}

/** op(B)[k][j], 0 outside. */
fn b_at(base: u32, k: u32, j: u32) -> f32 {
  if (k >= P.k || j >= P.n) { return 0.0; }
  var p = base + k * P.n + j;
  if (TB) { p = base + j * P.k + k; }
  return B[p >> 2u][p & 3u];
}

/** op(A)[i][k .. k + 4]. */
fn a_row(base: u32, i: u32, k: u32) -> vec4<f32> {
  if (!TA && P.a_vec != 0u && i < P.m && k + 4u <= P.k) { return A[(base + i * P.k + k) >> 2u]; }
  return vec4<f32>(a_at(base, i, k), a_at(base, i, k + 1u), a_at(base, i, k + 2u), a_at(base, i, k + 3u));
}

/** op(A)[i .. i + 4][k] (contiguous when A is stored transposed). */
fn a_col(base: u32, k: u32, i: u32) -> vec4<f32> {
  if (TA && P.a_vec != 0u && k < P.k && i + 4u <= P.m) { return A[(base + k * P.m + i) >> 2u]; }
  return vec4<f32>(a_at(base, i, k), a_at(base, i + 1u, k), a_at(base, i + 2u, k), a_at(base, i + 3u, k));
}

/** op(B)[k][j .. j + 4]. */
fn b_row(base: u32, k: u32, j: u32) -> vec4<f32> {
  if (!TB && P.b_vec != 0u && k < P.k && j + 4u <= P.n) { return B[(base + k * P.n + j) >> 2u]; }
  return vec4<f32>(b_at(base, k, j), b_at(base, k, j + 1u), b_at(base, k, j + 2u), b_at(base, k, j + 3u));
}

/** op(B)[k .. k + 4][j] (contiguous when B is stored transposed). */
fn b_col(base: u32, k: u32, j: u32) -> vec4<f32> {
  if (TB && P.b_vec != 0u && j < P.n && k + 4u <= P.k) { return B[(base + j * P.k + k) >> 2u]; }
  return vec4<f32>(b_at(base, k, j), b_at(base, k + 1u, j), b_at(base, k + 2u, j), b_at(base, k + 3u, j));
}

/** C[row][col .. col + 8] as (lo, hi), 0 outside C: the partial sums of the earlier K slices. */
fn load_c(c_base: u32, row: u32, col: u32) -> array<vec4<f32>, 2> {
  var lo = vec4<f32>(0.0);
  var hi = vec4<f32>(0.0);
  if (row < P.m) {
    let p = c_base + row * P.n + col;
    {{LOAD}}
  }
  return array<vec4<f32>, 2>(lo, hi);
}

/** Stores C[row][col .. col + 8] (the parts inside C). */
fn store_c(c_base: u32, row: u32, col: u32, lo: vec4<f32>, hi: vec4<f32>) {
  if (row >= P.m) { return; }
  let p = c_base + row * P.n + col;
  {{STORE}}
}
