// 2-d convolution support over NCHW float32: im2col (input -> columns for a batched matrix
// product) and its adjoint col2im (the input gradient), with the CPU backend's layout: cols is
// [batch, groups, R, L], L = out_h * out_w, R = cg * kh * kw (+ 1 ones row carrying the bias),
// row (cc * kh + ki) * kw + kj of group g holding x[b, g * cg + cc, ih, iw] at
// ih = oh * sh - ph + ki * dh, iw = ow * sw - pw + kj * dw (zero outside the input).
// col2im runs one invocation per input element and sums its window entries in the CPU's order
// (ki, then kj), so both backends give the same bits.

struct Geom {
  batch: u32,
  channels: u32,
  height: u32,
  width: u32,
  groups: u32,
  ones: u32,
  kh: u32,
  kw: u32,
  sh: u32,
  sw: u32,
  ph: u32,
  pw: u32,
  dh: u32,
  dw: u32,
  oh: u32,
  ow: u32,
  r: u32,
  n: u32,
}

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

//! kernel: im2col
// One invocation per row segment (b, g, r, oh): the index arithmetic is done once per output row
// and the out_w outputs are written in a loop (G.n counts row segments here).
@group(0) @binding(0) var<uniform> G: Geom;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = flat_index(wg, groups, local);
  if (t >= G.n) { return; }
  let oh = t % G.oh;
  let rem = t / G.oh;
  let r = rem % G.r;
  let bg = rem / G.r;
  let g = bg % G.groups;
  let b = bg / G.groups;
  var o = t * G.ow;
  if (G.ones != 0u && r == G.r - 1u) {
    for (var ow = 0u; ow < G.ow; ow = ow + 1u) { Y[o + ow] = 1.0; }
    return;
  }
  let kk = G.kh * G.kw;
  let cc = r / kk;
  let ki = (r % kk) / G.kw;
  let kj = r % G.kw;
  let ih = i32(oh * G.sh + ki * G.dh) - i32(G.ph);
  if (ih < 0 || ih >= i32(G.height)) {
    for (var ow = 0u; ow < G.ow; ow = ow + 1u) { Y[o + ow] = 0.0; }
    return;
  }
  let cg = G.channels / G.groups;
  let row = ((b * G.channels + g * cg + cc) * G.height + u32(ih)) * G.width;
  var iw = i32(kj * G.dw) - i32(G.pw);
  let w = i32(G.width);
  let sw = i32(G.sw);
  for (var ow = 0u; ow < G.ow; ow = ow + 1u) {
    var v = 0.0;
    if (iw >= 0 && iw < w) { v = X[row + u32(iw)]; }
    Y[o + ow] = v;
    iw = iw + sw;
  }
}

//! kernel: col2im
@group(0) @binding(0) var<uniform> G: Geom;
@group(0) @binding(1) var<storage, read> C: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let e = flat_index(wg, groups, local);
  if (e >= G.n) { return; }
  let iw = e % G.width;
  let r1 = e / G.width;
  let ih = r1 % G.height;
  let r2 = r1 / G.height;
  let c = r2 % G.channels;
  let b = r2 / G.channels;
  let cg = G.channels / G.groups;
  let g = c / cg;
  let cc = c % cg;
  let L = G.oh * G.ow;
  let col_base = (b * G.groups + g) * G.r;
  var sum = 0.0;
  for (var ki = 0u; ki < G.kh; ki = ki + 1u) {
    let th = i32(ih + G.ph) - i32(ki * G.dh);
    if (th < 0 || (u32(th) % G.sh) != 0u) { continue; }
    let oh = u32(th) / G.sh;
    if (oh >= G.oh) { continue; }
    for (var kj = 0u; kj < G.kw; kj = kj + 1u) {
      let tw = i32(iw + G.pw) - i32(kj * G.dw);
      if (tw < 0 || (u32(tw) % G.sw) != 0u) { continue; }
      let ow = u32(tw) / G.sw;
      if (ow >= G.ow) { continue; }
      let row = (cc * G.kh + ki) * G.kw + kj;
      sum = sum + C[(col_base + row) * L + oh * G.ow + ow];
    }
  }
  Y[e] = sum;
}
