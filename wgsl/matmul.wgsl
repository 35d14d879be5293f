// Batched matrix products C[b] = op(A[b]) @ op(B[b]), C is [batch, m, n] row-major.
//
// `tiled` (float32): a 64 x 64 tile of C per workgroup of 16 x 16 invocations, each holding a
// 4 x 4 block of accumulators in registers; A and B pass through workgroup memory in 64 x 16
// slices, loaded as vec4 where the operand is 16-byte aligned and the slice lies inside it
// (scalar loads with bounds checks at the edges). {{TA}} / {{TB}}: true when the operand is stored
// transposed. {{C_DECL}}/{{STORE}}: vec4 stores when n % 4 == 0, scalar stores otherwise.
// `simple`: one invocation per output ({{T}} f32 or i32, wrapping int32 arithmetic), for int32 and
// for products too thin to fill a tile.

//! kernel: tiled
struct Params {
  m: u32,
  k: u32,
  n: u32,
  a_batch: u32,
  b_batch: u32,
  a_vec: u32,
  b_vec: u32,
  batch_base: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
{{C_DECL}}

const TA: bool = {{TA}};
const TB: bool = {{TB}};
var<workgroup> As: array<f32, 1024>; // [16 k][64 m]
var<workgroup> Bs: array<f32, 1024>; // [16 k][64 n]

fn a_at(base: u32, i: u32) -> f32 {
  let p = base + i;
  return A[p >> 2u][p & 3u];
}

fn b_at(base: u32, i: u32) -> f32 {
  let p = base + i;
  return B[p >> 2u][p & 3u];
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let batch = wg.z + P.batch_base;
  let M = P.m;
  let K = P.k;
  let N = P.n;
  let m0 = wg.y * 64u;
  let n0 = wg.x * 64u;
  let a_base = batch * P.a_batch;
  let b_base = batch * P.b_batch;
  let tid = lid.y * 16u + lid.x;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var k0 = 0u; k0 < K; k0 = k0 + 16u) {
    // Slice of A: op(A)[m0 .. m0 + 64, k0 .. k0 + 16] into As[k][m].
    if (!TA) {
      // A is [m, k]: invocation loads 4 consecutive k of one row.
      let row = tid >> 2u;
      let kq = (tid & 3u) * 4u;
      let mm = m0 + row;
      let kk = k0 + kq;
      var v = vec4<f32>(0.0);
      if (P.a_vec != 0u && mm < M && kk + 3u < K) {
        v = A[(a_base + mm * K + kk) >> 2u];
      } else if (mm < M) {
        let rb = a_base + mm * K;
        if (kk < K) { v.x = a_at(rb, kk); }
        if (kk + 1u < K) { v.y = a_at(rb, kk + 1u); }
        if (kk + 2u < K) { v.z = a_at(rb, kk + 2u); }
        if (kk + 3u < K) { v.w = a_at(rb, kk + 3u); }
      }
      As[kq * 64u + row] = v.x;
      As[(kq + 1u) * 64u + row] = v.y;
      As[(kq + 2u) * 64u + row] = v.z;
      As[(kq + 3u) * 64u + row] = v.w;
    } else {
      // A is [k, m]: invocation loads 4 consecutive m of one k.
      let kr = tid >> 4u;
      let mq = (tid & 15u) * 4u;
      let kk = k0 + kr;
      let mm = m0 + mq;
      var v = vec4<f32>(0.0);
      if (P.a_vec != 0u && kk < K && mm + 3u < M) {
        v = A[(a_base + kk * M + mm) >> 2u];
      } else if (kk < K) {
        let rb = a_base + kk * M;
        if (mm < M) { v.x = a_at(rb, mm); }
        if (mm + 1u < M) { v.y = a_at(rb, mm + 1u); }
        if (mm + 2u < M) { v.z = a_at(rb, mm + 2u); }
        if (mm + 3u < M) { v.w = a_at(rb, mm + 3u); }
      }
      let o = kr * 64u + mq;
      As[o] = v.x;
      As[o + 1u] = v.y;
      As[o + 2u] = v.z;
      As[o + 3u] = v.w;
    }
    // Slice of B: op(B)[k0 .. k0 + 16, n0 .. n0 + 64] into Bs[k][n].
    if (!TB) {
      let kr = tid >> 4u;
      let nq = (tid & 15u) * 4u;
      let kk = k0 + kr;
      let nn = n0 + nq;
      var v = vec4<f32>(0.0);
      if (P.b_vec != 0u && kk < K && nn + 3u < N) {
        v = B[(b_base + kk * N + nn) >> 2u];
      } else if (kk < K) {
        let rb = b_base + kk * N;
        if (nn < N) { v.x = b_at(rb, nn); }
        if (nn + 1u < N) { v.y = b_at(rb, nn + 1u); }
        if (nn + 2u < N) { v.z = b_at(rb, nn + 2u); }
        if (nn + 3u < N) { v.w = b_at(rb, nn + 3u); }
      }
      let o = kr * 64u + nq;
      Bs[o] = v.x;
      Bs[o + 1u] = v.y;
      Bs[o + 2u] = v.z;
      Bs[o + 3u] = v.w;
    } else {
      // B is [n, k].
      let row = tid >> 2u;
      let kq = (tid & 3u) * 4u;
      let nn = n0 + row;
      let kk = k0 + kq;
      var v = vec4<f32>(0.0);
      if (P.b_vec != 0u && nn < N && kk + 3u < K) {
        v = B[(b_base + nn * K + kk) >> 2u];
      } else if (nn < N) {
        let rb = b_base + nn * K;
        if (kk < K) { v.x = b_at(rb, kk); }
        if (kk + 1u < K) { v.y = b_at(rb, kk + 1u); }
        if (kk + 2u < K) { v.z = b_at(rb, kk + 2u); }
        if (kk + 3u < K) { v.w = b_at(rb, kk + 3u); }
      }
      Bs[kq * 64u + row] = v.x;
      Bs[(kq + 1u) * 64u + row] = v.y;
      Bs[(kq + 2u) * 64u + row] = v.z;
      Bs[(kq + 3u) * 64u + row] = v.w;
    }
    workgroupBarrier();
    let ar = lid.y * 4u;
    let bc = lid.x * 4u;
    for (var kk = 0u; kk < 16u; kk = kk + 1u) {
      let ao = kk * 64u + ar;
      let bo = kk * 64u + bc;
      let b = vec4<f32>(Bs[bo], Bs[bo + 1u], Bs[bo + 2u], Bs[bo + 3u]);
      acc0 = acc0 + As[ao] * b;
      acc1 = acc1 + As[ao + 1u] * b;
      acc2 = acc2 + As[ao + 2u] * b;
      acc3 = acc3 + As[ao + 3u] * b;
    }
    workgroupBarrier();
  }
  let c_base = batch * M * N;
  let row = m0 + lid.y * 4u;
  let col = n0 + lid.x * 4u;
  store_c(c_base, row, col, acc0);
  store_c(c_base, row + 1u, col, acc1);
  store_c(c_base, row + 2u, col, acc2);
  store_c(c_base, row + 3u, col, acc3);
}

fn store_c(c_base: u32, row: u32, col: u32, v: vec4<f32>) {
  if (row >= P.m || col >= P.n) { return; }
  let p = c_base + row * P.n + col;
  {{STORE}}
}

//! kernel: simple
struct Params {
  m: u32,
  k: u32,
  n: u32,
  a_batch: u32,
  b_batch: u32,
  batch: u32,
  ta: u32,
  tb: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> A: array<{{T}}>;
@group(0) @binding(2) var<storage, read> B: array<{{T}}>;
@group(0) @binding(3) var<storage, read_write> C: array<{{T}}>;

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
  var acc: {{T}} = {{T}}(0);
  for (var kk = 0u; kk < P.k; kk = kk + 1u) {
    acc = acc + A[pa] * B[pb];
    pa = pa + sa;
    pb = pb + sb;
  }
  C[t] = acc;
}
