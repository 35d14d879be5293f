/**
 * The CPU kernels shipped in the package, for runtimes that may compile WebAssembly from bytes.
 * Importing the library loads one build: the relaxed-SIMD build where the runtime has relaxed SIMD,
 * else the plain-SIMD one ({@link loadEmbeddedBuild} loads the other on request). Where the library
 * is a local file that Deno may read (a checkout, `deno run` with read permission) or that Bun runs
 * (an npm install), the build is read from the `.wasm` file beside this module, if that file is the
 * build of these sources; elsewhere (JSR's https: URLs, browsers, Node, no read permission) it is
 * the embedded base64 module. Reading the file skips loading a 225 KB string module (Bun: 7-14 ms,
 * Deno: ~4 ms) and decoding it.
 *
 * A bundler can keep only one build, or none, by defining `globalThis.EDGETORCH_WASM` at build
 * time as `"relaxed"`, `"simd"` or `"none"` (esbuild: `--define:globalThis.EDGETORCH_WASM='"simd"'`;
 * Vite, wrangler and webpack have the same `define` option): the other imports become dead code
 * and are dropped. With `"none"` the kernels must be handed over with `torch.init({ wasm })`.
 * The global is spelled out in each test (not read into a variable) so that `define` folds it.
 * @module
 */
import { decodeBase64 } from "./base64.ts";
import { KERNELS_SOURCE_HASH } from "./kernels_info.generated.ts";
import type { WasmVariant } from "./loader.ts";
import { relaxedSimdSupported } from "./relaxed_probe.ts";
import { customSection } from "./wasm_bytes.ts";

type BuildChoice = { EDGETORCH_WASM?: string };

/** Where a loaded build's bytes came from: the `.wasm` file beside this module, or the base64 module. */
export type BuildSource = "file" | "base64";

/** Each build loaded so far: its bytes, or its base64 until they are first asked for. */
const loaded: Record<WasmVariant, Uint8Array<ArrayBuffer> | string | null> = { relaxed: null, simd: null };
const sourceOf: Record<WasmVariant, BuildSource | null> = { relaxed: null, simd: null };

if ((globalThis as BuildChoice).EDGETORCH_WASM !== "none") {
  await loadEmbeddedBuild(
    (globalThis as BuildChoice).EDGETORCH_WASM === undefined
      ? (relaxedSimdSupported() ? "relaxed" : "simd")
      : (globalThis as BuildChoice).EDGETORCH_WASM as WasmVariant,
  );
}

/**
 * The bytes of the shipped build `variant`, or null when it is not loaded: a build-time choice left
 * it out, or it is the build this runtime does not prefer and {@link loadEmbeddedBuild} was not
 * awaited. The same bytes whichever {@link embeddedSource} they came from.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { embeddedBytes } from "./embedded.ts";
 * assertEquals([...embeddedBytes("relaxed")!.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]); // "\0asm" (Deno)
 * ```
 */
export function embeddedBytes(variant: WasmVariant): Uint8Array<ArrayBuffer> | null {
  const b = loaded[variant];
  if (typeof b === "string") return (loaded[variant] = decodeBase64(b));
  return b;
}

/**
 * Where the loaded build `variant` came from (null when it is not loaded).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { embeddedSource } from "./embedded.ts";
 * assertEquals(embeddedSource("relaxed"), "file"); // doc tests run from a checkout, with -A
 * ```
 */
export function embeddedSource(variant: WasmVariant): BuildSource | null {
  return sourceOf[variant];
}

interface LocalRuntime {
  Deno?: {
    readFileSync(url: URL): Uint8Array<ArrayBuffer>;
    permissions?: { querySync?(d: { name: "read"; path: URL }): { state: string } };
  };
  Bun?: { file(url: URL): { bytes(): Promise<Uint8Array<ArrayBuffer>> } };
}

/**
 * Whether `bytes` are the build `variant` of these kernel sources: its `edgetorch` custom section
 * (written by tools/build_wasm.ts) names both. A stale or foreign file is not used.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { embeddedBytes, isShippedBuild } from "./embedded.ts";
 * assertEquals(isShippedBuild(embeddedBytes("relaxed")!, "relaxed"), true);
 * assertEquals(isShippedBuild(embeddedBytes("relaxed")!, "simd"), false);
 * assertEquals(isShippedBuild(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), "relaxed"), false);
 * ```
 */
export function isShippedBuild(bytes: Uint8Array, variant: WasmVariant): boolean {
  const section = customSection(bytes, "edgetorch");
  if (section === null) return false;
  try {
    const info = JSON.parse(new TextDecoder().decode(section));
    return info?.variant === variant && info?.sources === KERNELS_SOURCE_HASH;
  } catch {
    return false;
  }
}

/**
 * The `.wasm` file of `variant` beside this module, where this module is a local file the runtime
 * may read without asking (Deno: read permission already granted, so no prompt; Bun), and the file
 * is that build of these sources; else null (the caller loads the base64 module).
 */
async function readShippedFile(variant: WasmVariant): Promise<Uint8Array<ArrayBuffer> | null> {
  const url = new URL(`./kernels_${variant}.wasm`, import.meta.url);
  if (url.protocol !== "file:") return null;
  const { Deno, Bun } = globalThis as LocalRuntime;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    if (Deno) {
      if (Deno.permissions?.querySync?.({ name: "read", path: url }).state !== "granted") return null;
      bytes = Deno.readFileSync(url);
    } else if (Bun) bytes = await Bun.file(url).bytes();
    else return null;
  } catch {
    return null; // not there (a bundle without its .wasm files, a compiled binary): the base64 module
  }
  return isShippedBuild(bytes, variant) ? bytes : null;
}

/**
 * Loads the shipped build `variant` (a no-op when it is loaded): its `.wasm` file where that can
 * be read, else its base64 module; false when a build-time choice (`globalThis.EDGETORCH_WASM`)
 * left it out of this bundle.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { embeddedBytes, loadEmbeddedBuild } from "./embedded.ts";
 * assertEquals(await loadEmbeddedBuild("simd"), true);
 * assertEquals([...embeddedBytes("simd")!.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
 * ```
 */
export async function loadEmbeddedBuild(variant: WasmVariant): Promise<boolean> {
  if (loaded[variant] !== null) return true;
  if (
    (globalThis as BuildChoice).EDGETORCH_WASM !== undefined &&
    (globalThis as BuildChoice).EDGETORCH_WASM !== variant
  ) return false;
  const file = await readShippedFile(variant);
  if (file !== null) {
    loaded[variant] = file;
    sourceOf[variant] = "file";
    return true;
  }
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
  if (loaded[variant] !== null) sourceOf[variant] = "base64";
  return loaded[variant] !== null;
}
