// 2-d convolution support over NCHW float32: im2col (input -> columns for a batched matrix
// product) and its adjoint col2im (the input gradient), with the CPU backend's layout: cols is
// [batch, groups, R, L], L = out_h * out_w, R = cg * kh * kw (+ 1 ones row carrying the bias),
// row (cc * kh + ki) * kw + kj of group g holding x[b, g * cg + cc, ih, iw] at
// ih = oh * sh - ph + ki * dh, iw = ow * sw - pw + kj * dw (zero outside the input).
// col2im runs one invocation per input element and sums its window entries in the CPU's order
// (ki, then kj), so both backends give the same bits.
// Loops stay within the host's loop budget (llvmpipe ends an invocation after 65,535 loop
// iterations): im2col writes at most `piece` outputs of a row segment per invocation, and col2im
// visits the window entries [t_lo, t_hi) (flattened ki * kw + kj) per dispatch, continuing the
// sum the previous dispatch left in Y, so the additions keep their order.

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
  piece: u32,
  pieces: u32,
  t_lo: u32,
  t_hi: u32,
}

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

//! kernel: im2col
// One invocation per piece of a row segment (b, g, r, oh): the index arithmetic is done once per
// piece and its outputs are written in a loop (G.n counts pieces here, G.pieces per segment).
@group(0) @binding(0) var<uniform> G: Geom;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn im2col(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let t = flat_index(wg, groups, local);
  if (t >= G.n) { return; }
  let seg = t / G.pieces;
  let ow0 = (t % G.pieces) * G.piece;
  let ow1 = min(G.ow, ow0 + G.piece);
  let oh = seg % G.oh;
  let rem = seg / G.oh;
  let r = rem % G.r;
  let bg = rem / G.r;
  let g = bg % G.groups;
  let b = bg / G.groups;
  var o = seg * G.ow;
  if (G.ones != 0u && r == G.r - 1u) {
    for (var ow = ow0; ow < ow1; ow = ow + 1u) { Y[o + ow] = 1.0; }
    return;
  }
  let kk = G.kh * G.kw;
  let cc = r / kk;
  let ki = (r % kk) / G.kw;
  let kj = r % G.kw;
  let ih = i32(oh * G.sh + ki * G.dh) - i32(G.ph);
  if (ih < 0 || ih >= i32(G.height)) {
    for (var ow = ow0; ow < ow1; ow = ow + 1u) { Y[o + ow] = 0.0; }
    return;
  }
  let cg = G.channels / G.groups;
  let row = ((b * G.channels + g * cg + cc) * G.height + u32(ih)) * G.width;
  let sw = i32(G.sw);
  var iw = i32(kj * G.dw) - i32(G.pw) + i32(ow0) * sw;
  let w = i32(G.width);
  for (var ow = ow0; ow < ow1; ow = ow + 1u) {
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
fn col2im(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
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
  if (G.t_lo != 0u) { sum = Y[e]; }
  let ki_first = G.t_lo / G.kw;
  let ki_last = (G.t_hi - 1u) / G.kw;
  for (var ki = ki_first; ki <= ki_last; ki = ki + 1u) {
    let th = i32(ih + G.ph) - i32(ki * G.dh);
    if (th < 0 || (u32(th) % G.sh) != 0u) { continue; }
    let oh = u32(th) / G.sh;
    if (oh >= G.oh) { continue; }
    let kj_lo = select(0u, G.t_lo % G.kw, ki == ki_first);
    let kj_hi = select(G.kw, (G.t_hi - 1u) % G.kw + 1u, ki == ki_last);
    for (var kj = kj_lo; kj < kj_hi; kj = kj + 1u) {
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
