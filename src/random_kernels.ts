/**
 * The random-number kernels in WebAssembly (`assembly/random/`, 2.5 KB, compiled by
 * tools/build_wasm.ts): the float32 Box-Muller transform of `Generator.normalFill`, bit for bit the
 * JavaScript of `random_float_math.ts`. A first `randn(64, 64)` in a fresh process spends 15 ms
 * interpreting that JavaScript before the engine optimises it; this module compiles in well under
 * a millisecond and runs the transform at full speed from the first call. It has its own memory and
 * does not touch the CPU kernels, so drawing values for any device compiles only these few
 * kilobytes. Where compiling WebAssembly from bytes is not allowed (Cloudflare Workers), the
 * JavaScript runs instead, with the same results.
 * @module
 */
import { RANDOM_KERNELS_BASE64 } from "./random_kernels.generated.js";
import { decodeBase64 } from "./backends/wasm/base64.ts";

interface RandomKernelExports {
  readonly memory: WebAssembly.Memory;
  buffer_offset(): number;
  box_muller_avx2(ptr: number, n: number, mean: number, std: number): void;
}

/** The instance (compiled on first use), or null where this runtime cannot compile it. */
let kernels: RandomKernelExports | null | undefined;
/** Whether the WebAssembly path may be used (tests turn it off to compare with the JavaScript). */
let enabled = true;

function instance(): RandomKernelExports | null {
  if (kernels === undefined) {
    try {
      const module = new WebAssembly.Module(decodeBase64(RANDOM_KERNELS_BASE64));
      kernels = new WebAssembly.Instance(module, {}).exports as unknown as RandomKernelExports;
    } catch {
      kernels = null; // e.g. "Wasm code generation disallowed by embedder": the JavaScript path runs.
    }
  }
  return kernels;
}

/**
 * Whether the WebAssembly random kernels run here (false where the runtime forbids compiling
 * bytes, or after `setRandomKernelsEnabled(false)`); when false the JavaScript gives the same bits.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { randomKernelsAvailable } from "./random_kernels.ts";
 * assertEquals(randomKernelsAvailable(), true); // Deno and Bun compile them
 * ```
 */
export function randomKernelsAvailable(): boolean {
  return enabled && instance() !== null;
}

/**
 * Turns the WebAssembly random kernels off (or back on); for tests and for comparing with the
 * JavaScript path. Returns the previous setting.
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
 * multiple of 16), in WebAssembly; false (and `d` untouched) when the kernels are unavailable.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { boxMullerAvx2Wasm } from "./random_kernels.ts";
 * import { boxMuller16Avx2 } from "./random_float_math.ts";
 * const u = Float32Array.from({ length: 32 }, (_, i) => (i * 0.37) % 1);
 * const js = u.slice();
 * boxMuller16Avx2(js, 0, 0, 1);
 * boxMuller16Avx2(js, 16, 0, 1);
 * assertEquals(boxMullerAvx2Wasm(u, 0, 1), true);
 * assertEquals(u, js);
 * ```
 */
export function boxMullerAvx2Wasm(d: Float32Array, mean: number, std: number): boolean {
  if (!enabled || d.length % 16 !== 0) return false;
  const k = instance();
  if (k === null) return false;
  const offset = k.buffer_offset();
  // Whole blocks of 16 that fit in the module's memory (one 64 KiB page unless it grew).
  const capacity = Math.floor((k.memory.buffer.byteLength - offset) / 64) * 16;
  for (let start = 0; start < d.length; start += capacity) {
    const chunk = d.subarray(start, Math.min(d.length, start + capacity));
    const view = new Float32Array(k.memory.buffer, offset, chunk.length);
    view.set(chunk);
    k.box_muller_avx2(offset, chunk.length, mean, std);
    chunk.set(view);
  }
  return true;
}
