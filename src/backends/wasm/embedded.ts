/**
 * The CPU kernels embedded in the package (base64, both builds), for runtimes that may compile
 * WebAssembly from bytes.
 *
 * A bundler can keep only one build, or none, by defining `globalThis.EDGETORCH_WASM` at build
 * time as `"relaxed"`, `"simd"` or `"none"` (esbuild: `--define:globalThis.EDGETORCH_WASM='"simd"'`;
 * Vite, wrangler and webpack have the same `define` option): the other strings become unused and
 * are dropped. With `"none"` the kernels must be handed over with `torch.init({ wasm })`.
 * @module
 */
import { WASM_BASE64 as RELAXED } from "./kernels_relaxed.generated.js";
import { WASM_BASE64 as SIMD } from "./kernels_simd.generated.js";
import type { WasmVariant } from "./loader.ts";

/**
 * The embedded base64 of `variant`, or null when a build-time choice left it out. The global is
 * spelled out in each test (not read into a variable) so that a bundler's `define` folds it.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { embeddedBase64 } from "./embedded.ts";
 * assertEquals(embeddedBase64("simd")?.slice(0, 6), "AGFzbQ"); // the wasm magic number
 * ```
 */
export function embeddedBase64(variant: WasmVariant): string | null {
  if (variant === "relaxed") {
    return (globalThis as { EDGETORCH_WASM?: string }).EDGETORCH_WASM === undefined ||
        (globalThis as { EDGETORCH_WASM?: string }).EDGETORCH_WASM === "relaxed"
      ? RELAXED
      : null;
  }
  return (globalThis as { EDGETORCH_WASM?: string }).EDGETORCH_WASM === undefined ||
      (globalThis as { EDGETORCH_WASM?: string }).EDGETORCH_WASM === "simd"
    ? SIMD
    : null;
}
