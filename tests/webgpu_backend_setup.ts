/**
 * Shared setup of the WebGPU backend tests (tests/webgpu_backend_*_test.ts, one file per kernel
 * family): the backends, the CPU reference and the comparison helpers. Those files test the WebGPU
 * backend, kernel by kernel, against the CPU (wasm) backend on the same random inputs
 * (odd sizes, sizes that are not multiples of the tiles, broadcasts, special values), plus the
 * backend's own machinery: pool reuse and live bytes, finalization, batching, folded grids
 * (a dispatch of more than 65,535 workgroups, and a backend limited to 8 workgroups per grid
 * dimension so that every kernel family runs folded on small inputs), lazy index errors, random numbers
 * and the fused optimizer steps.
 *
 * Tolerances, per op (ulp = spacing of float32 at the CPU's value):
 * - exact (same bits; any NaN matches any NaN): copy, cast, fill, where, gather, int32 kernels,
 *   neg/abs/relu/sign/floor/ceil/round, add/sub/mul/maximum/minimum and comparisons, max/min/
 *   argmax/argmin, im2col, col2im, max/avg pooling and its backward (same order of operations);
 * - 1 ulp: sqrt, rsqrt, div (GPUs may round division and square roots differently);
 * - 4 ulp: exp, log, log1p, tanh, sigmoid (the CPU's polynomials, possibly with fused multiply-adds);
 * - 4 ulp + 1e-6 absolute: sin, cos (any argument, up to 3.4e38);
 * - pow: 2e-6 relative (exp(y·log x) in float32);
 * - float32 sums (reduce sum/prod, cumsum, matmul, scatter-add, softmax): a different order of
 *   additions, so an absolute tolerance scaled by the number of terms (stated at each test).
 *
 * With no WebGPU adapter each file prints "WebGPU: no adapter, GPU backend tests skipped" and
 * registers every test as ignored. Set EDGETORCH_TEST_NO_GPU=1 to see that path on a machine
 * that has one.
 */
import assert from "node:assert/strict";
import * as gpu from "../src/gpu.ts";
import { WasmBackend } from "../src/backends/wasm/backend.ts";
import { WebGPUBackend, type WebGPUStorage } from "../src/backends/webgpu/backend.ts";
import type { Storage } from "../src/backends/backend.ts";
import type { DType, TypedArray } from "../src/dtype.ts";
import { ulp } from "./helpers.ts";

export function envNoGpu(): boolean {
  try {
    return Deno.env.get("EDGETORCH_TEST_NO_GPU") === "1";
  } catch {
    return false;
  }
}

export const available = !envNoGpu() && await gpu.isAvailable();
if (!available) {
  console.log(`WebGPU: no adapter, GPU backend tests skipped (${gpu.reason ?? "EDGETORCH_TEST_NO_GPU=1"})`);
}
export const g = available ? gpu.webgpuBackend()! : (null as unknown as WebGPUBackend);
export const cpu = new WasmBackend();
/** A second backend on the same device allowed only 8 workgroups per grid dimension. */
export const folded = available ? new WebGPUBackend(g.gpu, { maxWorkgroupsPerDimension: 8 }) : g;
/** Both kernel tunings ("cpu" for software adapters, "gpu" otherwise; gpu.ts picks one). */
export const tunings = available
  ? [new WebGPUBackend(g.gpu, { tuning: "cpu" }), new WebGPUBackend(g.gpu, { tuning: "gpu" })]
  : [];
/** The float32 matmul kernels (gpu.ts picks one by adapter), named as the backend option names them. */
export const MATMUL_KERNELS = ["tiled", "direct", "tiled128"] as const;
/** Backends forcing each of {@link MATMUL_KERNELS}, in that order. */
export const byKernel = available
  ? MATMUL_KERNELS.map((matmulKernel) => new WebGPUBackend(g.gpu, { matmulKernel }))
  : [];

export const gpuErrors: string[] = [];
if (available) {
  g.gpu.addEventListener("uncapturederror", (ev) => {
    gpuErrors.push((ev as GPUUncapturedErrorEvent).error.message);
  });
}

export function gpuTest(name: string, fn: () => Promise<void> | void): void {
  Deno.test({
    name: `webgpu: ${name}`,
    ignore: !available,
    fn,
  });
}

export const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.5,
  -2.5,
  3.5,
  1e-40,
  -1e-40,
  1e30,
  -1e30,
  Infinity,
  -Infinity,
  NaN,
  88,
  -88,
  100,
];

export function withSpecials(x: Float32Array): Float32Array {
  for (let i = 0; i < SPECIAL.length && i < x.length; i++) x[(i * 7) % x.length] = SPECIAL[i];
  return x;
}

export interface Tol {
  ulps?: number;
  atol?: number;
  rtol?: number;
}
export const EXACT: Tol = {};

export const f32 = new Float32Array(1);
export const u32 = new Uint32Array(f32.buffer);
export function bitsOf(v: number): number {
  f32[0] = v;
  return u32[0];
}

/** Asserts the GPU storage holds what the CPU storage holds, within `tol`. */
export async function same(what: string, gs: Storage, cs: Storage, tol: Tol = EXACT): Promise<void> {
  assert.equal(gs.dtype, cs.dtype, `${what}: dtype`);
  assert.equal(gs.numel, cs.numel, `${what}: numel`);
  const a = await (gs as WebGPUStorage)._backend.read(gs);
  const b = cpu.readSync(cs);
  compareArrays(what, a, b, cs.dtype, tol);
}

export async function sameFolded(what: string, gs: Storage, cs: Storage, tol: Tol = EXACT): Promise<void> {
  const a = await folded.read(gs);
  compareArrays(what, a, cpu.readSync(cs), cs.dtype, tol);
}

export function compareArrays(what: string, a: TypedArray, b: TypedArray, dtype: DType, tol: Tol): void {
  assert.equal(a.constructor, b.constructor, `${what}: array type`);
  assert.equal(a.length, b.length, `${what}: length`);
  const exact = tol.ulps === undefined && tol.atol === undefined && tol.rtol === undefined;
  let bad = 0;
  let first = "";
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    let ok: boolean;
    if (dtype !== "float32") ok = x === y;
    else if (Number.isNaN(y) || Number.isNaN(x)) ok = Number.isNaN(x) && Number.isNaN(y);
    else if (exact) ok = bitsOf(x) === bitsOf(y);
    else if (!Number.isFinite(y) || !Number.isFinite(x)) ok = x === y;
    else {
      // + the smallest normal: GPUs may flush subnormal results to zero.
      const lim = (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(y) + (tol.ulps ?? 0) * ulp(y) + 1.2e-38;
      ok = Math.abs(x - y) <= lim;
    }
    if (!ok) {
      if (bad === 0) first = `[${i}] gpu ${x} cpu ${y}`;
      bad++;
    }
  }
  assert.equal(bad, 0, `${what}: ${bad} of ${a.length} elements differ, first ${first}`);
}

/** The same typed data on both backends. */
export function both(data: TypedArray, dtype: DType, b: WebGPUBackend = g): [Storage, Storage] {
  return [b.fromTyped(data, dtype), cpu.fromTyped(data, dtype)];
}

/**
 * Registers, last in a file, the test that no kernel the file ran raised a WebGPU validation
 * error on any of the backends above.
 */
export function noValidationErrorsTest(): void {
  gpuTest("no WebGPU validation errors were raised by any kernel", async () => {
    await g.sync();
    await folded.sync();
    for (const be of [...byKernel, ...tunings]) await be.sync();
    assert.deepEqual(gpuErrors, []);
  });
}
