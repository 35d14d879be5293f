/**
 * Loading the CPU kernels: one WebAssembly module from `assembly/`, in two builds: `relaxed`
 * (relaxed SIMD: fused multiply-add; Deno, Bun, Node 22+, Chromium, Workers) and `simd` (plain
 * SIMD, for runtimes without relaxed SIMD such as Node 20 and Safari).
 *
 * - **Automatic** where the runtime may compile WebAssembly from bytes (Deno, Bun, Node,
 *   browsers): the first CPU op compiles the embedded build the runtime supports, once. A tiny
 *   relaxed-SIMD probe module decides which; only that build is decoded and compiled, and nothing
 *   is done at import.
 * - **Explicit** with {@link init}: `await torch.init({ wasm })` takes a compiled
 *   `WebAssembly.Module` (Cloudflare Workers forbid compiling bytes at run time but import `.wasm`
 *   files as modules: `import wasm from "./kernels_relaxed.wasm"`), a `Response` or a promise of
 *   one (`fetch(url)`: compiled while it streams), or the bytes (the library itself never fetches). Without `wasm`
 *   it compiles the embedded build asynchronously (off the main thread in browsers). Call it
 *   before the first CPU op.
 *
 * The package ships `kernels_relaxed.wasm` and `kernels_simd.wasm` beside this file. Each records
 * its build and the hash of its sources in an `edgetorch` custom section, so a module from another
 * version of the library is refused with a clear error instead of misbehaving.
 * @module
 */
import { embeddedBytes } from "./embedded.ts";
import { relaxedSimdSupported } from "./relaxed_probe.ts";

export { relaxedSimdSupported };
import { KERNELS_SOURCE_HASH } from "./kernels_info.generated.ts";

/** Which build of the kernels runs: relaxed SIMD (fused multiply-add) or plain SIMD. */
export type WasmVariant = "relaxed" | "simd";

/**
 * What {@link init} accepts as the CPU kernels: a compiled module, a `Response` or a promise of
 * one (`fetch(...)`), or the `.wasm` file's bytes.
 */
export type WasmSource = WebAssembly.Module | BufferSource | Response | PromiseLike<Response>;

/** Options of {@link init}. */
export interface InitOptions {
  /**
   * The CPU kernels, `kernels_relaxed.wasm` or `kernels_simd.wasm` from this package (see
   * {@link WasmSource}). Default: the build embedded in the package, compiled asynchronously.
   */
  wasm?: WasmSource;
}

/** A compiled build of the kernels and which build it is. */
export interface KernelModule {
  /**
   * The compiled module (instantiate it with `env.memory`, a `WebAssembly.Memory` of up to 65536
   * pages, and `env.abort` imports).
   */
  readonly module: WebAssembly.Module;
  /** Its build. */
  readonly variant: WasmVariant;
}

/** The custom section every build carries (written by tools/build_wasm.ts). */
const SECTION = "edgetorch";

/** The build the runtime supports best. */
function preferredVariant(): WasmVariant {
  return relaxedSimdSupported() ? "relaxed" : "simd";
}

/** Embedded builds compiled so far (each at most once). */
const embedded: Partial<Record<WasmVariant, KernelModule>> = {};
/** The build the default backend uses: set by init, else by the first use. */
let chosen: KernelModule | null = null;
/** True once a backend was made from {@link chosen}: it can no longer be replaced. */
let chosenInUse = false;

/** The bytes of the embedded builds (their modules are compiled on first use of `module`). */
const bytesOfBuild = new WeakMap<KernelModule, Uint8Array>();
/** The bytes of each module {@link init} compiled from bytes. */
const bytesOfModule = new WeakMap<WebAssembly.Module, Uint8Array>();

/**
 * The bytes of build `k`, where the loader has them (the embedded builds; {@link init} with
 * bytes or a Response that is not streamed), else null. Reading them does not compile an
 * embedded build: threads compile their own build (memory import shared) from these bytes.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { kernelBytes, kernelModule } from "./loader.ts";
 * const bytes = kernelBytes(kernelModule("relaxed"))!;
 * assertEquals([...bytes.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]); // the wasm magic number, "\0asm"
 * ```
 */
export function kernelBytes(k: KernelModule): Uint8Array | null {
  return bytesOfBuild.get(k) ?? bytesOfModule.get(k.module) ?? null;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function shippedBytes(variant: WasmVariant): Uint8Array<ArrayBuffer> {
  const bytes = embeddedBytes(variant);
  const choice = (globalThis as { EDGETORCH_WASM?: string }).EDGETORCH_WASM;
  if (bytes === null && (choice === undefined || choice === variant)) {
    throw new Error(
      `cpu backend: the ${variant} build of the kernels is not loaded (the library loads the build ` +
        `this runtime runs best, the ${preferredVariant()} one); await loadEmbeddedBuild("${variant}") ` +
        `(src/backends/wasm/embedded.ts) before asking for it`,
    );
  }
  if (bytes === null) {
    throw new Error(
      `cpu backend: the ${variant} build of the kernels was left out of this bundle ` +
        `(globalThis.EDGETORCH_WASM = ${
          JSON.stringify((globalThis as { EDGETORCH_WASM?: string }).EDGETORCH_WASM)
        } at build time); hand them over before the first CPU op: ` +
        `await torch.init({ wasm }) with kernels_${variant}.wasm`,
    );
  }
  return bytes;
}

function compileBytesSync(bytes: Uint8Array<ArrayBuffer>, variant: WasmVariant): WebAssembly.Module {
  try {
    return new WebAssembly.Module(bytes);
  } catch (e) {
    throw new Error(
      `cpu backend: this runtime cannot compile WebAssembly from bytes (${message(e)}). ` +
        `Hand edgetorch the compiled kernels before the first CPU op, e.g. in Cloudflare Workers: ` +
        `import wasm from "./kernels_${variant}.wasm"; await torch.init({ wasm })`,
      { cause: e },
    );
  }
}

/** The embedded build `variant`, its module compiled on first use of `module` (once). */
function compileEmbedded(variant: WasmVariant): KernelModule {
  let k = embedded[variant];
  if (!k) {
    const bytes = shippedBytes(variant);
    let module: WebAssembly.Module | null = null;
    const build: KernelModule = {
      variant,
      get module(): WebAssembly.Module {
        if (module === null) {
          try {
            module = compileBytesSync(bytes, variant);
          } catch (e) {
            // Not usable here: init may still hand over another module.
            if (chosen === build) {
              chosen = null;
              chosenInUse = false;
            }
            throw e;
          }
        }
        return module;
      },
    };
    k = build;
    bytesOfBuild.set(k, bytes);
    embedded[variant] = k;
  }
  return k;
}

function checkVariant(v: unknown): WasmVariant {
  if (v !== "relaxed" && v !== "simd") {
    throw new TypeError(
      `cpu backend: unknown kernel build ${JSON.stringify(v)}; expected "relaxed" or "simd"`,
    );
  }
  return v;
}

/**
 * The compiled kernels for a backend (synchronous; compiles an embedded build on first use).
 * With `variant`, that build (the one handed to {@link init} when it is that build, else the
 * embedded one); without, the build handed to {@link init}, else the best embedded build, which
 * from then on cannot be replaced.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { kernelModule } from "./loader.ts";
 * assertEquals(kernelModule("relaxed").variant, "relaxed");
 * ```
 */
export function kernelModule(variant?: WasmVariant): KernelModule {
  if (variant !== undefined) {
    checkVariant(variant);
    return chosen?.variant === variant ? chosen : compileEmbedded(variant);
  }
  chosen ??= compileEmbedded(preferredVariant());
  chosenInUse = true;
  return chosen;
}

/** Reads the custom section of `module`: which build it is; refuses modules of other sources. */
function identify(module: WebAssembly.Module, what: string): KernelModule {
  const sections = WebAssembly.Module.customSections(module, SECTION);
  let info: { variant?: unknown; sources?: unknown } | null = null;
  if (sections.length === 1) {
    try {
      info = JSON.parse(new TextDecoder().decode(sections[0]));
    } catch {
      info = null;
    }
  }
  if (!info || typeof info !== "object") {
    throw new Error(
      `torch.init: ${what} is not edgetorch's CPU kernels (no "${SECTION}" custom section); ` +
        "pass kernels_relaxed.wasm or kernels_simd.wasm from this package",
    );
  }
  if (info.sources !== KERNELS_SOURCE_HASH) {
    throw new Error(
      `torch.init: ${what} was built from other kernel sources (${String(info.sources).slice(0, 12)}…) ` +
        `than this version of edgetorch (${KERNELS_SOURCE_HASH.slice(0, 12)}…); ` +
        "use the .wasm files shipped with this version",
    );
  }
  return { module, variant: checkVariant(info.variant) };
}

async function compileBytes(bytes: BufferSource, what: string): Promise<WebAssembly.Module> {
  try {
    const copy = ArrayBuffer.isView(bytes)
      ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice()
      : new Uint8Array(bytes as ArrayBuffer).slice();
    const module = await WebAssembly.compile(copy);
    bytesOfModule.set(module, copy);
    return module;
  } catch (e) {
    throw new Error(
      `torch.init: could not compile ${what} (${message(e)})` +
        (relaxedSimdSupported() ? "" : "; this runtime has no relaxed SIMD: pass kernels_simd.wasm"),
      { cause: e },
    );
  }
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return `a ${(v as object).constructor?.name ?? "object"}`;
  return `a ${typeof v}`;
}

/**
 * Compiles and identifies CPU kernels from any {@link WasmSource}, without installing them.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { compileKernels } from "./loader.ts";
 * const k = await compileKernels(await Deno.readFile(new URL("./kernels_simd.wasm", import.meta.url)));
 * assertEquals(k.variant, "simd");
 * ```
 */
export async function compileKernels(source: WasmSource): Promise<KernelModule> {
  const s: unknown = await source;
  if (s instanceof WebAssembly.Module) return identify(s, "the module");
  if (typeof Response === "function" && s instanceof Response) {
    const what = s.url || "the response";
    if (!s.ok) throw new Error(`torch.init: fetching ${what} failed: HTTP ${s.status} ${s.statusText}`);
    const streaming = typeof WebAssembly.compileStreaming === "function" &&
      (s.headers.get("content-type") ?? "").split(";")[0].trim() === "application/wasm";
    let module: WebAssembly.Module;
    if (streaming) {
      try {
        module = await WebAssembly.compileStreaming(s);
      } catch (e) {
        throw new Error(`torch.init: could not compile ${what} (${message(e)})`, { cause: e });
      }
    } else {
      module = await compileBytes(await s.arrayBuffer(), what);
    }
    return identify(module, what);
  }
  if (s instanceof URL) {
    throw new TypeError(
      `torch.init: got the URL ${s.href}; the library makes no network requests: request the file ` +
        `yourself and pass the Response (or a promise of one), or the .wasm file's bytes`,
    );
  }
  if (s instanceof ArrayBuffer || ArrayBuffer.isView(s)) {
    return identify(await compileBytes(s as BufferSource, "the bytes"), "the bytes");
  }
  throw new TypeError(
    `torch.init: wasm must be a WebAssembly.Module, a Response (or a promise of one) or the ` +
      `.wasm file's bytes; got ${describe(s)}`,
  );
}

/**
 * Loads the CPU kernels ahead of the first CPU op: the module handed over as `wasm` (required
 * where the runtime may not compile bytes, such as Cloudflare Workers), or the embedded build,
 * compiled asynchronously. Without a call, the first CPU op compiles the embedded build itself.
 * CPU threads (`torch.setNumThreads`) build their shared-memory module from the kernels' bytes: a
 * compiled `WebAssembly.Module` (or a streamed `application/wasm` response) runs one thread, with
 * the reason in `torch.cpu.threadingReason()`.
 * Resolves to the build in use. Once a CPU op ran, a later call with the same build is a no-op (a
 * Worker may call it on every request). Throws when `wasm` is not a build of this version's
 * kernels, or is the other build than the one already in use.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../../mod.ts";
 * assertEquals(await torch.init(), "relaxed"); // in Deno: the embedded build, compiled asynchronously
 * assertEquals(torch.tensor([1, 2]).add(1).toArray(), [2, 3]);
 * ```
 * @example Cloudflare Workers (the `.wasm` import is a compiled `WebAssembly.Module` there)
 * ```ts ignore
 * import * as torch from "@edgetorch/torch";
 * import wasm from "./kernels_relaxed.wasm";
 * await torch.init({ wasm });
 * ```
 */
export async function init(options: InitOptions = {}): Promise<WasmVariant> {
  let k: KernelModule;
  if (options.wasm === undefined) {
    const variant = chosen?.variant ?? preferredVariant();
    k = chosen ?? embedded[variant] ??
      identify(await compileBytes(shippedBytes(variant), "the kernels"), "the kernels");
    embedded[variant] ??= k;
  } else {
    k = await compileKernels(options.wasm);
  }
  if (chosen !== null && chosenInUse) {
    // The same build (same sources, checked by identify) is the same code: keep the one in use.
    if (chosen.variant === k.variant) return chosen.variant;
    throw new Error(
      `torch.init: the CPU kernels are already in use (the ${chosen.variant} build, loaded by an earlier ` +
        `CPU op or init), so the ${k.variant} build cannot replace them; call init before creating tensors`,
    );
  }
  chosen = k;
  return k.variant;
}
