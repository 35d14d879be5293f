/**
 * torch.linalg's solvers: `inv` and `solve` (and `cholesky`) of batches of float32 matrices on the CPU, and
 * `ldlFactor` + `ldlSolve` against `luFactor` + `luSolve` on both devices, in
 * `torch.scope` (results released each iteration), against a plain-JavaScript Gauss-Jordan
 * inverse with partial pivoting on Float32Arrays (the same algorithm, no wasm) as a reference.
 * There is no peer row: TensorFlow.js has no matrix inverse or general solve. The GPU rows (when
 * an adapter exists) wait for the result before stopping the clock.
 *
 *   deno bench -A bench/linalg_bench.ts
 */
import * as torch from "../mod.ts";
import { rand } from "./bench_data.ts";

/** `batch` n×n matrices with n added to the diagonal (well conditioned). */
function matrices(batch: number, n: number, seed: number): Float32Array {
  const a = rand(batch * n * n, seed);
  for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) a[b * n * n + i * n + i] += n;
  return a;
}

/** Plain-JS Gauss-Jordan inverse with partial pivoting of each matrix (the reference row). */
function jsInverse(a: Float32Array, batch: number, n: number): Float32Array {
  const out = new Float32Array(batch * n * n);
  const w = new Float32Array(n * 2 * n);
  for (let b = 0; b < batch; b++) {
    const off = b * n * n;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) w[i * 2 * n + j] = a[off + i * n + j];
      for (let j = 0; j < n; j++) w[i * 2 * n + n + j] = i === j ? 1 : 0;
    }
    for (let c = 0; c < n; c++) {
      let p = c;
      for (let i = c + 1; i < n; i++) if (Math.abs(w[i * 2 * n + c]) > Math.abs(w[p * 2 * n + c])) p = i;
      if (p !== c) {
        for (let j = 0; j < 2 * n; j++) {
          const t = w[c * 2 * n + j];
          w[c * 2 * n + j] = w[p * 2 * n + j];
          w[p * 2 * n + j] = t;
        }
      }
      const piv = w[c * 2 * n + c];
      for (let j = 0; j < 2 * n; j++) w[c * 2 * n + j] /= piv;
      for (let i = 0; i < n; i++) {
        if (i === c) continue;
        const f = w[i * 2 * n + c];
        if (f === 0) continue;
        for (let j = c; j < 2 * n; j++) w[i * 2 * n + j] -= f * w[c * 2 * n + j];
      }
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[off + i * n + j] = w[i * 2 * n + n + j];
  }
  return out;
}

const gpu = await torch.gpu.isAvailable();

for (const [batch, n] of [[256, 8], [1, 128], [4, 256]] as const) {
  const group = `inv ${batch}x${n}x${n}`;
  const data = matrices(batch, n, n);
  const A = torch.tensor(data).reshape(batch, n, n);
  Deno.bench({
    name: "edgetorch cpu",
    group,
    baseline: true,
    fn: () => torch.scope(() => void torch.linalg.inv(A)),
  });
  Deno.bench({ name: "plain JS Gauss-Jordan", group, fn: () => void jsInverse(data, batch, n) });
  if (gpu) {
    const Ag = A.to("gpu");
    Deno.bench({
      name: "edgetorch gpu",
      group,
      fn: async () => {
        const x = torch.linalg.inv(Ag);
        await x.dataAsync();
        x.dispose();
      },
    });
  }
}

for (const [batch, n, k] of [[256, 8, 1], [1, 256, 16]] as const) {
  const group = `solve ${batch}x${n}x${n}, ${k} right-hand side${k === 1 ? "" : "s"}`;
  const A = torch.tensor(matrices(batch, n, 3 * n)).reshape(batch, n, n);
  const B = torch.tensor(rand(batch * n * k, 5)).reshape(batch, n, k);
  Deno.bench({
    name: "edgetorch cpu",
    group,
    baseline: true,
    fn: () => torch.scope(() => void torch.linalg.solve(A, B)),
  });
  Deno.bench({
    name: "edgetorch cpu, inv then matmul",
    group,
    fn: () => torch.scope(() => void torch.linalg.inv(A).matmul(B)),
  });
}

for (const [batch, n] of [[256, 8], [1, 256]] as const) {
  const group = `cholesky ${batch}x${n}x${n}`;
  const M = torch.tensor(rand(batch * n * n, 11)).reshape(batch, n, n);
  const A = M.matmul(M.mT).add(torch.eye(n).mul(n));
  Deno.bench({
    name: "edgetorch cpu",
    group,
    baseline: true,
    fn: () => torch.scope(() => void torch.linalg.cholesky(A)),
  });
  Deno.bench({
    name: "edgetorch cpu, inv (LU) for scale",
    group,
    fn: () => torch.scope(() => void torch.linalg.inv(A)),
  });
}

// LDLᵀ (Bunch-Kaufman, symmetric indefinite) against LU on the same matrices: factor, then solve
// (96: the GPU's solve handles up to n = 126 within its per-invocation loop budget).
for (const [batch, n] of [[256, 8], [1, 96]] as const) {
  const group = `ldlFactor + ldlSolve ${batch}x${n}x${n} (symmetric indefinite)`;
  const M = torch.tensor(rand(batch * n * n, 13)).reshape(batch, n, n);
  const A = M.add(M.mT);
  const B = torch.tensor(rand(batch * n, 17)).reshape(batch, n, 1);
  for (const device of gpu ? ["cpu", "gpu"] as const : ["cpu"] as const) {
    const a = A.to(device), b = B.to(device);
    Deno.bench({
      name: `edgetorch ${device}: ldlFactor + ldlSolve`,
      group,
      baseline: device === "cpu",
      fn: async () => {
        const x = torch.scope(() => {
          const { LD, pivots } = torch.linalg.ldlFactor(a);
          return torch.linalg.ldlSolve(LD, pivots, b);
        });
        await x.dataAsync();
        x.dispose();
      },
    });
    Deno.bench({
      name: `edgetorch ${device}: luFactor + luSolve, for scale`,
      group,
      fn: async () => {
        const x = torch.scope(() => {
          const { LU, pivots } = torch.linalg.luFactor(a);
          return torch.linalg.luSolve(LU, pivots, b);
        });
        await x.dataAsync();
        x.dispose();
      },
    });
  }
}
