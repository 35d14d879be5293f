/**
 * The CPU kernels embedded in the package (base64), for runtimes that may compile WebAssembly from
 * bytes. Importing the library loads one build's bytes: the relaxed-SIMD build where the runtime
 * has relaxed SIMD, else the plain-SIMD one (a 290 KB string costs Deno about 7 ms to load, so the
 * build that cannot run here is not loaded); {@link loadEmbeddedBuild} loads the other on request.
 *
 * A bundler can keep only one build, or none, by defining `globalThis.EDGETORCH_WASM` at build
 * time as `"relaxed"`, `"simd"` or `"none"` (esbuild: `--define:globalThis.EDGETORCH_WASM='"simd"'`;
 * Vite, wrangler and webpack have the same `define` option): the other imports become dead code
 * and are dropped. With `"none"` the kernels must be handed over with `torch.init({ wasm })`.
 * The global is spelled out in each test (not read into a variable) so that `define` folds it.
 * @module
 */
import type { WasmVariant } from "./loader.ts";
import { relaxedSimdSupported } from "./relaxed_probe.ts";

type BuildChoice = { EDGETORCH_WASM?: string };

/** The base64 of each build loaded so far. */
const loaded: Record<WasmVariant, string | null> = { relaxed: null, simd: null };

if ((globalThis as BuildChoice).EDGETORCH_WASM !== "none") {
  await loadEmbeddedBuild(
    (globalThis as BuildChoice).EDGETORCH_WASM === undefined
      ? (relaxedSimdSupported() ? "relaxed" : "simd")
      : (globalThis as BuildChoice).EDGETORCH_WASM as WasmVariant,
  );
}

/**
 * The embedded base64 of `variant`, or null when it is not loaded: a build-time choice left it out,
 * or it is the build this runtime does not prefer and {@link loadEmbeddedBuild} was not awaited.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { embeddedBase64 } from "./embedded.ts";
 * assertEquals(embeddedBase64("relaxed")?.slice(0, 6), "AGFzbQ"); // the wasm magic number (Deno)
 * ```
 */
export function embeddedBase64(variant: WasmVariant): string | null {
  return loaded[variant];
}

/**
 * Loads the embedded `variant` (a no-op when it is loaded); false when a build-time choice
 * (`globalThis.EDGETORCH_WASM`) left it out of this bundle.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { embeddedBase64, loadEmbeddedBuild } from "./embedded.ts";
 * assertEquals(await loadEmbeddedBuild("simd"), true);
 * assertEquals(embeddedBase64("simd")?.slice(0, 6), "AGFzbQ");
 * ```
 */
export async function loadEmbeddedBuild(variant: WasmVariant): Promise<boolean> {
  if (loaded[variant] !== null) return true;
  if (variant === "relaxed") {
    if (
      (globalThis as BuildChoice).EDGETORCH_WASM === undefined ||
      (globalThis as BuildChoice).EDGETORCH_WASM === "relaxed"
    ) {
      loaded.relaxed = (await import("./kernels_relaxed.generated.js")).WASM_BASE64;
    }
  } else if (
    (globalThis as BuildChoice).EDGETORCH_WASM === undefined ||
    (globalThis as BuildChoice).EDGETORCH_WASM === "simd"
  ) {
    loaded.simd = (await import("./kernels_simd.generated.js")).WASM_BASE64;
  }
  return loaded[variant] !== null;
}
