// Float16 matrix products (see matmul.wgsl for the float32 kernels, their placeholders and the
// k-slicing they share).
//
// `matmul_f16` (devices with `shader-f16`): float16 products from operands that
// `matmul_f16_pack` converted to packed halves (two bytes per element, zero-padded, k-major),
// loaded as vec4<f16> and staged as halves through workgroup memory, multiplied and summed in f32
// in the same order as the float32 kernels, so the product (rounded to half by its epilogue, as
// every float16 result is) is what the float32 kernels compute from the same half values.
//! include: math
//! include: matmul_common

//! kernel: matmul_f16_pack
//! enable: f16
// The operand op(A) (P.pack_b == 0) or op(B) (1) of the product P describes, as IEEE halves in
// matmul_f16's layout: per batch (one when the operand is broadcast), rows k = 0 .. Kp and columns
// c = 0 .. Cp (the m of A, the n of B), row-major, zeros outside the operand, where Kp is k rounded
// up to 16 and Cp the columns rounded up to 64. Each invocation converts 8 elements into one
// vec4<u32> (two halves per word, the first in the low bits), which matmul_f16 reads as two
// vec4<f16>: exactly from a float16 storage's words, rounded to nearest even (as the cast to
// float16 rounds) from a float32 storage's.
@group(0) @binding(6) var<storage, read> PX: array<f32>;
@group(0) @binding(7) var<storage, read_write> PH: array<vec4<u32>>;

@compute @workgroup_size(256)
fn matmul_f16_pack(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = (wg.y * groups.x + wg.x) * 256u + local;
  let is_b = P.pack_b != 0u;
  var cols = P.m;
  var stride = P.a_batch;
  var trans = P.ta != 0u;
  if (is_b) {
    cols = P.n;
    stride = P.b_batch;
    trans = P.tb != 0u;
  }
  var batches = P.batch;
  if (stride == 0u) { batches = 1u; }
  let kp = (P.k + 15u) & ~15u;
  let cq = ((cols + 63u) & ~63u) >> 3u;
  if (t >= batches * kp * cq) { return; }
  let b = t / (kp * cq);
  let r = (t / cq) % kp;
  let c0 = (t % cq) * 8u;
  // Element (r, c) of op(X) is X[r * rs + c * cs]: A [m, k] and B stored as [n, k] step 1 along k;
  // A stored as [k, m] and B [k, n] step 1 along the columns.
  var rs = 1u;
  var cs = P.k;
  if (is_b != trans) {
    rs = cols;
    cs = 1u;
  }
  let base = b * stride + r * rs;
  var w = vec4<u32>(0u);
  if (r < P.k) {
    for (var j = 0u; j < 8u; j = j + 1u) {
      let c = c0 + j;
      if (c < cols) { w[j >> 1u] = w[j >> 1u] | (f32_to_f16_bits(PX[base + c * cs]) << ((j & 1u) * 16u)); }
    }
  }
  PH[t] = w;
}

//! kernel: matmul_f16
//! enable: f16
// Each invocation an 8 x 8 block of C, each workgroup a 64 x 64 tile, as matmul_tiled; the
// operands come packed by matmul_f16_pack ([batch][Kp][Mp] and [batch][Kp][Np] halves, batch 0
// only when broadcast), 16 k per step: each invocation copies four vec4<f16> of each operand's
// 16 x 64 slice to workgroup memory (no bounds checks: the packing padded with zeros), then every
// invocation converts its 8 + 8 halves per k to f32 and accumulates in f32.
@group(0) @binding(4) var<storage, read> AH: array<vec4<f16>>;
@group(0) @binding(5) var<storage, read> BH: array<vec4<f16>>;
var<workgroup> Ah: array<vec4<f16>, 256>; // [16 k][64 m]
var<workgroup> Bh: array<vec4<f16>, 256>; // [16 k][64 n]

@compute @workgroup_size(8, 8)
fn matmul_f16(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let batch = wg.z + P.batch_base;
  let M = P.m;
  let K = P.k;
  let N = P.n;
  // Packed rows in vec4<f16> units, and the packed batch strides.
  let mq = ((M + 63u) & ~63u) >> 2u;
  let nq = ((N + 63u) & ~63u) >> 2u;
  let kp = (K + 15u) & ~15u;
  var a_base = 0u;
  if (P.a_batch != 0u) { a_base = batch * kp * mq; }
  var b_base = 0u;
  if (P.b_batch != 0u) { b_base = batch * kp * nq; }
  let t = lid.y * 8u + lid.x;
  // The slice row (k) and the first of the four vec4 this invocation copies.
  let lk = t >> 2u;
  let lc = (t & 3u) * 4u;
  let row = wg.y * 64u + lid.y * 8u;
  let col = wg.x * 64u + lid.x * 8u;
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
  for (var k0 = P.k_lo; k0 < k_stop; k0 = k0 + 16u) {
    let pa = a_base + (k0 + lk) * mq + wg.y * 16u + lc;
    let pb = b_base + (k0 + lk) * nq + wg.x * 16u + lc;
    let o = lk * 16u + lc;
    Ah[o] = AH[pa];
    Ah[o + 1u] = AH[pa + 1u];
    Ah[o + 2u] = AH[pa + 2u];
    Ah[o + 3u] = AH[pa + 3u];
    Bh[o] = BH[pb];
    Bh[o + 1u] = BH[pb + 1u];
    Bh[o + 2u] = BH[pb + 2u];
    Bh[o + 3u] = BH[pb + 3u];
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk = kk + 1u) {
      let al = vec4<f32>(Ah[kk * 16u + lid.y * 2u]);
      let ah = vec4<f32>(Ah[kk * 16u + lid.y * 2u + 1u]);
      let bl = vec4<f32>(Bh[kk * 16u + lid.x * 2u]);
      let bh = vec4<f32>(Bh[kk * 16u + lid.x * 2u + 1u]);
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
