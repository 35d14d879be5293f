// deno-fmt-ignore-file
// 2-d convolution support: im2col (NCHW input -> columns for a batched matrix product) and its
// adjoint col2im (sums overlapping windows, the input gradient).
//
// Column layout, for input [N, C, H, W], `groups` groups of Cg = C / groups channels and an
// output of L = oH * oW positions: cols is [N, groups, R, L] with R = Cg * kH * kW + ones, where
// row (cc * kH + ki) * kW + kj of group g holds x[n, g * Cg + cc, ih, iw] for every output
// position (ih = oh * sH - pH + ki * dH, iw = ow * sW - pW + kj * dW; zero outside the input).
// When `ones` is 1 the last row of each group is all ones (it carries the bias through the
// matrix product: weight rows are [w | b]).
import { THREAD } from "./common";
import { matmul_f32 } from "./matmul";

/** Output positions ow with 0 <= ow * s + off < w, as [lo, hi). */
// @ts-ignore: decorator
@inline export function validLo(off: i32, s: i32): i32 {
  // smallest ow >= 0 with ow * s + off >= 0
  return off >= 0 ? 0 : (-off + s - 1) / s;
}

// @ts-ignore: decorator
@inline export function validHi(off: i32, s: i32, w: i32, o: i32): i32 {
  // one past the largest ow with ow * s + off <= w - 1
  const lim = w - 1 - off;
  if (lim < 0) return 0;
  return min(o, lim / s + 1);
}

/** Zeroes `count` floats (rows are short: a loop beats a memory.fill call). */
// @ts-ignore: decorator
@inline export function zeroRow(dst: usize, count: i32): void {
  const z = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), z);
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** dst[ow] = src[ow * s] for ow in [0, count): contiguous copy, even lanes, or scalar. */
// @ts-ignore: decorator
@inline export function gatherRow(dst: usize, src: usize, count: i32, s: i32, srcEnd: usize): void {
  let i = 0;
  if (s == 1) {
    for (; i + 4 <= count; i += 4) {
      const q = <usize>i << 2;
      v128.store(dst + q, v128.load(src + q));
    }
    for (; i < count; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
    return;
  }
  if (s == 2) {
    // 8 inputs -> 4 outputs; the 8th input is read but unused, keep it inside the row.
    for (; i + 4 <= count && src + ((<usize>(i * 2 + 8)) << 2) <= srcEnd; i += 4) {
      const q = src + (<usize>(i * 2) << 2);
      v128.store(dst + (<usize>i << 2), v128.shuffle<f32>(v128.load(q), v128.load(q, 16), 0, 2, 4, 6));
    }
  }
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>(i * s) << 2)));
}

/** dst[ow * s] += src[ow] for ow in [0, count). */
// @ts-ignore: decorator
@inline function scatterRow(dst: usize, src: usize, count: i32, s: i32): void {
  let i = 0;
  if (s == 1) {
    for (; i + 4 <= count; i += 4) {
      const q = <usize>i << 2;
      v128.store(dst + q, f32x4.add(v128.load(dst + q), v128.load(src + q)));
    }
  }
  for (; i < count; i++) {
    const d = dst + (<usize>(i * s) << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>i << 2)));
  }
}

export function im2col_f32(
  x: usize, cols: usize, n: i32, c: i32, h: i32, w: i32, groups: i32, ones: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, oH: i32, oW: i32,
): void {
  const cg = c / groups;
  const kk = kH * kW;
  const r = cg * kk + ones;
  const l = <usize>oH * <usize>oW;
  const lBytes = l << 2;
  const rowBytes = <usize>oW << 2;
  const plane = <usize>h * <usize>w;
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const colBase = cols + (<usize>(b * groups + g) * <usize>r) * lBytes;
      for (let cc = 0; cc < cg; cc++) {
        const xPlane = x + ((<usize>b * <usize>c + <usize>(g * cg + cc)) * plane << 2);
        const xEnd = xPlane + (plane << 2);
        for (let ki = 0; ki < kH; ki++) {
          for (let kj = 0; kj < kW; kj++) {
            let dst = colBase + <usize>((cc * kH + ki) * kW + kj) * lBytes;
            const offW = kj * dW - pW;
            const lo = min(validLo(offW, sW), oW);
            const hi = max(lo, validHi(offW, sW, w, oW));
            for (let oh = 0; oh < oH; oh++) {
              const ih = oh * sH - pH + ki * dH;
              if (<u32>ih >= <u32>h) {
                zeroRow(dst, oW);
              } else {
                if (lo > 0) zeroRow(dst, lo);
                if (hi > lo) {
                  const src = xPlane + ((<usize>ih * <usize>w + <usize>(lo * sW + offW)) << 2);
                  gatherRow(dst + (<usize>lo << 2), src, hi - lo, sW, xEnd);
                }
                if (hi < oW) zeroRow(dst + (<usize>hi << 2), oW - hi);
              }
              dst += rowBytes;
            }
          }
        }
      }
      if (ones) {
        const dst = colBase + <usize>(r - 1) * lBytes;
        const one = f32x4.splat(1.0);
        let i: usize = 0;
        for (; i + 4 <= l; i += 4) v128.store(dst + (i << 2), one);
        for (; i < l; i++) store<f32>(dst + (i << 2), 1.0);
      }
    }
  }
}

export function col2im_f32(
  cols: usize, x: usize, n: i32, c: i32, h: i32, w: i32, groups: i32, ones: i32,
  kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32, oH: i32, oW: i32,
): void {
  const cg = c / groups;
  const kk = kH * kW;
  const r = cg * kk + ones;
  const l = <usize>oH * <usize>oW;
  const lBytes = l << 2;
  const rowBytes = <usize>oW << 2;
  const plane = <usize>h * <usize>w;
  memory.fill(x, 0, (<usize>n * <usize>c * plane) << 2);
  for (let b = 0; b < n; b++) {
    for (let g = 0; g < groups; g++) {
      const colBase = cols + (<usize>(b * groups + g) * <usize>r) * lBytes;
      for (let cc = 0; cc < cg; cc++) {
        const xPlane = x + ((<usize>b * <usize>c + <usize>(g * cg + cc)) * plane << 2);
        for (let ki = 0; ki < kH; ki++) {
          for (let kj = 0; kj < kW; kj++) {
            let src = colBase + <usize>((cc * kH + ki) * kW + kj) * lBytes;
            const offW = kj * dW - pW;
            const lo = min(validLo(offW, sW), oW);
            const hi = max(lo, validHi(offW, sW, w, oW));
            for (let oh = 0; oh < oH; oh++) {
              const ih = oh * sH - pH + ki * dH;
              if (<u32>ih < <u32>h && hi > lo) {
                const dst = xPlane + ((<usize>ih * <usize>w + <usize>(lo * sW + offW)) << 2);
                scatterRow(dst, src + (<usize>lo << 2), hi - lo, sW);
              }
              src += rowBytes;
            }
          }
        }
      }
    }
  }
}

/**
 * The input gradient of an ungrouped convolution without materialising all its columns: for each
 * image b in [0, n), the image's columns `wᵀ @ g[b]` ([C·kH·kW, oH·oW], w is [O, C·kH·kW]) go to
 * this thread's `tmp + THREAD * tmpStride` (small enough to stay in cache) and are summed back
 * into x[b] by col2im. The same products and sums as matmul_f32 over the batch then col2im_f32.
 * `work`/`workStride`: matmul_f32's workspace.
 */
export function conv2d_input_grad_f32(
  w: usize, g: usize, x: usize, tmp: usize, tmpStride: usize, work: usize, workStride: usize, o: i32,
  n: i32, c: i32, h: i32, wd: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32, dH: i32, dW: i32,
  oH: i32, oW: i32,
): void {
  const r = c * kH * kW;
  const l = oH * oW;
  const cols = tmp + <usize>THREAD * tmpStride;
  for (let b = 0; b < n; b++) {
    const gb = g + ((<usize>b * <usize>o * <usize>l) << 2);
    matmul_f32(w, gb, cols, r, o, l, 0, 0, true, false, 0, work, workStride, 0, 1, 0, r, 0, l);
    const xb = x + ((<usize>b * <usize>c * <usize>h * <usize>wd) << 2);
    col2im_f32(cols, xb, 1, c, h, wd, 1, 0, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW);
  }
}
