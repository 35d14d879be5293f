/**
 * The pipeline tour's linear-algebra and special-function part (see `pipeline_tour.ts`): batched LU
 * solves, Cholesky, triangular solves, the decompositions (QR, LU, LDLᵀ, Jacobi eigh and SVD) and every
 * special function, each on the CPU and the GPU backends through the tour's `check`.
 * @module
 */
import { SPECIAL2_OPS, SPECIAL_OPS } from "../../src/backends/backend.ts";
import type { Step, Tol } from "./pipeline_tour.ts";

/** Runs this part of the tour with the tour's `check` and its deterministic `floats`. */
export async function linalgAndSpecialTour(
  check: (what: string, tol: Tol, step: Step) => Promise<void>,
  floats: (n: number, seed: number, lo?: number, hi?: number) => Float32Array,
): Promise<void> {
  // torch.linalg's batched LU solves (the inverse, a right-hand side, the determinant statistics
  // alone), Cholesky factorisations and triangular solves, on diagonally dominant matrices: small ones in one dispatch,
  // n = 120 split over several on a CPU-tuned adapter.
  for (const [batch, n] of [[3, 4], [1, 120]] as const) {
    const a = floats(batch * n * n, 41 + n, -1, 1);
    for (let i = 0; i < batch * n; i++) a[i * n + (i % n)] += n;
    const rhs = floats(batch * n * 2, 43, -1, 1);
    const spd = new Float32Array(batch * n * n);
    for (let m = 0; m < batch; m++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let s = i === j ? n : 0;
          for (let k = 0; k < n; k++) s += a[m * n * n + i * n + k] * a[m * n * n + j * n + k] / (n * n);
          spd[m * n * n + i * n + j] = s;
        }
      }
    }
    const tol = { rtol: 1e-4, atol: 1e-5 };
    for (const [label, r, k] of [["identity", "identity", n], ["B", "rhs", 2], ["stats", null, 0]] as const) {
      await check(`luSolve ${label} [${batch}, ${n}, ${n}]`, tol, (b) => {
        const B = r === "rhs" ? b.fromTyped(rhs, "float32") : r;
        const out = b.luSolve!(b.fromTyped(a, "float32"), B, { batch, n, k });
        return k === 0 ? out.stats : [out.x, out.stats];
      });
    }
    await check(`cholesky [${batch}, ${n}, ${n}]`, tol, (b) => {
      const out = b.cholesky!(b.fromTyped(spd, "float32"), batch, n);
      return [out.l, out.info];
    });
    // Triangular solves (linalg.solveTriangular) read one triangle of the same matrices.
    for (const [upper, unit] of [[false, false], [true, false], [true, true]] as const) {
      await check(
        `triangularSolve upper=${upper} unit=${unit} [${batch}, ${n}, ${n}]`,
        tol,
        (b) =>
          b.triangularSolve!(b.fromTyped(a, "float32"), b.fromTyped(rhs, "float32"), {
            batch,
            n,
            k: 2,
            upper,
            unit,
          }),
      );
    }
  }

  // Matrix decompositions (linalg.qr, eigh, svd, luFactor): the same serial algorithm per matrix on
  // both devices. Householder QR and LU with partial pivoting are deterministic; Jacobi's sweeps
  // may stop at different points (the GPU runs a fixed count), so only the converged eigenvalues
  // (w's diagonal; off-diagonal entries are rounding) and the Gram matrix of A V are compared.
  for (const [batch, m, n] of [[3, 4, 4], [2, 7, 5]] as const) {
    const a = floats(batch * m * n, 53 + m, -1, 1);
    for (let i = 0; i < batch * Math.min(m, n); i++) {
      const mat = Math.floor(i / Math.min(m, n)), d = i % Math.min(m, n);
      a[mat * m * n + d * n + d] += 2;
    }
    const args = { batch, m, n };
    const tol = { rtol: 1e-4, atol: 1e-5 };
    await check(`geqrf [${batch}, ${m}, ${n}]`, tol, (b) => {
      const { h, tau } = b.geqrf!(b.fromTyped(a, "float32"), args);
      return [h, tau];
    });
    await check(`orgqr [${batch}, ${m}, ${n}]`, tol, (b) => {
      const { h, tau } = b.geqrf!(b.fromTyped(a, "float32"), args);
      return b.orgqr!(h, tau, { ...args, cols: n });
    });
    await check(`getrf [${batch}, ${m}, ${n}]`, tol, (b) => {
      const { lu, pivots, info } = b.getrf!(b.fromTyped(a, "float32"), args);
      return [lu, pivots, info];
    });
    // Symmetric matrices A + Aᵀ (square part) for eigh; A itself (m >= n) for the SVD.
    const sym = new Float32Array(batch * n * n);
    for (let k = 0; k < batch; k++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          sym[k * n * n + i * n + j] = a[k * m * n + i * n + j] + a[k * m * n + j * n + i];
        }
      }
    }
    const eyeMask = Float32Array.from(
      { length: batch * n * n },
      (_, i) => (Math.floor(i / n) % n === i % n ? 1 : 0),
    );
    await check(`eighJacobi eigenvalues [${batch}, ${n}, ${n}]`, tol, (b) => {
      const { w } = b.eighJacobi!(b.fromTyped(sym, "float32"), { batch, m: n, n });
      return b.binary("mul", w, b.fromTyped(eyeMask, "float32"), batch * n * n, "float32");
    });
    await check(`svdJacobi Gram of A V [${batch}, ${m}, ${n}]`, tol, (b) => {
      const { b: av } = b.svdJacobi!(b.fromTyped(a, "float32"), args);
      return b.matmul(av, av, {
        batch,
        m: n,
        k: m,
        n,
        aBatchStride: m * n,
        bBatchStride: m * n,
        transA: true,
        transB: false,
      });
    });
  }

  // LDLᵀ (Bunch-Kaufman) of symmetric indefinite matrices, and a solve with its factors.
  for (const [batch, n] of [[3, 5], [1, 24]] as const) {
    const m = floats(batch * n * n, 61 + n, -1, 1);
    const sym = new Float32Array(batch * n * n);
    for (let k = 0; k < batch; k++) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          sym[k * n * n + i * n + j] = m[k * n * n + i * n + j] + m[k * n * n + j * n + i];
        }
      }
    }
    const rhs = floats(batch * n * 2, 63, -1, 1);
    const tol = { rtol: 1e-3, atol: 1e-4 };
    const args = { batch, m: n, n };
    await check(`sytrf [${batch}, ${n}, ${n}]`, tol, (b) => {
      const { ld, pivots, info } = b.sytrf!(b.fromTyped(sym, "float32"), args);
      return [ld, pivots, info];
    });
    await check(`sytrs [${batch}, ${n}, ${n}] x [${n}, 2]`, tol, (b) => {
      const { ld, pivots } = b.sytrf!(b.fromTyped(sym, "float32"), args);
      return b.sytrs!(ld, pivots, b.fromTyped(rhs, "float32"), { batch, n, k: 2 });
    });
  }

  // FFTs (wgsl/fft.wgsl): power-of-two lengths (Stockham stages), n = 1, and Bluestein lengths
  // (chirp products around power-of-two transforms), forward and inverse.
  for (const [batch, n] of [[3, 16], [2, 1], [2, 12], [1, 97]] as const) {
    const x = floats(batch * n * 2, 70 + n, -1, 1);
    for (const inverse of [false, true]) {
      await check(
        `fft [${batch}, ${n}] inverse=${inverse}`,
        { rtol: 1e-4, atol: 1e-4 * Math.sqrt(n) },
        (b) => b.fft!(b.fromTyped(x, "float32"), { batch, n, inverse }),
      );
    }
  }

  // Special functions away from their poles (lgamma .. logNdtr; polygamma of orders 1 and 2), and
  // the incomplete gamma functions.
  {
    const x = floats(64, 57, 0.05, 6);
    const p = floats(64, 58, 0.01, 0.99);
    for (const op of SPECIAL_OPS) {
      for (const order of op === "polygamma" ? [1, 2] : [0]) {
        await check(
          `special ${op}${op === "polygamma" ? ` order ${order}` : ""}`,
          { rtol: 1e-4, atol: 1e-5 },
          (b) => b.special(op, b.fromTyped(op === "ndtri" ? p : x, "float32"), order),
        );
      }
    }
    const a = floats(64, 59, 0.1, 5);
    for (const op of SPECIAL2_OPS) {
      await check(
        `special2 ${op}`,
        { rtol: 1e-4, atol: 1e-5 },
        (b) => b.special2(op, b.fromTyped(a, "float32"), b.fromTyped(x, "float32")),
      );
    }
  }
}
