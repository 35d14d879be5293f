// Fused optimizer updates, in place on float32 parameter, gradient and state buffers. Each
// reproduces, element by element, the sequence of tensor ops of src/optim/ (the scalars arrive
// rounded to float32 as the ops' scalar operands are), so a fused step matches an unfused one.
//! include: math

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

//! kernel: adam
// flags: 1 maximize, 2 weight decay, 4 decoupled (AdamW), 8 amsgrad ({{DECL_VMAX}}, {{AMSGRAD}}).
struct Params {
  n: u32,
  flags: u32,
  beta1: f32,
  one_minus_beta1: f32,
  beta2: f32,
  one_minus_beta2: f32,
  neg_step_size: f32,
  sqrt_bias2: f32,
  eps: f32,
  weight_decay: f32,
  decay_factor: f32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> W: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;
@group(0) @binding(3) var<storage, read_write> M: array<f32>;
@group(0) @binding(4) var<storage, read_write> V: array<f32>;
{{DECL_VMAX}}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  var g = G[i];
  if ((P.flags & 1u) != 0u) { g = -g; }
  var p = W[i];
  if ((P.flags & 2u) != 0u) {
    if ((P.flags & 4u) != 0u) {
      p = p * P.decay_factor;
    } else {
      g = g + p * P.weight_decay;
    }
  }
  let m = M[i] * P.beta1 + g * P.one_minus_beta1;
  let v = V[i] * P.beta2 + (g * P.one_minus_beta2) * g;
  M[i] = m;
  V[i] = v;
  var second = v;
  {{AMSGRAD}}
  let denom = sqrt(second) / P.sqrt_bias2 + P.eps;
  W[i] = p + (m * P.neg_step_size) / denom;
}

//! kernel: sgd
// flags: 1 maximize, 2 weight decay, 4 momentum ({{DECL_BUF}}), 8 first step (buf = d),
// 16 dampening, 32 nesterov.
struct Params {
  n: u32,
  flags: u32,
  lr: f32,
  momentum: f32,
  one_minus_dampening: f32,
  weight_decay: f32,
}
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read_write> W: array<f32>;
@group(0) @binding(2) var<storage, read> G: array<f32>;
{{DECL_BUF}}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let i = flat_index(wg, groups, local);
  if (i >= P.n) { return; }
  var d = G[i];
  if ((P.flags & 1u) != 0u) { d = -d; }
  let p = W[i];
  if ((P.flags & 2u) != 0u) { d = d + p * P.weight_decay; }
  {{MOMENTUM}}
  W[i] = p - d * P.lr;
}
