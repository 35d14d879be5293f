// Batched matrix products C[b] = op(A[b]) @ op(B[b]), C is [batch, m, n] row-major.
//
// Both float32 kernels give each invocation an 8 x 8 block of C in registers (16 vec4
// accumulators) and each workgroup of 64 invocations a 64 x 64 tile (`direct`: 32 x 128 when the
// product has at most 32 rows); operands are read as
// vec4 where they are 16-byte aligned and the read lies inside them, with bounds-checked scalar
// loads at the edges. {{TA}} / {{TB}}: true when the operand is stored transposed (A as [k, m],
// B as [n, k]); {{C_DECL}} / {{STORE}}: vec4 stores when n % 4 == 0, scalar stores otherwise.
// `tiled` stages 64 x 8 slices of both operands through workgroup memory (the usual GPU scheme);
// `direct` reads the operands straight from the storage buffers, four k at a time: on CPU-based
// adapters (Mesa llvmpipe, SwiftShader) workgroup memory and barriers cost more than the caches
// save, and this kernel is about twice as fast there. The host picks by adapter.
// `simple`: one invocation per output ({{T}} f32 or i32, wrapping int32 arithmetic), for int32 and
// for products too thin to fill a tile; it has its own bindings (4, 5, 6).
// Every kernel sums over the slice [k_lo, min(k, k_hi)) of the inner dimension: a long inner
// dimension is split into several dispatches (the host's loop budget: llvmpipe ends every
// invocation after 65,535 loop iterations), each continuing from the partial sums the previous
// slice left in C ({{LOAD}}), so the additions happen in the same order as in one dispatch.

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
}
@group(0) @binding(0) var<uniform> P: Params;
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

//! kernel: direct
// Workgroups of {{WGX}} x {{WGY}} invocations (8 x 8, or 16 x 4 for products of at most 32 rows).
@compute @workgroup_size({{WGX}}, {{WGY}})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let batch = wg.z + P.batch_base;
  let M = P.m;
  let K = P.k;
  let N = P.n;
  let a_base = batch * P.a_batch;
  let b_base = batch * P.b_batch;
  let row = wg.y * ({{WGY}}u * 8u) + lid.y * 8u;
  let col = wg.x * ({{WGX}}u * 8u) + lid.x * 8u;
  var c00 = vec4<f32>(0.0);
  var c01 = vec4<f32>(0.0);
  var c10 = vec4<f32>(0.0);
  var c11 = vec4<f32>(0.0);
  var c20 = vec4<f32>(0.0);
  var c21 = vec4<f32>(0.0);
  var c30 = vec4<f32>(0.0);
  var c31 = vec4<f32>(0.0);
  var c40 = vec4<f32>(0.0);
  var c41 = vec4<f32>(0.0);
  var c50 = vec4<f32>(0.0);
  var c51 = vec4<f32>(0.0);
  var c60 = vec4<f32>(0.0);
  var c61 = vec4<f32>(0.0);
  var c70 = vec4<f32>(0.0);
  var c71 = vec4<f32>(0.0);
  let c_base = batch * M * N;
  if (P.k_lo != 0u) {
    var t = load_c(c_base, row, col);
    c00 = t[0];
    c01 = t[1];
    t = load_c(c_base, row + 1u, col);
    c10 = t[0];
    c11 = t[1];
    t = load_c(c_base, row + 2u, col);
    c20 = t[0];
    c21 = t[1];
    t = load_c(c_base, row + 3u, col);
    c30 = t[0];
    c31 = t[1];
    t = load_c(c_base, row + 4u, col);
    c40 = t[0];
    c41 = t[1];
    t = load_c(c_base, row + 5u, col);
    c50 = t[0];
    c51 = t[1];
    t = load_c(c_base, row + 6u, col);
    c60 = t[0];
    c61 = t[1];
    t = load_c(c_base, row + 7u, col);
    c70 = t[0];
    c71 = t[1];
  }
  let k_stop = min(K, P.k_hi);
  var a0: vec4<f32>; var a1: vec4<f32>; var a2: vec4<f32>; var a3: vec4<f32>;
  var a4: vec4<f32>; var a5: vec4<f32>; var a6: vec4<f32>; var a7: vec4<f32>;
  var b00: vec4<f32>; var b01: vec4<f32>; var b10: vec4<f32>; var b11: vec4<f32>;
  var b20: vec4<f32>; var b21: vec4<f32>; var b30: vec4<f32>; var b31: vec4<f32>;
  // Whole 8 x 8 block inside C and the operands 16-byte aligned: vec4 loads for all k in steps
  // of 4; then the k tail (and edge blocks) with bounds-checked scalar loads.
  var k = P.k_lo;
  if (P.a_vec != 0u && P.b_vec != 0u && row + 8u <= M && col + 8u <= N) {
    let k_end = k_stop & ~3u;
    for (; k < k_end; k = k + 4u) {
      if (!TA) {
        let pa = (a_base + row * K + k) >> 2u;
        let sa = K >> 2u;
        a0 = A[pa];
        a1 = A[pa + sa];
        a2 = A[pa + 2u * sa];
        a3 = A[pa + 3u * sa];
        a4 = A[pa + 4u * sa];
        a5 = A[pa + 5u * sa];
        a6 = A[pa + 6u * sa];
        a7 = A[pa + 7u * sa];
      } else {
        let pa = (a_base + k * M + row) >> 2u;
        let sa = M >> 2u;
        let l0 = A[pa];
        let h0 = A[pa + 1u];
        let l1 = A[pa + sa];
        let h1 = A[pa + sa + 1u];
        let l2 = A[pa + 2u * sa];
        let h2 = A[pa + 2u * sa + 1u];
        let l3 = A[pa + 3u * sa];
        let h3 = A[pa + 3u * sa + 1u];
        a0 = vec4<f32>(l0.x, l1.x, l2.x, l3.x);
        a1 = vec4<f32>(l0.y, l1.y, l2.y, l3.y);
        a2 = vec4<f32>(l0.z, l1.z, l2.z, l3.z);
        a3 = vec4<f32>(l0.w, l1.w, l2.w, l3.w);
        a4 = vec4<f32>(h0.x, h1.x, h2.x, h3.x);
        a5 = vec4<f32>(h0.y, h1.y, h2.y, h3.y);
        a6 = vec4<f32>(h0.z, h1.z, h2.z, h3.z);
        a7 = vec4<f32>(h0.w, h1.w, h2.w, h3.w);
      }
      if (!TB) {
        let pb = (b_base + k * N + col) >> 2u;
        let sb = N >> 2u;
        b00 = B[pb];
        b01 = B[pb + 1u];
        b10 = B[pb + sb];
        b11 = B[pb + sb + 1u];
        b20 = B[pb + 2u * sb];
        b21 = B[pb + 2u * sb + 1u];
        b30 = B[pb + 3u * sb];
        b31 = B[pb + 3u * sb + 1u];
      } else {
        let pb = (b_base + col * K + k) >> 2u;
        let sb = K >> 2u;
        let v0 = B[pb];
        let v1 = B[pb + sb];
        let v2 = B[pb + 2u * sb];
        let v3 = B[pb + 3u * sb];
        let v4 = B[pb + 4u * sb];
        let v5 = B[pb + 5u * sb];
        let v6 = B[pb + 6u * sb];
        let v7 = B[pb + 7u * sb];
        b00 = vec4<f32>(v0.x, v1.x, v2.x, v3.x);
        b01 = vec4<f32>(v4.x, v5.x, v6.x, v7.x);
        b10 = vec4<f32>(v0.y, v1.y, v2.y, v3.y);
        b11 = vec4<f32>(v4.y, v5.y, v6.y, v7.y);
        b20 = vec4<f32>(v0.z, v1.z, v2.z, v3.z);
        b21 = vec4<f32>(v4.z, v5.z, v6.z, v7.z);
        b30 = vec4<f32>(v0.w, v1.w, v2.w, v3.w);
        b31 = vec4<f32>(v4.w, v5.w, v6.w, v7.w);
      }
      c00 = c00 + a0.x * b00 + a0.y * b10 + a0.z * b20 + a0.w * b30;
      c01 = c01 + a0.x * b01 + a0.y * b11 + a0.z * b21 + a0.w * b31;
      c10 = c10 + a1.x * b00 + a1.y * b10 + a1.z * b20 + a1.w * b30;
      c11 = c11 + a1.x * b01 + a1.y * b11 + a1.z * b21 + a1.w * b31;
      c20 = c20 + a2.x * b00 + a2.y * b10 + a2.z * b20 + a2.w * b30;
      c21 = c21 + a2.x * b01 + a2.y * b11 + a2.z * b21 + a2.w * b31;
      c30 = c30 + a3.x * b00 + a3.y * b10 + a3.z * b20 + a3.w * b30;
      c31 = c31 + a3.x * b01 + a3.y * b11 + a3.z * b21 + a3.w * b31;
      c40 = c40 + a4.x * b00 + a4.y * b10 + a4.z * b20 + a4.w * b30;
      c41 = c41 + a4.x * b01 + a4.y * b11 + a4.z * b21 + a4.w * b31;
      c50 = c50 + a5.x * b00 + a5.y * b10 + a5.z * b20 + a5.w * b30;
      c51 = c51 + a5.x * b01 + a5.y * b11 + a5.z * b21 + a5.w * b31;
      c60 = c60 + a6.x * b00 + a6.y * b10 + a6.z * b20 + a6.w * b30;
      c61 = c61 + a6.x * b01 + a6.y * b11 + a6.z * b21 + a6.w * b31;
      c70 = c70 + a7.x * b00 + a7.y * b10 + a7.z * b20 + a7.w * b30;
      c71 = c71 + a7.x * b01 + a7.y * b11 + a7.z * b21 + a7.w * b31;
    }
  }
  for (; k < k_stop; k = k + 4u) {
    a0 = a_row(a_base, row, k);
    a1 = a_row(a_base, row + 1u, k);
    a2 = a_row(a_base, row + 2u, k);
    a3 = a_row(a_base, row + 3u, k);
    a4 = a_row(a_base, row + 4u, k);
    a5 = a_row(a_base, row + 5u, k);
    a6 = a_row(a_base, row + 6u, k);
    a7 = a_row(a_base, row + 7u, k);
    b00 = b_row(b_base, k, col);
    b01 = b_row(b_base, k, col + 4u);
    b10 = b_row(b_base, k + 1u, col);
    b11 = b_row(b_base, k + 1u, col + 4u);
    b20 = b_row(b_base, k + 2u, col);
    b21 = b_row(b_base, k + 2u, col + 4u);
    b30 = b_row(b_base, k + 3u, col);
    b31 = b_row(b_base, k + 3u, col + 4u);
    c00 = c00 + a0.x * b00 + a0.y * b10 + a0.z * b20 + a0.w * b30;
    c01 = c01 + a0.x * b01 + a0.y * b11 + a0.z * b21 + a0.w * b31;
    c10 = c10 + a1.x * b00 + a1.y * b10 + a1.z * b20 + a1.w * b30;
    c11 = c11 + a1.x * b01 + a1.y * b11 + a1.z * b21 + a1.w * b31;
    c20 = c20 + a2.x * b00 + a2.y * b10 + a2.z * b20 + a2.w * b30;
    c21 = c21 + a2.x * b01 + a2.y * b11 + a2.z * b21 + a2.w * b31;
    c30 = c30 + a3.x * b00 + a3.y * b10 + a3.z * b20 + a3.w * b30;
    c31 = c31 + a3.x * b01 + a3.y * b11 + a3.z * b21 + a3.w * b31;
    c40 = c40 + a4.x * b00 + a4.y * b10 + a4.z * b20 + a4.w * b30;
    c41 = c41 + a4.x * b01 + a4.y * b11 + a4.z * b21 + a4.w * b31;
    c50 = c50 + a5.x * b00 + a5.y * b10 + a5.z * b20 + a5.w * b30;
    c51 = c51 + a5.x * b01 + a5.y * b11 + a5.z * b21 + a5.w * b31;
    c60 = c60 + a6.x * b00 + a6.y * b10 + a6.z * b20 + a6.w * b30;
    c61 = c61 + a6.x * b01 + a6.y * b11 + a6.z * b21 + a6.w * b31;
    c70 = c70 + a7.x * b00 + a7.y * b10 + a7.z * b20 + a7.w * b30;
    c71 = c71 + a7.x * b01 + a7.y * b11 + a7.z * b21 + a7.w * b31;
  }
  store_c(c_base, row + 0u, col, c00, c01);
  store_c(c_base, row + 1u, col, c10, c11);
  store_c(c_base, row + 2u, col, c20, c21);
  store_c(c_base, row + 3u, col, c30, c31);
  store_c(c_base, row + 4u, col, c40, c41);
  store_c(c_base, row + 5u, col, c50, c51);
  store_c(c_base, row + 6u, col, c60, c61);
  store_c(c_base, row + 7u, col, c70, c71);
}

//! kernel: tiled
var<workgroup> As: array<f32, 512>; // [8 k][64 m]
var<workgroup> Bs: array<f32, 512>; // [8 k][64 n]

fn shared4(p: u32, is_a: bool) -> vec4<f32> {
  if (is_a) { return vec4<f32>(As[p], As[p + 1u], As[p + 2u], As[p + 3u]); }
  return vec4<f32>(Bs[p], Bs[p + 1u], Bs[p + 2u], Bs[p + 3u]);
}

@compute @workgroup_size(8, 8)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let batch = wg.z + P.batch_base;
  let M = P.m;
  let K = P.k;
  let N = P.n;
  let a_base = batch * P.a_batch;
  let b_base = batch * P.b_batch;
  let m0 = wg.y * 64u;
  let n0 = wg.x * 64u;
  let t = lid.y * 8u + lid.x;
  let row = m0 + lid.y * 8u;
  let col = n0 + lid.x * 8u;
  var c00 = vec4<f32>(0.0);
  var c01 = vec4<f32>(0.0);
  var c10 = vec4<f32>(0.0);
  var c11 = vec4<f32>(0.0);
  var c20 = vec4<f32>(0.0);
  var c21 = vec4<f32>(0.0);
  var c30 = vec4<f32>(0.0);
  var c31 = vec4<f32>(0.0);
  var c40 = vec4<f32>(0.0);
  var c41 = vec4<f32>(0.0);
  var c50 = vec4<f32>(0.0);
  var c51 = vec4<f32>(0.0);
  var c60 = vec4<f32>(0.0);
  var c61 = vec4<f32>(0.0);
  var c70 = vec4<f32>(0.0);
  var c71 = vec4<f32>(0.0);
  let c_base = batch * M * N;
  if (P.k_lo != 0u) {
    var t = load_c(c_base, row, col);
    c00 = t[0];
    c01 = t[1];
    t = load_c(c_base, row + 1u, col);
    c10 = t[0];
    c11 = t[1];
    t = load_c(c_base, row + 2u, col);
    c20 = t[0];
    c21 = t[1];
    t = load_c(c_base, row + 3u, col);
    c30 = t[0];
    c31 = t[1];
    t = load_c(c_base, row + 4u, col);
    c40 = t[0];
    c41 = t[1];
    t = load_c(c_base, row + 5u, col);
    c50 = t[0];
    c51 = t[1];
    t = load_c(c_base, row + 6u, col);
    c60 = t[0];
    c61 = t[1];
    t = load_c(c_base, row + 7u, col);
    c70 = t[0];
    c71 = t[1];
  }
  let k_stop = min(K, P.k_hi);
  for (var k0 = P.k_lo; k0 < k_stop; k0 = k0 + 8u) {
    // Each invocation moves 8 floats of each operand's 64 x 8 slice (two vec4 loads when the
    // operand is aligned and the slice is inside it, bounds-checked scalars otherwise).
    if (!TA) {
      // A is [m, k]: invocation t takes row m0 + t, k0 .. k0 + 8.
      let lo = a_row(a_base, m0 + t, k0);
      let hi = a_row(a_base, m0 + t, k0 + 4u);
      As[t] = lo.x;
      As[64u + t] = lo.y;
      As[128u + t] = lo.z;
      As[192u + t] = lo.w;
      As[256u + t] = hi.x;
      As[320u + t] = hi.y;
      As[384u + t] = hi.z;
      As[448u + t] = hi.w;
    } else {
      // A is [k, m]: invocation t takes k0 + t / 8, m0 + (t % 8) * 8 .. + 8.
      let kk = t >> 3u;
      let mm = (t & 7u) * 8u;
      let lo = a_col(a_base, k0 + kk, m0 + mm);
      let hi = a_col(a_base, k0 + kk, m0 + mm + 4u);
      let o = kk * 64u + mm;
      As[o] = lo.x;
      As[o + 1u] = lo.y;
      As[o + 2u] = lo.z;
      As[o + 3u] = lo.w;
      As[o + 4u] = hi.x;
      As[o + 5u] = hi.y;
      As[o + 6u] = hi.z;
      As[o + 7u] = hi.w;
    }
    if (!TB) {
      // B is [k, n]: invocation t takes k0 + t / 8, n0 + (t % 8) * 8 .. + 8.
      let kk = t >> 3u;
      let nn = (t & 7u) * 8u;
      let lo = b_row(b_base, k0 + kk, n0 + nn);
      let hi = b_row(b_base, k0 + kk, n0 + nn + 4u);
      let o = kk * 64u + nn;
      Bs[o] = lo.x;
      Bs[o + 1u] = lo.y;
      Bs[o + 2u] = lo.z;
      Bs[o + 3u] = lo.w;
      Bs[o + 4u] = hi.x;
      Bs[o + 5u] = hi.y;
      Bs[o + 6u] = hi.z;
      Bs[o + 7u] = hi.w;
    } else {
      // B is [n, k]: invocation t takes column n0 + t, k0 .. k0 + 8.
      let lo = b_col(b_base, k0, n0 + t);
      let hi = b_col(b_base, k0 + 4u, n0 + t);
      Bs[t] = lo.x;
      Bs[64u + t] = lo.y;
      Bs[128u + t] = lo.z;
      Bs[192u + t] = lo.w;
      Bs[256u + t] = hi.x;
      Bs[320u + t] = hi.y;
      Bs[384u + t] = hi.z;
      Bs[448u + t] = hi.w;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 8u; kk = kk + 1u) {
      let al = shared4(kk * 64u + lid.y * 8u, true);
      let ah = shared4(kk * 64u + lid.y * 8u + 4u, true);
      let bl = shared4(kk * 64u + lid.x * 8u, false);
      let bh = shared4(kk * 64u + lid.x * 8u + 4u, false);
      c00 = c00 + al.x * bl;
      c01 = c01 + al.x * bh;
      c10 = c10 + al.y * bl;
      c11 = c11 + al.y * bh;
      c20 = c20 + al.z * bl;
      c21 = c21 + al.z * bh;
      c30 = c30 + al.w * bl;
      c31 = c31 + al.w * bh;
      c40 = c40 + ah.x * bl;
      c41 = c41 + ah.x * bh;
      c50 = c50 + ah.y * bl;
      c51 = c51 + ah.y * bh;
      c60 = c60 + ah.z * bl;
      c61 = c61 + ah.z * bh;
      c70 = c70 + ah.w * bl;
      c71 = c71 + ah.w * bh;
    }
    workgroupBarrier();
  }
  store_c(c_base, row + 0u, col, c00, c01);
  store_c(c_base, row + 1u, col, c10, c11);
  store_c(c_base, row + 2u, col, c20, c21);
  store_c(c_base, row + 3u, col, c30, c31);
  store_c(c_base, row + 4u, col, c40, c41);
  store_c(c_base, row + 5u, col, c50, c51);
  store_c(c_base, row + 6u, col, c60, c61);
  store_c(c_base, row + 7u, col, c70, c71);
}

//! kernel: simple
@group(0) @binding(4) var<storage, read> SA: array<{{T}}>;
@group(0) @binding(5) var<storage, read> SB: array<{{T}}>;
@group(0) @binding(6) var<storage, read_write> SC: array<{{T}}>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = (wg.y * groups.x + wg.x) * 256u + local;
  let mn = P.m * P.n;
  if (t >= P.batch * mn) { return; }
  let b = t / mn;
  let r = t % mn;
  let i = r / P.n;
  let j = r % P.n;
  var pa = b * P.a_batch;
  var sa = 1u;
  if (P.ta != 0u) { pa = pa + i; sa = P.m; } else { pa = pa + i * P.k; }
  var pb = b * P.b_batch;
  var sb = P.n;
  if (P.tb != 0u) { pb = pb + j * P.k; sb = 1u; } else { pb = pb + j; }
  pa = pa + P.k_lo * sa;
  pb = pb + P.k_lo * sb;
  var acc: {{T}} = {{T}}(0);
  if (P.k_lo != 0u) { acc = SC[t]; }
  let k_stop = min(P.k, P.k_hi);
  for (var kk = P.k_lo; kk < k_stop; kk = kk + 1u) {
    acc = acc + SA[pa] * SB[pb];
    pa = pa + sa;
    pb = pb + sb;
  }
  SC[t] = acc;
}
