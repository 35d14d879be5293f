/**
 * Sweeps against a float64 reference computed in JS: matmul over tile-edge sizes, transposed operands and
 * broadcast batches, and sum/amax/argmax/cumsum/softmax along every dim of odd shapes, covering the tile
 * and SIMD-tail edges of the kernels beyond the PyTorch fixtures (tests/ops_golden_test.ts). They run
 * their full size on both devices (their read-backs are awaited together).
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

// ---- sweeps against a float64 reference in JS: tile and SIMD-tail edges of the kernels ----

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function randT(shape: number[], r: () => number, device: Device): { t: Tensor; v: Float32Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Float32Array.from({ length: n }, r);
  return { t: torch.tensor(v, { device }).reshape(shape), v };
}

deviceTest(
  "sweep: matmul over tile-edge sizes, transposed operands and batches vs a float64 reference",
  async (device) => {
    const r = lcg(7);
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33];
    const failures: string[] = [];
    const reads: Promise<void>[] = [];
    for (const m of sizes) {
      for (const k of [1, 3, 4, 8, 13, 32, 65]) {
        for (const n of sizes) {
          if ((m * k * n) % 3 !== 0 && m > 4 && n > 4) continue; // thin the grid, keep every edge
          for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
            const A = randT(ta ? [k, m] : [m, k], r, device), B = randT(tb ? [n, k] : [k, n], r, device);
            const a = ta ? A.t.T : A.t, b = tb ? B.t.T : B.t;
            const at = (i: number, p: number) => (ta ? A.v[p * m + i] : A.v[i * k + p]);
            const bt = (p: number, j: number) => (tb ? B.v[j * k + p] : B.v[p * n + j]);
            const want = new Float64Array(m * n);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let s = 0;
                for (let p = 0; p < k; p++) s += at(i, p) * bt(p, j);
                want[i * n + j] = s;
              }
            }
            const label = `[${m}, ${k}] @ [${k}, ${n}] transA ${ta} transB ${tb}`;
            try {
              const got = a.matmul(b);
              assert.deepEqual([...got.shape], [m, n]);
              // Awaited together below: the GPU read-backs overlap instead of queueing one by one.
              reads.push(
                assertCloseAsync(got, want, { rtol: 1e-5, atol: 1e-5 }).catch((e) => {
                  failures.push(`${label}: ${(e as Error).message}`);
                }),
              );
            } catch (e) {
              failures.push(`${label}: ${(e as Error).message}`);
            }
          }
        }
      }
    }
    await Promise.all(reads);
    // batched with broadcast batch dims and a transposed rhs
    for (const [ba, bb] of [[[3], [3]], [[2, 1], [3]], [[1], [4]], [[2, 3], [1, 3]]]) {
      const m = 5, k = 9, n = 7;
      const A = randT([...ba, m, k], r, device), B = randT([...bb, n, k], r, device);
      const got = A.t.matmul(B.t.mT);
      const batch = ba.length >= bb.length
        ? ba.map((d, i) => Math.max(d, bb[i - (ba.length - bb.length)] ?? 1))
        : bb;
      try {
        assert.deepEqual([...got.shape], [...batch, m, n]);
        const nb = batch.reduce((x, y) => x * y, 1);
        const want = new Float64Array(nb * m * n);
        const idxOf = (shape: number[], flat: number) => {
          // index into a broadcast operand for batch position `flat` of `batch`
          const coords: number[] = [];
          let f = flat;
          for (let d = batch.length - 1; d >= 0; d--) {
            coords.unshift(f % batch[d]);
            f = Math.floor(f / batch[d]);
          }
          const lead = batch.length - shape.length;
          let off = 0;
          for (let d = 0; d < shape.length; d++) {
            off = off * shape[d] +
              (shape[d] === 1 ? 0 : coords[lead + d]);
          }
          return off;
        };
        for (let q = 0; q < nb; q++) {
          const ao = idxOf(ba, q) * m * k, bo = idxOf(bb, q) * n * k;
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let p = 0; p < k; p++) s += A.v[ao + i * k + p] * B.v[bo + j * k + p];
              want[(q * m + i) * n + j] = s;
            }
          }
        }
        await assertCloseAsync(got, want, { rtol: 1e-5, atol: 1e-5 });
      } catch (e) {
        failures.push(`batched [${ba}] x [${bb}]: ${(e as Error).message}`);
      }
    }
    if (failures.length) {
      assert.fail(`${failures.length} products failed:\n${failures.slice(0, 20).join("\n")}`);
    }
  },
);

deviceTest(
  "sweep: sum, amax, argmax, cumsum, softmax along every dim of odd shapes vs a float64 reference",
  async (device) => {
    const r = lcg(11);
    const failures: string[] = [];
    for (const shape of [[37], [3, 37], [5, 1, 9], [2, 17, 6], [4, 3, 2, 5], [1, 65, 3]]) {
      const { t, v } = randT(shape, r, device);
      for (let d = 0; d < shape.length; d++) {
        const outer = shape.slice(0, d).reduce((a, b) => a * b, 1);
        const len = shape[d];
        const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
        const sum = new Float64Array(outer * inner), mx = new Float64Array(outer * inner).fill(-Infinity);
        const am = new Float64Array(outer * inner),
          cs = new Float64Array(v.length),
          sm = new Float64Array(v.length);
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            let acc = 0;
            for (let l = 0; l < len; l++) {
              const x = v[(o * len + l) * inner + i];
              acc += x;
              cs[(o * len + l) * inner + i] = acc;
              if (x > mx[o * inner + i]) {
                mx[o * inner + i] = x;
                am[o * inner + i] = l;
              }
            }
            sum[o * inner + i] = acc;
            let z = 0;
            for (let l = 0; l < len; l++) z += Math.exp(v[(o * len + l) * inner + i] - mx[o * inner + i]);
            for (let l = 0; l < len; l++) {
              const p = (o * len + l) * inner + i;
              sm[p] = Math.exp(v[p] - mx[o * inner + i]) / z;
            }
          }
        }
        const tag = `shape [${shape}] dim ${d}`;
        const run = async (what: string, fn: () => Promise<void>) => {
          try {
            await fn();
          } catch (e) {
            failures.push(`${what} ${tag}: ${(e as Error).message}`);
          }
        };
        await run("sum", () => assertCloseAsync(t.sum(d), sum, { rtol: 1e-5, atol: 1e-5 }));
        await run("amax", () => assertCloseAsync(t.amax(d), mx, { rtol: 0, atol: 0 }));
        await run("argmax", () => assertCloseAsync(t.argmax(d), am, { rtol: 0, atol: 0 }));
        await run("max(dim)", () => assertCloseAsync(t.max(d).indices, am, { rtol: 0, atol: 0 }));
        await run("cumsum", () => assertCloseAsync(t.cumsum(d), cs, { rtol: 1e-5, atol: 1e-5 }));
        await run("softmax", () => assertCloseAsync(t.softmax(d), sm, { rtol: 1e-4, atol: 1e-6 }));
      }
    }
    if (failures.length) assert.fail(`${failures.length} reductions failed:\n${failures.join("\n")}`);
  },
);
