// Strided copy of 32-bit words (every dtype on the GPU): for each index i of `shape` (rank up to
// 8, after the caller merged contiguous dimensions), dst[dst_off + i·dst_strides] =
// src[src_off + i·src_strides]. Strides are signed and may be 0 (broadcast reads).

//! kernel: copy
struct Params {
  n: u32,
  rank: u32,
  src_off: i32,
  dst_off: i32,
  shape: array<vec4<u32>, 2>,
  src_strides: array<vec4<i32>, 2>,
  dst_strides: array<vec4<i32>, 2>,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> S: array<u32>;
@group(0) @binding(2) var<storage, read_write> D: array<u32>;

@compute @workgroup_size(256)
fn copy(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = (wg.y * groups.x + wg.x) * 256u + local;
  if (i >= P.n) { return; }
  var rem = i;
  var s = P.src_off;
  var d = P.dst_off;
  for (var k = i32(P.rank) - 1; k >= 0; k = k - 1) {
    let q = u32(k) >> 2u;
    let c = u32(k) & 3u;
    let n = P.shape[q][c];
    let j = i32(rem % n);
    rem = rem / n;
    s = s + j * P.src_strides[q][c];
    d = d + j * P.dst_strides[q][c];
  }
  D[u32(d)] = S[u32(s)];
}
