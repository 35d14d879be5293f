// 2-d pooling over the planes of [planes, H, W] float32, with the CPU backend's (PyTorch's CPU)
// semantics, in the CPU's order of operations so both backends give the same bits:
// max: windows clipped to the input (padding reads as -inf), `v > best || v is NaN` takes (the
// last NaN wins, as PyTorch), indices are ih * W + iw within the plane;
// avg: the window is clipped to the padded input (pool size) and to the input (summed elements);
// the divisor is `divisor` when non-zero, else the pool size (count_include_pad) or the number of
// summed elements; avg backward runs one invocation per input element and gathers the windows
// that cover it, in the CPU's (oh, ow) order. The CPU sums 2-wide windows at stride 2 whose
// columns lie inside the row ([pair_lo, pair_hi), set by the host when its vector path runs) as
// (x[iw] + x[iw + 1]) per row; so does the avg kernel there.
// Loops stay within the host's loop budget (llvmpipe ends an invocation after 65,535 loop
// iterations): each kernel visits the positions of its window that lie inside the input (backward:
// the windows that cover its element) in row-major order, flattened as a * nw + b on a grid `nw`
// wide, and a dispatch visits only [t_lo, t_hi) of them, continuing from the state the previous
// dispatch left in the outputs (running max and index, running sum); `last` marks the final one.
//! include: math

struct Geom {
  planes: u32,
  height: u32,
  width: u32,
  kh: u32,
  kw: u32,
  sh: u32,
  sw: u32,
  ph: i32,
  pw: i32,
  dh: u32,
  dw: u32,
  oh: u32,
  ow: u32,
  include_pad: u32,
  divisor: i32,
  n: u32,
  pair_lo: u32,
  pair_hi: u32,
  t_lo: u32,
  t_hi: u32,
  nw: u32,
  last: u32,
}

fn flat_index(wg: vec3<u32>, groups: vec3<u32>, local: u32) -> u32 {
  return (wg.y * groups.x + wg.x) * 256u + local;
}

/** First window position >= 0 of a window starting at s0 with step d. */
fn first_inside(s0: i32, d: i32) -> i32 {
  if (s0 >= 0) { return s0; }
  return s0 + ((-s0 + d - 1) / d) * d;
}

fn avg_divisor(poolh: i32, poolw: i32, cnth: i32, cntw: i32) -> f32 {
  if (G.divisor != 0) { return f32(G.divisor); }
  if (G.include_pad != 0u) { return f32(poolh * poolw); }
  return f32(cnth * cntw);
}

//! kernel: maxPool2d
@group(0) @binding(0) var<uniform> G: Geom;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> YI: array<i32>;

@compute @workgroup_size(256)
fn maxPool2d(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let e = flat_index(wg, groups, local);
  if (e >= G.n) { return; }
  let ow = e % G.ow;
  let r = e / G.ow;
  let oh = r % G.oh;
  let p = r / G.oh;
  let H = i32(G.height);
  let W = i32(G.width);
  let dh = i32(G.dh);
  let dw = i32(G.dw);
  let hs0 = i32(oh * G.sh) - G.ph;
  let he = min(hs0 + (i32(G.kh) - 1) * dh + 1, H);
  let hs = first_inside(hs0, dh);
  let ws0 = i32(ow * G.sw) - G.pw;
  let we = min(ws0 + (i32(G.kw) - 1) * dw + 1, W);
  let ws = first_inside(ws0, dw);
  let base = p * G.height * G.width;
  var best = f_neg(f_inf());
  var bi = hs * W + ws;
  if (G.t_lo != 0u) {
    best = Y[e];
    bi = YI[e];
  }
  // Inside positions: rows a < nh (ih = hs + a * dh), columns b < nwe (iw = ws + b * dw).
  let nh = u32(max(he - hs + dh - 1, 0) / dh);
  let nwe = u32(max(we - ws + dw - 1, 0) / dw);
  let a_first = G.t_lo / G.nw;
  let a_last = min((G.t_hi - 1u) / G.nw + 1u, nh);
  for (var a = a_first; a < a_last; a = a + 1u) {
    let b_lo = select(0u, G.t_lo % G.nw, a == a_first);
    let b_hi = min(select(G.nw, (G.t_hi - 1u) % G.nw + 1u, a == (G.t_hi - 1u) / G.nw), nwe);
    let ih = hs + i32(a) * dh;
    for (var b = b_lo; b < b_hi; b = b + 1u) {
      let iw = ws + i32(b) * dw;
      let v = X[base + u32(ih * W + iw)];
      if (is_nan(v) || (!is_nan(best) && v > best)) {
        best = v;
        bi = ih * W + iw;
      }
    }
  }
  Y[e] = best;
  YI[e] = bi;
}

//! kernel: avgPool2d
@group(0) @binding(0) var<uniform> G: Geom;
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn avgPool2d(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let e = flat_index(wg, groups, local);
  if (e >= G.n) { return; }
  let ow = e % G.ow;
  let r = e / G.ow;
  let oh = r % G.oh;
  let p = r / G.oh;
  let H = i32(G.height);
  let W = i32(G.width);
  let h0 = i32(oh * G.sh) - G.ph;
  let h1 = min(h0 + i32(G.kh), H + G.ph);
  let hs = max(h0, 0);
  let he = min(h1, H);
  let w0 = i32(ow * G.sw) - G.pw;
  let w1 = min(w0 + i32(G.kw), W + G.pw);
  let ws = max(w0, 0);
  let we = min(w1, W);
  if (hs >= he || ws >= we) {
    Y[e] = 0.0;
    return;
  }
  let base = p * G.height * G.width;
  var sum = 0.0;
  if (G.t_lo != 0u) { sum = Y[e]; }
  // Inside rows a < nh (ih = hs + a), columns b < nwe (iw = ws + b); 2-wide pairs keep their row
  // in one dispatch (the host's slices are even and nw is 2).
  let nh = u32(he - hs);
  let nwe = u32(we - ws);
  let a_first = G.t_lo / G.nw;
  let a_last = min((G.t_hi - 1u) / G.nw + 1u, nh);
  let pairs = ow >= G.pair_lo && ow < G.pair_hi;
  for (var a = a_first; a < a_last; a = a + 1u) {
    let row = base + u32((hs + i32(a)) * W + ws);
    if (pairs) {
      sum = sum + (X[row] + X[row + 1u]);
      continue;
    }
    let b_lo = select(0u, G.t_lo % G.nw, a == a_first);
    let b_hi = min(select(G.nw, (G.t_hi - 1u) % G.nw + 1u, a == (G.t_hi - 1u) / G.nw), nwe);
    for (var b = b_lo; b < b_hi; b = b + 1u) {
      sum = sum + X[row + b];
    }
  }
  if (G.last != 0u) {
    sum = sum / avg_divisor(h1 - h0, w1 - w0, he - hs, we - ws);
  }
  Y[e] = sum;
}

//! kernel: avgPool2dBackward
@group(0) @binding(0) var<uniform> G: Geom;
@group(0) @binding(1) var<storage, read> GO: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;

@compute @workgroup_size(256)
fn avgPool2dBackward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>,
        @builtin(local_invocation_index) local: u32) {
  let e = flat_index(wg, groups, local);
  if (e >= G.n) { return; }
  let iw = i32(e % G.width);
  let r = e / G.width;
  let ih = i32(r % G.height);
  let p = r / G.height;
  let H = i32(G.height);
  let W = i32(G.width);
  let sh = i32(G.sh);
  let sw = i32(G.sw);
  let kh = i32(G.kh);
  let kw = i32(G.kw);
  // Windows [o * s - pad, o * s - pad + k) that contain the element.
  var oh_lo = 0;
  let th = ih + G.ph - kh + 1;
  if (th > 0) { oh_lo = (th + sh - 1) / sh; }
  let oh_hi = min((ih + G.ph) / sh, i32(G.oh) - 1);
  var ow_lo = 0;
  let tw = iw + G.pw - kw + 1;
  if (tw > 0) { ow_lo = (tw + sw - 1) / sw; }
  let ow_hi = min((iw + G.pw) / sw, i32(G.ow) - 1);
  var acc = 0.0;
  if (G.t_lo != 0u) { acc = Y[e]; }
  // Covering windows: rows a < nh (oh = oh_lo + a), columns b < nwe (ow = ow_lo + b).
  let nh = u32(max(oh_hi - oh_lo + 1, 0));
  let nwe = u32(max(ow_hi - ow_lo + 1, 0));
  let a_first = G.t_lo / G.nw;
  let a_last = min((G.t_hi - 1u) / G.nw + 1u, nh);
  for (var a = a_first; a < a_last; a = a + 1u) {
    let oh = oh_lo + i32(a);
    let h0 = oh * sh - G.ph;
    let h1 = min(h0 + kh, H + G.ph);
    let hs = max(h0, 0);
    let he = min(h1, H);
    let b_lo = select(0u, G.t_lo % G.nw, a == a_first);
    let b_hi = min(select(G.nw, (G.t_hi - 1u) % G.nw + 1u, a == (G.t_hi - 1u) / G.nw), nwe);
    for (var b = b_lo; b < b_hi; b = b + 1u) {
      let ow = ow_lo + i32(b);
      let w0 = ow * sw - G.pw;
      let w1 = min(w0 + kw, W + G.pw);
      let ws = max(w0, 0);
      let we = min(w1, W);
      let g = GO[(p * G.oh + u32(oh)) * G.ow + u32(ow)];
      acc = acc + g / avg_divisor(h1 - h0, w1 - w0, he - hs, we - ws);
    }
  }
  Y[e] = acc;
}
