// deno-fmt-ignore-file
// 2-d convolution forward as an implicit GEMM: out[b, g] = A[g] @ cols[b, g], where A[g] is the
// group's weight rows [Og, R] (with the bias as a last column when `ones`) and cols the im2col
// columns of conv.ts ([R, oH * oW]). The columns are never stored: matmul_f32's loop nest runs
// with its B panels (KC x NC blocks of cols, in NR-column panels) gathered straight from the
// image, RB rows of the block at a time through a small buffer. Same blocking, packing of A and
// register tiles as matmul_f32 on the materialised columns, so every output is the same sum in
// the same order (bit-identical), however the product is split between threads.
import { THREAD } from "./common";
import { gatherRow, validHi, validLo, zeroRow } from "./conv";
import { KC, MC, MR, NC, NR, kernelEdge, kernelFull, matmul_f32_workspace, packA } from "./matmul";

/** Rows of the column block gathered before they are written to the panels. */
const RB = 16;

/** Bytes between rows of the gather buffer: padded so that its rows do not alias in the caches. */
// @ts-ignore: decorator
@inline function rowStride(ncMax: usize): usize {
  return (ncMax + 16) << 2;
}

// @ts-ignore: decorator
@inline function ncMaxOf(l: i32): usize {
  return <usize>((min(l, NC) + NR - 1) / NR * NR);
}

/** Bytes of workspace conv2d_gemm_f32 needs for Og output rows, R rows of columns and L positions. */
export function conv2d_gemm_f32_workspace(og: i32, r: i32, l: i32): usize {
  return matmul_f32_workspace(og, r, l) + RB * rowStride(ncMaxOf(l)) + 64;
}

/**
 * Gathers row q of the columns, positions jc..jc+nc (output row oh0, column ow0 first), to `row`,
 * then zeros up to nc8.
 */
// @ts-ignore: decorator
@inline function gatherColsRow(
  x: usize, q: i32, r: i32, ones: i32, h: i32, w: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32,
  dH: i32, dW: i32, oW: i32, oh0: i32, ow0: i32, nc: i32, nc8: i32, row: usize,
): void {
  if (ones && q == r - 1) {
    const one = f32x4.splat(1.0);
    let i = 0;
    for (; i + 4 <= nc; i += 4) v128.store(row + (<usize>i << 2), one);
    for (; i < nc; i++) store<f32>(row + (<usize>i << 2), 1.0);
  } else {
    const kk = kH * kW;
    const plane = <usize>h * <usize>w;
    const cc = q / kk, rem = q - cc * kk;
    const ki = rem / kW, kj = rem - ki * kW;
    const xPlane = x + ((<usize>cc * plane) << 2);
    const xEnd = xPlane + (plane << 2);
    const offW = kj * dW - pW;
    const lo = min(validLo(offW, sW), oW);
    const hi = max(lo, validHi(offW, sW, w, oW));
    let oh = oh0, ow = ow0, j = 0;
    while (j < nc) {
      // Output positions ow..e of output row oh land at columns j.. of the block.
      const e = min(oW, ow + (nc - j));
      const d = row + (<usize>j << 2);
      const ih = oh * sH - pH + ki * dH;
      if (<u32>ih >= <u32>h) {
        zeroRow(d, e - ow);
      } else {
        const a0 = min(max(ow, lo), e);
        const a1 = max(a0, min(e, hi));
        if (a0 > ow) zeroRow(d, a0 - ow);
        if (a1 > a0) {
          const src = xPlane + ((<usize>ih * <usize>w + <usize>(a0 * sW + offW)) << 2);
          gatherRow(d + (<usize>(a0 - ow) << 2), src, a1 - a0, sW, xEnd);
        }
        if (e > a1) zeroRow(d + (<usize>(a1 - ow) << 2), e - a1);
      }
      j += e - ow;
      oh++;
      ow = 0;
    }
  }
  // The last panel's missing columns are zeros (as packB writes them).
  if (nc8 > nc) zeroRow(row + (<usize>nc << 2), nc8 - nc);
}

/**
 * Packs cols(pc:pc+kc, jc:jc+nc) of one image's group (`x`: its first channel plane) into panels
 * of NR columns (panel[p * NR + j], as matmul's packB). RB rows at a time are gathered into `buf`
 * (rows `stride` bytes apart), then written panel by panel, RB * NR contiguous floats each (a
 * row at a time would write each panel's 32 bytes kc * 32 bytes apart, a power of two that
 * thrashes the caches' sets).
 */
function packBConv(
  x: usize, r: i32, ones: i32, h: i32, w: i32, kH: i32, kW: i32, sH: i32, sW: i32, pH: i32, pW: i32,
  dH: i32, dW: i32, oW: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize, buf: usize, stride: usize,
): void {
  const nc8 = (nc + NR - 1) & ~(NR - 1);
  const oh0 = jc / oW, ow0 = jc - oh0 * oW;
  const panelStep = <usize>kc << 5;
  for (let p0 = 0; p0 < kc; p0 += RB) {
    const pb = min(RB, kc - p0);
    for (let pp = 0; pp < pb; pp++) {
      gatherColsRow(x, pc + p0 + pp, r, ones, h, w, kH, kW, sH, sW, pH, pW, dH, dW, oW, oh0, ow0, nc, nc8, buf + <usize>pp * stride);
    }
    let panel = dst + (<usize>p0 << 5);
    for (let jp = 0; jp < nc8; jp += NR) {
      let s = buf + (<usize>jp << 2), dd = panel;
      for (let pp = 0; pp < pb; pp++) {
        v128.store(dd, v128.load(s), 0);
        v128.store(dd, v128.load(s, 16), 16);
        s += stride;
        dd += NR * 4;
      }
      panel += panelStep;
    }
  }
}

/**
 * The convolution of images [b0, b1) x groups (block index bt = image * groups + group), output
 * rows [i0, i1) of Og and positions [j0, j1) of L = oH * oW, into `c` ([N, G * Og, L]). `a`: the
 * weight rows [G, Og, R] (R = Cg * kH * kW + ones, the bias as last column when `ones`); `x`: the
 * input [N, C, H, W]; `geom`: the 16 i32 words of the geometry (conv2dGeometryWords: batch,
 * channels, height, width, groups, ones, kH, kW, sH, sW, pH, pW, dH, dW, oH, oW; the batch is
 * unused). The workspace of this thread is `work + THREAD * workStride`
 * (conv2d_gemm_f32_workspace bytes). Block starts at multiples of MR and NR give the sums of the
 * unsplit product (as matmul_f32).
 */
export function conv2d_gemm_f32(
  a: usize, x: usize, c: usize, og: i32, work: usize, workStride: usize, geom: usize,
  b0: i32, b1: i32, i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  const ch = load<i32>(geom, 4), h = load<i32>(geom, 8), w = load<i32>(geom, 12);
  const groups = load<i32>(geom, 16), ones = load<i32>(geom, 20);
  const kH = load<i32>(geom, 24), kW = load<i32>(geom, 28), sH = load<i32>(geom, 32), sW = load<i32>(geom, 36);
  const pH = load<i32>(geom, 40), pW = load<i32>(geom, 44), dH = load<i32>(geom, 48), dW = load<i32>(geom, 52);
  const oH = load<i32>(geom, 56), oW = load<i32>(geom, 60);
  const cg = ch / groups;
  const r = cg * kH * kW + ones;
  const m = og, k = r, n = oH * oW;
  const kcMax = <usize>min(k, KC);
  const mcMax = <usize>((min(m, MC) + MR - 1) / MR * MR);
  const ncMax = ncMaxOf(n);
  const stride = rowStride(ncMax);
  const packedA = work + <usize>THREAD * workStride;
  const packedB = packedA + ((mcMax * kcMax * 4 + 15) & ~(<usize>15));
  const buf = packedB + ncMax * kcMax * 4;
  const ldc = <usize>n << 2;
  const plane = <usize>h * <usize>w;
  for (let bt = b0; bt < b1; bt++) {
    const img = bt / groups, g = bt - img * groups;
    const A = a + ((<usize>g * <usize>og * <usize>r) << 2);
    const X = x + (((<usize>img * <usize>ch + <usize>(g * cg)) * plane) << 2);
    const C = c + <usize>bt * <usize>m * ldc;
    if (k == 0) {
      for (let i = i0; i < i1; i++) memory.fill(C + <usize>i * ldc + (<usize>j0 << 2), 0, <usize>(j1 - j0) << 2);
      continue;
    }
    for (let jc = j0; jc < j1; jc += NC) {
      const nc = min(NC, j1 - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = min(KC, k - pc);
        const acc = pc > 0;
        packBConv(X, r, ones, h, w, kH, kW, sH, sW, pH, pW, dH, dW, oW, pc, kc, jc, nc, packedB, buf, stride);
        for (let ic = i0; ic < i1; ic += MC) {
          const mc = min(MC, i1 - ic);
          packA(A, false, m, k, ic, mc, pc, kc, packedA);
          for (let jr = 0; jr < nc; jr += NR) {
            const nr = min(NR, nc - jr);
            const bp = packedB + <usize>jr * <usize>kc * 4;
            for (let ir = 0; ir < mc; ir += MR) {
              const mr = min(MR, mc - ir);
              const cp = C + <usize>(ic + ir) * ldc + (<usize>(jc + jr) << 2);
              const ap = packedA + <usize>ir * <usize>kc * 4;
              if (mr == MR && nr == NR) kernelFull(kc, ap, bp, cp, ldc, acc);
              else kernelEdge(kc, ap, bp, cp, ldc, acc, mr, nr);
            }
          }
        }
      }
    }
  }
}
