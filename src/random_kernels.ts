/**
 * The float32 Box-Muller transform of `Generator.normalFill` and the mt19937 uniforms of
 * `Generator.uniformFill` in WebAssembly: `box_muller_avx2_f32` and `uniform_f32` in the CPU kernels
 * (`assembly/random.ts`), bit for bit the JavaScript of `random_float_math.ts` and `random.ts`
 * (`nn.init` fills every weight through `uniformFill`: 40 ns a value in JavaScript, once warm).
 * A fresh process's first `randn(64, 64)` spent ~15 ms interpreting that JavaScript before the
 * engine optimised it; the kernels run at full speed from the first call. The default CPU backend
 * registers them when it starts (so it also runs in Cloudflare Workers once `torch.init({ wasm })`
 * handed the kernels over); until then, and where no CPU backend runs, the JavaScript gives the
 * same bits.
 * @module
 */

/**
 * What the CPU kernels offer `Generator` (`WasmKernels` implements it): both run between kernel
 * calls, through the calling thread's scratch block.
 */
export interface RandomKernels {
  /** PyTorch's AVX2 Box-Muller on each block of 16 of `d`, in place (its length a multiple of 16). */
  boxMullerAvx2(d: Float32Array, mean: number, std: number): void;
  /**
   * Fills `out` with uniforms from the mt19937 state `mt` (updated in place), continuing at word
   * `next` with `left` draws before the next twist; `mode` as `uniform_f32` in assembly/random.ts.
   * Returns the new `next * 1024 + left`.
   */
  uniformFill(
    mt: Int32Array,
    next: number,
    left: number,
    out: Float32Array,
    lo: number,
    range: number,
    mode: number,
  ): number;
}

let kernels: RandomKernels | null = null;
/** Whether the WebAssembly path may be used (tests turn it off to compare with the JavaScript). */
let enabled = true;

/**
 * Installs the kernels (the default CPU backend does, when it starts); null removes them. Returns
 * the ones installed before.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { boxMullerAvx2Wasm, setRandomKernels, uniformFillWasm } from "./random_kernels.ts";
 * const d = new Float32Array(16);
 * const before = setRandomKernels({ boxMullerAvx2: (values) => void values.fill(7), uniformFill: () => 5 });
 * assertEquals([boxMullerAvx2Wasm(d, 0, 1), d[15]], [true, 7]);
 * setRandomKernels(null);
 * assertEquals(boxMullerAvx2Wasm(d, 0, 1), false);
 * assertEquals(uniformFillWasm(new Int32Array(624), 0, 1, new Float32Array(100), 0, 1, 0), null);
 * setRandomKernels(before);
 * ```
 */
export function setRandomKernels(k: RandomKernels | null): RandomKernels | null {
  const before = kernels;
  kernels = k;
  return before;
}

/**
 * The installed kernels' uniform fill (see {@link RandomKernels}), or null (and nothing drawn)
 * when there is none or the fill is short enough for JavaScript (under 64 values).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * import { uniformFillWasm } from "./random_kernels.ts";
 * torch.zeros(1); // starts the CPU backend, which installs the kernel
 * const mt = new Int32Array(624).fill(12345);
 * const packed = uniformFillWasm(mt, 0, 1, new Float32Array(100), 0, 1, 0);
 * assertEquals(packed, 100 * 1024 + 525); // 100 words used after a twist; 525 draws left
 * ```
 */
export function uniformFillWasm(
  mt: Int32Array,
  next: number,
  left: number,
  out: Float32Array,
  lo: number,
  range: number,
  mode: number,
): number | null {
  if (!enabled || kernels === null || out.length < 64) return null;
  return kernels.uniformFill(mt, next, left, out, lo, range, mode);
}

/**
 * Whether the WebAssembly Box-Muller runs here (false before a CPU backend started, or after
 * `setRandomKernelsEnabled(false)`); when false the JavaScript gives the same bits.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * import { randomKernelsAvailable } from "./random_kernels.ts";
 * torch.zeros(1); // starts the CPU backend
 * assertEquals(randomKernelsAvailable(), true);
 * ```
 */
export function randomKernelsAvailable(): boolean {
  return enabled && kernels !== null;
}

/**
 * Turns the WebAssembly path off (or back on), for tests comparing it with the JavaScript.
 * Returns the previous setting.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { randomKernelsAvailable, setRandomKernelsEnabled } from "./random_kernels.ts";
 * const before = setRandomKernelsEnabled(false);
 * assertEquals(randomKernelsAvailable(), false);
 * setRandomKernelsEnabled(before);
 * ```
 */
export function setRandomKernelsEnabled(on: boolean): boolean {
  const before = enabled;
  enabled = on;
  return before;
}

/**
 * PyTorch's AVX2 Box-Muller (`boxMuller16Avx2`) on every block of 16 in `d` (whose length is a
 * multiple of 16) with the installed kernel; false (and `d` untouched) when there is none.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * import { boxMullerAvx2Wasm } from "./random_kernels.ts";
 * import { boxMuller16Avx2 } from "./random_float_math.ts";
 * torch.zeros(1); // starts the CPU backend, which installs the kernel
 * const u = Float32Array.from({ length: 32 }, (_, i) => (i * 0.37) % 1);
 * const js = u.slice();
 * boxMuller16Avx2(js, 0, 0, 1);
 * boxMuller16Avx2(js, 16, 0, 1);
 * assertEquals(boxMullerAvx2Wasm(u, 0, 1), true);
 * assertEquals(u, js);
 * ```
 */
export function boxMullerAvx2Wasm(d: Float32Array, mean: number, std: number): boolean {
  if (!enabled || kernels === null || d.length % 16 !== 0) return false;
  kernels.boxMullerAvx2(d, mean, std);
  return true;
}
