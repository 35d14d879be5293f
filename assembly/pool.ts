// deno-fmt-ignore-file
// 2-d pooling over the planes of [planes, H, W] (planes = N * C), PyTorch's CPU semantics.
//
// maxPool2d: padding reads as -inf (the window is clipped to the input), NaN wins, the first
// maximum wins ties; `idx` gets the flat index ih * W + iw of the maximum within its plane.
// avgPool2d: window clipped to the padded input (pool size) and to the input (summed elements);
// the divisor is `divisor` when non-zero, else the pool size (countIncludePad) or the number of
// summed elements. avgPool2dBackward is its adjoint.
// Outputs whose whole window row lies inside the input are computed four at a time with f32x4.

// @ts-ignore: decorator
@inline function loFor(off: i32, s: i32, o: i32): i32 {
  // smallest ow >= 0 with ow * s + off >= 0 (clamped to o)
  return min(o, off >= 0 ? 0 : (-off + s - 1) / s);
}

// @ts-ignore: decorator
@inline function hiFor(off: i32, s: i32, w: i32, o: i32): i32 {
  // one past the largest ow with ow * s + off <= w - 1
  const lim = w - 1 - off;
  if (lim < 0) return 0;
  return min(o, lim / s + 1);
}

/** Four floats at p, p + s, p + 2s, p + 3s (elements). For s == 2 reads one more element. */
// @ts-ignore: decorator
@inline function lanes(p: usize, s: i32): v128 {
  if (s == 1) return v128.load(p);
  if (s == 2) return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
  const sb = <usize>s << 2;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + sb));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * sb));
  v = f32x4.replace_lane(v, 3, load<f32>(p + 3 * sb));
  return v;
}

/** Max over the window of output (oh row, column ow): scalar, PyTorch's order and NaN rule. */
// @ts-ignore: decorator
@inline function maxOne(
  xp: usize, o: usize, oi: usize, ow: i32, hs: i32, he: i32, w: i32, sW: i32, pW: i32, dH: i32, dW: i32,
  spanW: i32,
): void {
  let ws = ow * sW - pW;
  const we = min(ws + spanW + 1, w);
  while (ws < 0) ws += dW;
  let best: f32 = -Infinity;
  let bi = hs * w + ws;
  for (let ih = hs; ih < he; ih += dH) {
    const row = xp + ((<usize>ih * <usize>w) << 2);
    for (let iw = ws; iw < we; iw += dW) {
      const v = load<f32>(row + (<usize>iw << 2));
      const take = v > best || v != v; // branch-free: data-dependent branches mispredict
      best = select<f32>(v, best, take);
      bi = select<i32>(ih * w + iw, bi, take);
    }
  }
  store<f32>(o + (<usize>ow << 2), best);
  store<i32>(oi + (<usize>ow << 2), bi);
}

/** Max over the windows of outputs ow..ow+3, whose columns all lie inside the row. */
// @ts-ignore: decorator
@inline function maxFour(
  xp: usize, o: usize, oi: usize, ow: i32, hs: i32, he: i32, w: i32, kW: i32, sW: i32, pW: i32, dH: i32,
  dW: i32, pair: bool,
): void {
  const ws = ow * sW - pW;
  const stepv = i32x4(0, sW, 2 * sW, 3 * sW);
  let mv = f32x4.splat(-Infinity);
  let iv = i32x4.add(i32x4.splat(hs * w + ws), stepv);
  if (pair) {
    // 2-wide windows at stride 2: one pair of loads gives both columns of 4 windows.
    for (let ih = hs; ih < he; ih += dH) {
      const q = xp + ((<usize>ih * <usize>w + <usize>ws) << 2);
      const a = v128.load(q), b = v128.load(q, 16);
      const ev = v128.shuffle<f32>(a, b, 0, 2, 4, 6), od = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
      const pos = i32x4.add(i32x4.splat(ih * w + ws), stepv);
      let m = v128.or(f32x4.gt(ev, mv), f32x4.ne(ev, ev));
      mv = v128.bitselect(ev, mv, m);
      iv = v128.bitselect(pos, iv, m);
      m = v128.or(f32x4.gt(od, mv), f32x4.ne(od, od));
      mv = v128.bitselect(od, mv, m);
      iv = v128.bitselect(i32x4.add(pos, i32x4.splat(1)), iv, m);
    }
  } else {
    for (let ih = hs; ih < he; ih += dH) {
      const row = xp + ((<usize>ih * <usize>w) << 2);
      for (let kj = 0; kj < kW; kj++) {
        const iw = ws + kj * dW;
        const v = lanes(row + (<usize>iw << 2), sW);
        const m = v128.or(f32x4.gt(v, mv), f32x4.ne(v, v));
        mv = v128.bitselect(v, mv, m);
        iv = v128.bitselect(i32x4.add(i32x4.splat(ih * w + iw), stepv), iv, m);
      }
    }
  }
  v128.store(o + (<usize>ow << 2), mv);
  v128.store(oi + (<usize>ow << 2), iv);
}

export function maxPool2d_f32(
  x: usize, out: usize, idx: usize, planes: i32, h: i32, w: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, oH: i32, oW: i32,
): void {
  const plane = <usize>h * <usize>w;
  const spanW = (kW - 1) * dW;
  const pair = kW == 2 && sW == 2 && dW == 1;
  // Outputs whose window columns all lie inside the row: [vLo, vHi). The stride-2 lane loads
  // read 8 columns, one past the window unless the windows are 2 wide.
  const vLo = loFor(-pW, sW, oW);
  const vHi = max(vLo, hiFor(-pW + spanW + (sW == 2 && !pair ? 1 : 0), sW, w, oW));
  const simd = vHi - vLo >= 4;
  for (let p = 0; p < planes; p++) {
    const xp = x + ((<usize>p * plane) << 2);
    for (let oh = 0; oh < oH; oh++) {
      let hs = oh * sH - pH;
      const he = min(hs + (kH - 1) * dH + 1, h);
      while (hs < 0) hs += dH;
      const rowOut = (<usize>(p * oH + oh) * <usize>oW) << 2;
      const o = out + rowOut, oi = idx + rowOut;
      if (simd) {
        for (let ow = 0; ow < vLo; ow++) maxOne(xp, o, oi, ow, hs, he, w, sW, pW, dH, dW, spanW);
        // Groups of four; the last group is moved back to end at vHi (recomputing a few outputs).
        for (let ow = vLo; ow < vHi; ow += 4) {
          maxFour(xp, o, oi, min(ow, vHi - 4), hs, he, w, kW, sW, pW, dH, dW, pair);
        }
        for (let ow = vHi; ow < oW; ow++) maxOne(xp, o, oi, ow, hs, he, w, sW, pW, dH, dW, spanW);
      } else {
        for (let ow = 0; ow < oW; ow++) maxOne(xp, o, oi, ow, hs, he, w, sW, pW, dH, dW, spanW);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function avgDivisor(
  divisor: i32, includePad: bool, poolH: i32, poolW: i32, cntH: i32, cntW: i32,
): f32 {
  if (divisor != 0) return <f32>divisor;
  return includePad ? <f32>(poolH * poolW) : <f32>(cntH * cntW);
}

/** Average over the window of output (oh row, column ow), clipped as PyTorch's CPU kernel. */
// @ts-ignore: decorator
@inline function avgOne(
  xp: usize, o: usize, ow: i32, hs: i32, he: i32, poolH: i32, w: i32, kW: i32, sW: i32, pW: i32,
  includePad: bool, divisor: i32,
): void {
  const w0 = ow * sW - pW;
  const w1 = min(w0 + kW, w + pW);
  const poolW = w1 - w0;
  const ws = max(w0, 0), we = min(w1, w);
  let r: f32 = 0;
  if (hs < he && ws < we) {
    let sum: f32 = 0;
    for (let ih = hs; ih < he; ih++) {
      const row = xp + ((<usize>ih * <usize>w) << 2);
      for (let iw = ws; iw < we; iw++) sum += load<f32>(row + (<usize>iw << 2));
    }
    r = sum / avgDivisor(divisor, includePad, poolH, poolW, he - hs, we - ws);
  }
  store<f32>(o + (<usize>ow << 2), r);
}

/** Averages of outputs ow..ow+3, whose window columns lie inside the row (pool width kW). */
// @ts-ignore: decorator
@inline function avgFour(
  xp: usize, o: usize, ow: i32, hs: i32, he: i32, w: i32, kW: i32, sW: i32, pW: i32, pair: bool, d: v128,
): void {
  const ws = ow * sW - pW;
  let acc = f32x4.splat(0);
  for (let ih = hs; ih < he; ih++) {
    const row = xp + ((<usize>ih * <usize>w + <usize>ws) << 2);
    if (pair) {
      // 2-wide windows at stride 2: even + odd lanes of one pair of loads.
      const a = v128.load(row), b = v128.load(row, 16);
      acc = f32x4.add(acc, f32x4.add(v128.shuffle<f32>(a, b, 0, 2, 4, 6), v128.shuffle<f32>(a, b, 1, 3, 5, 7)));
    } else {
      for (let kj = 0; kj < kW; kj++) acc = f32x4.add(acc, lanes(row + (<usize>kj << 2), sW));
    }
  }
  v128.store(o + (<usize>ow << 2), f32x4.div(acc, d));
}

export function avgPool2d_f32(
  x: usize, out: usize, planes: i32, h: i32, w: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, oH: i32, oW: i32,
  countIncludePad: bool, divisor: i32,
): void {
  const plane = <usize>h * <usize>w;
  const pair = kW == 2 && sW == 2;
  const vLo = loFor(-pW, sW, oW);
  const vHi = max(vLo, hiFor(-pW + kW - 1 + (sW == 2 && !pair ? 1 : 0), sW, w, oW));
  const simd = vHi - vLo >= 4;
  for (let p = 0; p < planes; p++) {
    const xp = x + ((<usize>p * plane) << 2);
    for (let oh = 0; oh < oH; oh++) {
      const h0 = oh * sH - pH;
      const h1 = min(h0 + kH, h + pH);
      const poolH = h1 - h0;
      const hs = max(h0, 0), he = min(h1, h);
      const o = out + ((<usize>(p * oH + oh) * <usize>oW) << 2);
      if (simd && he > hs) {
        for (let ow = 0; ow < vLo; ow++) avgOne(xp, o, ow, hs, he, poolH, w, kW, sW, pW, countIncludePad, divisor);
        // Interior windows: pool width = summed width = kW, so one divisor for the row.
        const d = f32x4.splat(avgDivisor(divisor, countIncludePad, poolH, kW, he - hs, kW));
        for (let ow = vLo; ow < vHi; ow += 4) avgFour(xp, o, min(ow, vHi - 4), hs, he, w, kW, sW, pW, pair, d);
        for (let ow = vHi; ow < oW; ow++) avgOne(xp, o, ow, hs, he, poolH, w, kW, sW, pW, countIncludePad, divisor);
      } else {
        for (let ow = 0; ow < oW; ow++) avgOne(xp, o, ow, hs, he, poolH, w, kW, sW, pW, countIncludePad, divisor);
      }
    }
  }
}

/** Adds output ow's share of the gradient over its (clipped) window. */
// @ts-ignore: decorator
@inline function avgBackOne(
  xp: usize, gv: f32, ow: i32, hs: i32, he: i32, poolH: i32, w: i32, kW: i32, sW: i32, pW: i32,
  includePad: bool, divisor: i32,
): void {
  const w0 = ow * sW - pW;
  const w1 = min(w0 + kW, w + pW);
  const poolW = w1 - w0;
  const ws = max(w0, 0), we = min(w1, w);
  if (hs >= he || ws >= we) return;
  const v = gv / avgDivisor(divisor, includePad, poolH, poolW, he - hs, we - ws);
  for (let ih = hs; ih < he; ih++) {
    const row = xp + ((<usize>ih * <usize>w) << 2);
    let iw = ws;
    if (we - ws >= 4) {
      const vv = f32x4.splat(v);
      for (; iw + 4 <= we; iw += 4) {
        const q = row + (<usize>iw << 2);
        v128.store(q, f32x4.add(v128.load(q), vv));
      }
    }
    for (; iw < we; iw++) {
      const q = row + (<usize>iw << 2);
      store<f32>(q, load<f32>(q) + v);
    }
  }
}

export function avgPool2dBackward_f32(
  g: usize, gx: usize, planes: i32, h: i32, w: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, oH: i32, oW: i32,
  countIncludePad: bool, divisor: i32,
): void {
  const plane = <usize>h * <usize>w;
  memory.fill(gx, 0, (<usize>planes * plane) << 2);
  // 2-wide windows at stride 2 inside the row: four outputs spread with two shuffles per row.
  const pair = kW == 2 && sW == 2;
  const vLo = loFor(-pW, sW, oW);
  const vHi = pair ? max(vLo, hiFor(-pW + 1, sW, w, oW)) : vLo;
  for (let p = 0; p < planes; p++) {
    const xp = gx + ((<usize>p * plane) << 2);
    for (let oh = 0; oh < oH; oh++) {
      const h0 = oh * sH - pH;
      const h1 = min(h0 + kH, h + pH);
      const poolH = h1 - h0;
      const hs = max(h0, 0), he = min(h1, h);
      const gp = g + ((<usize>(p * oH + oh) * <usize>oW) << 2);
      let ow = 0;
      if (pair && he > hs) {
        for (; ow < vLo; ow++) {
          avgBackOne(xp, load<f32>(gp + (<usize>ow << 2)), ow, hs, he, poolH, w, kW, sW, pW, countIncludePad, divisor);
        }
        const d = f32x4.splat(avgDivisor(divisor, countIncludePad, poolH, 2, he - hs, 2));
        for (; ow + 4 <= vHi; ow += 4) {
          const gv = f32x4.div(v128.load(gp + (<usize>ow << 2)), d);
          const lo = v128.shuffle<f32>(gv, gv, 0, 0, 1, 1), hi = v128.shuffle<f32>(gv, gv, 2, 2, 3, 3);
          for (let ih = hs; ih < he; ih++) {
            const q = xp + ((<usize>ih * <usize>w + <usize>(ow * 2 - pW)) << 2);
            v128.store(q, f32x4.add(v128.load(q), lo));
            v128.store(q, f32x4.add(v128.load(q, 16), hi), 16);
          }
        }
      }
      for (; ow < oW; ow++) {
        avgBackOne(xp, load<f32>(gp + (<usize>ow << 2)), ow, hs, he, poolH, w, kW, sW, pW, countIncludePad, divisor);
      }
    }
  }
}
