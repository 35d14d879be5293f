// Counter-based random numbers: Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy
// as 1, 2, 3"), the generator of PyTorch's CUDA backend. Invocation t encrypts the 128-bit counter
// (offset + t as 64 bits, 0, 0) with the 64-bit key `seed` and turns the four words into elements
// 4t .. 4t + 3, so a call consumes ceil(n / 4) counters and the host advances `offset` by that.
// uniform: (w >> 8) * 2^-24 in [0, 1), then low + (high - low) * u.
// normal: Box-Muller on word pairs (u1 in (0, 1], u2 in [0, 1)), mean + std * z.
//! include: math

struct Params {
  n: u32,
  seed_lo: u32,
  seed_hi: u32,
  off_lo: u32,
  off_hi: u32,
  a: f32,
  b: f32,
}

fn philox(t: u32) -> vec4<u32> {
  let lo = P.off_lo + t;
  var carry = 0u;
  if (lo < t) { carry = 1u; }
  var c = vec4<u32>(lo, P.off_hi + carry, 0u, 0u);
  var k0 = P.seed_lo;
  var k1 = P.seed_hi;
  for (var r = 0u; r < 10u; r = r + 1u) {
    let p0 = mul_wide(0xD2511F53u, c.x);
    let p1 = mul_wide(0xCD9E8D57u, c.z);
    c = vec4<u32>(p1.x ^ c.y ^ k0, p1.y, p0.x ^ c.w ^ k1, p0.y);
    k0 = k0 + 0x9E3779B9u;
    k1 = k1 + 0xBB67AE85u;
  }
  return c;
}

fn unit(w: u32) -> f32 {
  return f32(w >> 8u) * 5.9604644775390625e-8;
}

//! kernel: uniform
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = (wg.y * groups.x + wg.x) * 256u + local;
  let base = t * 4u;
  if (base >= P.n) { return; }
  let w = philox(t);
  let span = P.b - P.a;
  for (var q = 0u; q < 4u; q = q + 1u) {
    if (base + q < P.n) { Y[base + q] = P.a + span * unit(w[q]); }
  }
}

//! kernel: normal
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = (wg.y * groups.x + wg.x) * 256u + local;
  let base = t * 4u;
  if (base >= P.n) { return; }
  let w = philox(t);
  var z: array<f32, 4>;
  for (var q = 0u; q < 4u; q = q + 2u) {
    let u1 = f32((w[q] >> 8u) + 1u) * 5.9604644775390625e-8;
    let u2 = unit(w[q + 1u]);
    let rad = sqrt(-2.0 * f_log(u1));
    let th = 6.2831853071795865 * u2;
    z[q] = rad * f_sincos(th, 1);
    z[q + 1u] = rad * f_sincos(th, 0);
  }
  for (var q = 0u; q < 4u; q = q + 1u) {
    if (base + q < P.n) { Y[base + q] = P.a + P.b * z[q]; }
  }
}
