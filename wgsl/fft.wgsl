// Complex FFTs for torch.fft (src/backends/webgpu/fft.ts), float32 (re, im) pairs in rows of
// [batch, n]: power-of-two n as log2(n) Stockham radix-2 stages (one dispatch each, one invocation
// per butterfly, twiddles from a float64-computed table), other n by Bluestein's chirp z
// (fftChirp: a row-wise complex product with a table, cutting or zero padding rows, around two
// power-of-two transforms).

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

//! kernel: fftStage
// Stage with stride s and half length m (s m = n / 2): b[q + s (2p + t)] = W^{p t s} (a[q + s p]
// + (-1)^t a[q + s (p + m)]), W = e^{-2 pi i / n} (conjugated for the inverse).
struct Params {
  total: u32,
  half: u32,
  s: u32,
  m: u32,
  inverse: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> Y: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> W: array<vec2<f32>>;

@compute @workgroup_size(256)
fn fftStage(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = flat_index(wg, groups, local);
  if (t >= P.total) { return; }
  let r = t % P.half;
  let base = (t / P.half) * 2u * P.half;
  let q = r % P.s;
  let p = r / P.s;
  let a0 = X[base + q + P.s * p];
  let a1 = X[base + q + P.s * (p + P.m)];
  var w = W[p * P.s];
  if (P.inverse != 0u) { w.y = -w.y; }
  let d = a0 - a1;
  Y[base + q + P.s * 2u * p] = a0 + a1;
  Y[base + q + P.s * (2u * p + 1u)] = vec2<f32>(d.x * w.x - d.y * w.y, d.x * w.y + d.y * w.x);
}

//! kernel: fftChirp
// Y[b, j] = X[b, j] C[j] (j < valid, else 0) for j < out_row, X's rows in_row long; C conjugated
// when `conj`.
struct Params {
  total: u32,
  out_row: u32,
  in_row: u32,
  valid: u32,
  conj: u32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> X: array<vec2<f32>>;
@group(0) @binding(2) var<storage, read_write> Y: array<vec2<f32>>;
@group(0) @binding(3) var<storage, read> C: array<vec2<f32>>;

@compute @workgroup_size(256)
fn fftChirp(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = flat_index(wg, groups, local);
  if (t >= P.total) { return; }
  let j = t % P.out_row;
  var v = vec2<f32>(0.0, 0.0);
  if (j < P.valid) { v = X[(t / P.out_row) * P.in_row + j]; }
  var c = C[j];
  if (P.conj != 0u) { c.y = -c.y; }
  Y[t] = vec2<f32>(v.x * c.x - v.y * c.y, v.x * c.y + v.y * c.x);
}
