// deno-fmt-ignore-file
// Batched matrix products C[b] = op(A[b]) @ op(B[b]), C is [batch, m, n] row-major.
//
// float32: Goto/BLIS-style blocking. Panels of B (KC x NR, NR = 8 columns) and of A (MR rows x
// KC) are packed into contiguous buffers (transposition is absorbed by the packing), and an
// MR x 8 register tile of f32x4 accumulators is updated with one splat of A and two vectors of
// B per k step (fused multiply-add in the relaxed-SIMD build).
// int32: a straightforward i-p-j loop with i32x4 rows (wrapping arithmetic).
import { EDGE, THREAD, madd } from "./common";

/**
 * Rows of the register tile. With fused multiply-add, 6 x 8 keeps 12 accumulators, 2 vectors of B
 * and a splat of A in 15 registers; separate mul + add needs a temporary, so the plain-SIMD build
 * uses fewer rows to avoid spills.
 */
const MR_PLAIN = 5;
export const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : MR_PLAIN;
export const NR = 8;
export const KC = 256;
export const MC = 120; // multiple of MR (4, 5 and 6)
export const NC = 2048; // multiple of NR
/** Widest product (columns of C) whose A is read in place rather than packed. */
const DIRECT_A_MAX_N = 32;

/** Bytes of workspace matmul_f32 needs for these sizes. */
export function matmul_f32_workspace(m: i32, k: i32, n: i32): usize {
  const kc = <usize>min(k, KC);
  const mc = <usize>((min(m, MC) + MR - 1) / MR * MR);
  const nc = <usize>((min(n, NC) + NR - 1) / NR * NR);
  return ((mc * kc * 4 + 15) & ~(<usize>15)) + nc * kc * 4 + 64;
}

/** Packs B(pc:pc+kc, jc:jc+nc) into panels of NR columns: panel[p * NR + j]. */
function packB(b: usize, transB: bool, k: i32, n: i32, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const ldb = <usize>(transB ? k : n) << 2;
  for (let jp = 0; jp < nc; jp += NR) {
    const nr = min(NR, nc - jp);
    const j = jc + jp;
    let d = dst + <usize>jp * <usize>kc * 4;
    if (!transB) {
      let s = b + <usize>pc * ldb + (<usize>j << 2);
      if (nr == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(d, v128.load(s, 0), 0);
          v128.store(d, v128.load(s, 16), 16);
          s += ldb;
          d += NR * 4;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          v128.store(d, v128.splat<i32>(0), 0);
          v128.store(d, v128.splat<i32>(0), 16);
          memory.copy(d, s, <usize>nr << 2);
          s += ldb;
          d += NR * 4;
        }
      }
    } else {
      // B is [n, k]: column j of op(B) is row j of B, contiguous in p.
      const s0 = b + <usize>j * ldb + (<usize>pc << 2);
      if (nr == NR) {
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const q = s0 + (<usize>p << 2);
          // Two 4x4 transposes: rows j..j+3 and j+4..j+7 of B, columns p..p+3.
          const r0 = v128.load(q), r1 = v128.load(q + ldb), r2 = v128.load(q + 2 * ldb), r3 = v128.load(q + 3 * ldb);
          const r4 = v128.load(q + 4 * ldb), r5 = v128.load(q + 5 * ldb), r6 = v128.load(q + 6 * ldb), r7 = v128.load(q + 7 * ldb);
          const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
          const t2 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
          const u0 = v128.shuffle<i32>(r4, r5, 0, 4, 1, 5), u1 = v128.shuffle<i32>(r6, r7, 0, 4, 1, 5);
          const u2 = v128.shuffle<i32>(r4, r5, 2, 6, 3, 7), u3 = v128.shuffle<i32>(r6, r7, 2, 6, 3, 7);
          const dd = d + (<usize>p << 5);
          v128.store(dd, v128.shuffle<i64>(t0, t1, 0, 2), 0);
          v128.store(dd, v128.shuffle<i64>(u0, u1, 0, 2), 16);
          v128.store(dd, v128.shuffle<i64>(t0, t1, 1, 3), 32);
          v128.store(dd, v128.shuffle<i64>(u0, u1, 1, 3), 48);
          v128.store(dd, v128.shuffle<i64>(t2, t3, 0, 2), 64);
          v128.store(dd, v128.shuffle<i64>(u2, u3, 0, 2), 80);
          v128.store(dd, v128.shuffle<i64>(t2, t3, 1, 3), 96);
          v128.store(dd, v128.shuffle<i64>(u2, u3, 1, 3), 112);
        }
        for (; p < kc; p++) {
          const q = s0 + (<usize>p << 2);
          const dd = d + (<usize>p << 5);
          for (let jj = 0; jj < NR; jj++) store<f32>(dd + (<usize>jj << 2), load<f32>(q + <usize>jj * ldb));
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const q = s0 + (<usize>p << 2);
          const dd = d + (<usize>p << 5);
          v128.store(dd, v128.splat<i32>(0), 0);
          v128.store(dd, v128.splat<i32>(0), 16);
          for (let jj = 0; jj < nr; jj++) store<f32>(dd + (<usize>jj << 2), load<f32>(q + <usize>jj * ldb));
        }
      }
    }
  }
}

/** Packs A(ic:ic+mc, pc:pc+kc) into panels of MR rows: panel[p * MR + r]. */
export function packA(a: usize, transA: bool, m: i32, k: i32, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  const lda = <usize>(transA ? m : k) << 2;
  for (let ip = 0; ip < mc; ip += MR) {
    const mr = min(MR, mc - ip);
    const i = ic + ip;
    const d = dst + <usize>ip * <usize>kc * 4;
    if (!transA) {
      // Row i+r of A is contiguous in p.
      if (mr == MR) {
        const s = a + <usize>i * lda + (<usize>pc << 2);
        const step: usize = MR * 4;
        let p = 0;
        for (; p + 4 <= kc; p += 4) {
          const q = s + (<usize>p << 2);
          // 4x4 transpose of rows 0..3 (columns p..p+3), then rows 4 and 5 two at a time.
          const r0 = v128.load(q), r1 = v128.load(q + lda), r2 = v128.load(q + 2 * lda), r3 = v128.load(q + 3 * lda);
          const t0 = v128.shuffle<i32>(r0, r1, 0, 4, 1, 5), t1 = v128.shuffle<i32>(r2, r3, 0, 4, 1, 5);
          const t2 = v128.shuffle<i32>(r0, r1, 2, 6, 3, 7), t3 = v128.shuffle<i32>(r2, r3, 2, 6, 3, 7);
          const dd = d + <usize>p * step;
          v128.store(dd, v128.shuffle<i64>(t0, t1, 0, 2), 0);
          v128.store(dd + step, v128.shuffle<i64>(t0, t1, 1, 3), 0);
          v128.store(dd + 2 * step, v128.shuffle<i64>(t2, t3, 0, 2), 0);
          v128.store(dd + 3 * step, v128.shuffle<i64>(t2, t3, 1, 3), 0);
          if (MR == 5) {
            const r4 = v128.load(q + 4 * lda);
            v128.store32_lane(dd, r4, 0, 16);
            v128.store32_lane(dd + step, r4, 1, 16);
            v128.store32_lane(dd + 2 * step, r4, 2, 16);
            v128.store32_lane(dd + 3 * step, r4, 3, 16);
          } else if (MR == 6) {
            const r4 = v128.load(q + 4 * lda), r5 = v128.load(q + 5 * lda);
            const u0 = v128.shuffle<i32>(r4, r5, 0, 4, 1, 5), u2 = v128.shuffle<i32>(r4, r5, 2, 6, 3, 7);
            v128.store64_lane(dd, u0, 0, 16);
            v128.store64_lane(dd + step, u0, 1, 16);
            v128.store64_lane(dd + 2 * step, u2, 0, 16);
            v128.store64_lane(dd + 3 * step, u2, 1, 16);
          }
        }
        for (; p < kc; p++) {
          const q = s + (<usize>p << 2);
          const dd = d + <usize>p * step;
          for (let r = 0; r < MR; r++) store<f32>(dd + (<usize>r << 2), load<f32>(q + <usize>r * lda));
        }
      } else {
        for (let p = 0; p < kc; p++) {
          const dd = d + <usize>p * (MR * 4);
          for (let r = 0; r < MR; r++) {
            store<f32>(dd + (<usize>r << 2), r < mr ? load<f32>(a + <usize>(i + r) * lda + (<usize>(pc + p) << 2)) : 0);
          }
        }
      }
    } else {
      // A is [k, m]: for each p the MR rows are contiguous.
      let s = a + <usize>pc * lda + (<usize>i << 2);
      let dd = d;
      if (mr == MR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dd, v128.load(s));
          if (MR == 5) store<f32>(dd, load<f32>(s, 16), 16);
          else if (MR == 6) v128.store64_lane(dd, v128.load64_zero(s, 16), 0, 16);
          s += lda;
          dd += MR * 4;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let r = 0; r < MR; r++) store<f32>(dd + (<usize>r << 2), r < mr ? load<f32>(s + (<usize>r << 2)) : 0);
          s += lda;
          dd += MR * 4;
        }
      }
    }
  }
}

/** C[0:MR, 0:8] (+)= Apanel @ Bpanel over kc steps; ldc in bytes. */
// @ts-ignore: decorator
@inline function kernel(kc: i32, a: usize, b: usize, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = v128.splat<i32>(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  if (accumulate) {
    c00 = v128.load(c, 0); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc, 0); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc, 0); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc, 0); c31 = v128.load(c + 3 * ldc, 16);
    if (MR > 4) { c40 = v128.load(c + 4 * ldc, 0); c41 = v128.load(c + 4 * ldc, 16); }
    if (MR > 5) { c50 = v128.load(c + 5 * ldc, 0); c51 = v128.load(c + 5 * ldc, 16); }
  }
  let pa = a, pb = b;
  const end = b + <usize>kc * (NR * 4);
  while (pb < end) {
    const b0 = v128.load(pb, 0);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(pa, 0);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(pa, 4);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(pa, 8);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(pa, 12);
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    if (MR > 4) {
      av = v128.load32_splat(pa, 16);
      c40 = madd(av, b0, c40); c41 = madd(av, b1, c41);
    }
    if (MR > 5) {
      av = v128.load32_splat(pa, 20);
      c50 = madd(av, b0, c50); c51 = madd(av, b1, c51);
    }
    pa += MR * 4;
    pb += NR * 4;
  }
  v128.store(c, c00, 0); v128.store(c, c01, 16);
  v128.store(c + ldc, c10, 0); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20, 0); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30, 0); v128.store(c + 3 * ldc, c31, 16);
  if (MR > 4) { v128.store(c + 4 * ldc, c40, 0); v128.store(c + 4 * ldc, c41, 16); }
  if (MR > 5) { v128.store(c + 5 * ldc, c50, 0); v128.store(c + 5 * ldc, c51, 16); }
}

/**
 * The same tile with A read in place (not packed): row r of the tile is `a + r * lda`, contiguous
 * in k. Same products in the same order as `kernel`, so the sums are identical.
 */
// @ts-ignore: decorator
@inline function kernelA(kc: i32, a: usize, lda: usize, b: usize, c: usize, ldc: usize, accumulate: bool): void {
  let c00 = v128.splat<i32>(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  let c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  if (accumulate) {
    c00 = v128.load(c, 0); c01 = v128.load(c, 16);
    c10 = v128.load(c + ldc, 0); c11 = v128.load(c + ldc, 16);
    c20 = v128.load(c + 2 * ldc, 0); c21 = v128.load(c + 2 * ldc, 16);
    c30 = v128.load(c + 3 * ldc, 0); c31 = v128.load(c + 3 * ldc, 16);
    if (MR > 4) { c40 = v128.load(c + 4 * ldc, 0); c41 = v128.load(c + 4 * ldc, 16); }
    if (MR > 5) { c50 = v128.load(c + 5 * ldc, 0); c51 = v128.load(c + 5 * ldc, 16); }
  }
  let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
  let pb = b;
  const end = b + <usize>kc * (NR * 4);
  while (pb < end) {
    const b0 = v128.load(pb, 0);
    const b1 = v128.load(pb, 16);
    let av = v128.load32_splat(a0);
    c00 = madd(av, b0, c00); c01 = madd(av, b1, c01);
    av = v128.load32_splat(a1);
    c10 = madd(av, b0, c10); c11 = madd(av, b1, c11);
    av = v128.load32_splat(a2);
    c20 = madd(av, b0, c20); c21 = madd(av, b1, c21);
    av = v128.load32_splat(a3);
    c30 = madd(av, b0, c30); c31 = madd(av, b1, c31);
    if (MR > 4) {
      av = v128.load32_splat(a4);
      c40 = madd(av, b0, c40); c41 = madd(av, b1, c41);
      a4 += 4;
    }
    if (MR > 5) {
      av = v128.load32_splat(a5);
      c50 = madd(av, b0, c50); c51 = madd(av, b1, c51);
      a5 += 4;
    }
    a0 += 4; a1 += 4; a2 += 4; a3 += 4;
    pb += NR * 4;
  }
  v128.store(c, c00, 0); v128.store(c, c01, 16);
  v128.store(c + ldc, c10, 0); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20, 0); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30, 0); v128.store(c + 3 * ldc, c31, 16);
  if (MR > 4) { v128.store(c + 4 * ldc, c40, 0); v128.store(c + 4 * ldc, c41, 16); }
  if (MR > 5) { v128.store(c + 5 * ldc, c50, 0); v128.store(c + 5 * ldc, c51, 16); }
}

export function kernelFull(kc: i32, a: usize, b: usize, c: usize, ldc: usize, accumulate: bool): void {
  if (accumulate) kernel(kc, a, b, c, ldc, true);
  else kernel(kc, a, b, c, ldc, false);
}

/** kernelA on a full tile; lda in bytes. */
function kernelAFull(kc: i32, a: usize, lda: usize, b: usize, c: usize, ldc: usize, accumulate: bool): void {
  if (accumulate) kernelA(kc, a, lda, b, c, ldc, true);
  else kernelA(kc, a, lda, b, c, ldc, false);
}

/** kernelA on a tile of full rows and `nr` < 8 columns (through the EDGE scratch tile). */
function kernelAEdge(kc: i32, a: usize, lda: usize, b: usize, c: usize, ldc: usize, accumulate: bool, nr: i32): void {
  kernelA(kc, a, lda, b, EDGE, NR * 4, false);
  edgeStore(c, ldc, accumulate, MR, nr);
}

export function kernelEdge(kc: i32, a: usize, b: usize, c: usize, ldc: usize, accumulate: bool, mr: i32, nr: i32): void {
  kernel(kc, a, b, EDGE, NR * 4, false);
  edgeStore(c, ldc, accumulate, mr, nr);
}

/** Writes (or adds) the mr x nr corner of the EDGE tile to C. */
function edgeStore(c: usize, ldc: usize, accumulate: bool, mr: i32, nr: i32): void {
  for (let r = 0; r < mr; r++) {
    const row = c + <usize>r * ldc;
    for (let j = 0; j < nr; j++) {
      const q = row + (<usize>j << 2);
      const v = load<f32>(EDGE + <usize>(r * NR + j) * 4);
      store<f32>(q, accumulate ? load<f32>(q) + v : v);
    }
  }
}

/** Sets every row of the rows x cols block at `c` (row stride ldc bytes) to the cols values at `bias`. */
function fillRows(c: usize, ldc: usize, bias: usize, rows: i32, cols: i32): void {
  const row = <usize>cols << 2;
  for (let i = 0; i < rows; i++) memory.copy(c + <usize>i * ldc, bias, row);
}

/** Register-tile rows of this build (tiles split at multiples of it give the same sums). */
export function matmul_f32_mr(): i32 {
  return MR;
}

/**
 * C[b] = op(A[b]) @ op(B[b]), plus `bias` (n values added to every row; 0: none), for the block
 * of batches [b0, b1), rows [i0, i1) and columns [j0, j1) of C. The workspace of this thread is
 * `work + THREAD * workStride` (matmul_f32_workspace bytes). Blocks whose row and column starts are
 * multiples of MR and NR use the register tiles the whole product uses, so every element is the
 * same sum in the same order however the product is split between threads.
 */
export function matmul_f32(
  a: usize, b: usize, c: usize, m: i32, k: i32, n: i32, aStride: i32, bStride: i32,
  transA: bool, transB: bool, bias: usize, work: usize, workStride: usize,
  b0: i32, b1: i32, i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  const kcMax = <usize>min(k, KC);
  const mcMax = <usize>((min(m, MC) + MR - 1) / MR * MR);
  const packedA = work + <usize>THREAD * workStride;
  const packedB = packedA + ((mcMax * kcMax * 4 + 15) & ~(<usize>15));
  const ldc = <usize>n << 2;
  // A few columns reuse each packed panel of A only n / 8 times: not worth packing its rows
  // (decided on the whole product's shape, so every thread's block takes the same path).
  const directA = !transA && n <= DIRECT_A_MAX_N;
  const lda = <usize>k << 2;
  for (let bt = b0; bt < b1; bt++) {
    const A = a + ((<usize>bt * <usize>aStride) << 2);
    const B = b + ((<usize>bt * <usize>bStride) << 2);
    const C = c + <usize>bt * <usize>m * ldc;
    const corner = C + <usize>i0 * ldc + (<usize>j0 << 2);
    if (bias != 0) fillRows(corner, ldc, bias + (<usize>j0 << 2), i1 - i0, j1 - j0);
    if (k == 0) {
      if (bias == 0) for (let i = i0; i < i1; i++) memory.fill(C + <usize>i * ldc + (<usize>j0 << 2), 0, <usize>(j1 - j0) << 2);
      continue;
    }
    for (let jc = j0; jc < j1; jc += NC) {
      const nc = min(NC, j1 - jc);
      for (let pc = 0; pc < k; pc += KC) {
        const kc = min(KC, k - pc);
        const acc = pc > 0 || bias != 0;
        packB(B, transB, k, n, pc, kc, jc, nc, packedB);
        for (let ic = i0; ic < i1; ic += MC) {
          const mc = min(MC, i1 - ic);
          // Direct A: only a last partial panel of rows is packed.
          const full = directA ? mc - mc % MR : 0;
          if (full < mc) packA(A, transA, m, k, ic + full, mc - full, pc, kc, packedA + <usize>full * <usize>kc * 4);
          for (let jr = 0; jr < nc; jr += NR) {
            const nr = min(NR, nc - jr);
            const bp = packedB + <usize>jr * <usize>kc * 4;
            for (let ir = 0; ir < mc; ir += MR) {
              const mr = min(MR, mc - ir);
              const cp = C + <usize>(ic + ir) * ldc + (<usize>(jc + jr) << 2);
              if (ir < full) {
                const ap = A + <usize>(ic + ir) * lda + (<usize>pc << 2);
                if (nr == NR) kernelAFull(kc, ap, lda, bp, cp, ldc, acc);
                else kernelAEdge(kc, ap, lda, bp, cp, ldc, acc, nr);
                continue;
              }
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

const I32_KB = 128;
const I32_NB = 256;

/** Bytes of workspace matmul_i32 needs. */
export function matmul_i32_workspace(_m: i32, k: i32, n: i32): usize {
  return (<usize>k * <usize>n << 2) + 64;
}

export function matmul_i32(
  a: usize, b: usize, c: usize, batch: i32, m: i32, k: i32, n: i32,
  aStride: i32, bStride: i32, transA: bool, transB: bool, work: usize,
): void {
  const ldc = <usize>n << 2;
  for (let bt = 0; bt < batch; bt++) {
    const A = a + ((<usize>bt * <usize>aStride) << 2);
    let B = b + ((<usize>bt * <usize>bStride) << 2);
    const C = c + <usize>bt * <usize>m * ldc;
    if (transB) {
      // B is [n, k]; write it as [k, n].
      for (let j = 0; j < n; j++) {
        for (let p = 0; p < k; p++) {
          store<i32>(work + ((<usize>p * <usize>n + <usize>j) << 2), load<i32>(B + ((<usize>j * <usize>k + <usize>p) << 2)));
        }
      }
      B = work;
    }
    memory.fill(C, 0, <usize>m * ldc);
    // Blocks of B (I32_KB x I32_NB) stay in cache while every row of A sweeps them.
    for (let j0 = 0; j0 < n; j0 += I32_NB) {
      const j1 = min(j0 + I32_NB, n);
      for (let p0 = 0; p0 < k; p0 += I32_KB) {
        const p1 = min(p0 + I32_KB, k);
        for (let i = 0; i < m; i++) {
          const row = C + <usize>i * ldc;
          for (let p = p0; p < p1; p++) {
            const av = transA ? load<i32>(A + ((<usize>p * <usize>m + <usize>i) << 2)) : load<i32>(A + ((<usize>i * <usize>k + <usize>p) << 2));
            if (av == 0) continue;
            const avv = i32x4.splat(av);
            const brow = B + <usize>p * ldc;
            let j = j0;
            for (; j + 4 <= j1; j += 4) {
              const q = <usize>j << 2;
              v128.store(row + q, i32x4.add(v128.load(row + q), i32x4.mul(avv, v128.load(brow + q))));
            }
            for (; j < j1; j++) {
              const q = <usize>j << 2;
              store<i32>(row + q, load<i32>(row + q) + av * load<i32>(brow + q));
            }
          }
        }
      }
    }
  }
}
