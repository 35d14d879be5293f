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

export function maxPool2d_f32(
  x: usize, out: usize, idx: usize, planes: i32, h: i32, w: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, oH: i32, oW: i32,
): void {
  const plane = <usize>h * <usize>w;
  const spanW = (kW - 1) * dW;
  // Outputs whose window columns all lie inside the row (s == 2 reads one column more).
  const vLo = loFor(-pW, sW, oW);
  const vHi = max(vLo, hiFor(-pW + spanW + (sW == 2 ? 1 : 0), sW, w, oW));
  const stepv = i32x4(0, sW, 2 * sW, 3 * sW);
  const negInf = f32x4.splat(-Infinity);
  let o = out, oi = idx;
  for (let p = 0; p < planes; p++) {
    const xp = x + ((<usize>p * plane) << 2);
    for (let oh = 0; oh < oH; oh++) {
      let hs = oh * sH - pH;
      const he = min(hs + (kH - 1) * dH + 1, h);
      while (hs < 0) hs += dH;
      let ow = 0;
      while (ow < oW) {
        if (ow >= vLo && ow + 4 <= vHi) {
          const ws = ow * sW - pW;
          let mv = negInf;
          let iv = i32x4.add(i32x4.splat(hs * w + ws), stepv);
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
          v128.store(o, mv);
          v128.store(oi, iv);
          o += 16;
          oi += 16;
          ow += 4;
          continue;
        }
        let ws = ow * sW - pW;
        const we = min(ws + spanW + 1, w);
        while (ws < 0) ws += dW;
        let best: f32 = -Infinity;
        let bi = hs * w + ws;
        for (let ih = hs; ih < he; ih += dH) {
          const row = xp + ((<usize>ih * <usize>w) << 2);
          for (let iw = ws; iw < we; iw += dW) {
            const v = load<f32>(row + (<usize>iw << 2));
            if (v > best || v != v) {
              best = v;
              bi = ih * w + iw;
            }
          }
        }
        store<f32>(o, best);
        store<i32>(oi, bi);
        o += 4;
        oi += 4;
        ow++;
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

export function avgPool2d_f32(
  x: usize, out: usize, planes: i32, h: i32, w: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, oH: i32, oW: i32,
  countIncludePad: bool, divisor: i32,
): void {
  const plane = <usize>h * <usize>w;
  const vLo = loFor(-pW, sW, oW);
  const vHi = max(vLo, hiFor(-pW + kW - 1 + (sW == 2 ? 1 : 0), sW, w, oW));
  let o = out;
  for (let p = 0; p < planes; p++) {
    const xp = x + ((<usize>p * plane) << 2);
    for (let oh = 0; oh < oH; oh++) {
      const h0 = oh * sH - pH;
      const h1 = min(h0 + kH, h + pH);
      const poolH = h1 - h0;
      const hs = max(h0, 0), he = min(h1, h);
      let ow = 0;
      while (ow < oW) {
        if (ow >= vLo && ow + 4 <= vHi) {
          // Window columns fully inside: pool width = summed width = kW.
          const ws = ow * sW - pW;
          let acc = f32x4.splat(0);
          for (let ih = hs; ih < he; ih++) {
            const row = xp + ((<usize>ih * <usize>w + <usize>ws) << 2);
            for (let kj = 0; kj < kW; kj++) acc = f32x4.add(acc, lanes(row + (<usize>kj << 2), sW));
          }
          const d = he > hs ? avgDivisor(divisor, countIncludePad, poolH, kW, he - hs, kW) : <f32>1;
          v128.store(o, he > hs ? f32x4.div(acc, f32x4.splat(d)) : f32x4.splat(0));
          o += 16;
          ow += 4;
          continue;
        }
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
          r = sum / avgDivisor(divisor, countIncludePad, poolH, poolW, he - hs, we - ws);
        }
        store<f32>(o, r);
        o += 4;
        ow++;
      }
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
  let gp = g;
  for (let p = 0; p < planes; p++) {
    const xp = gx + ((<usize>p * plane) << 2);
    for (let oh = 0; oh < oH; oh++) {
      const h0 = oh * sH - pH;
      const h1 = min(h0 + kH, h + pH);
      const poolH = h1 - h0;
      const hs = max(h0, 0), he = min(h1, h);
      for (let ow = 0; ow < oW; ow++) {
        const w0 = ow * sW - pW;
        const w1 = min(w0 + kW, w + pW);
        const poolW = w1 - w0;
        const ws = max(w0, 0), we = min(w1, w);
        const gv = load<f32>(gp);
        gp += 4;
        if (hs >= he || ws >= we) continue;
        const v = gv / avgDivisor(divisor, countIncludePad, poolH, poolW, he - hs, we - ws);
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
    }
  }
}
