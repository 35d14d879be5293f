/**
 * Compute pipelines of the WebGPU backend, built from the WGSL kernels embedded from `wgsl/`
 * (`kernels.generated.ts`) and cached by key. Kernels with `{{NAME}}` placeholders are specialised
 * from the tables below (op name → WGSL expression): the library's own constants, never user data.
 * @module
 */
import type { ReduceOp, UnaryOp } from "../backend.ts";
import type { ComputeDType, DType } from "../../dtype.ts";

/** The compute dtypes of the gpu kernels (float64 stays on the cpu: WGSL has no f64). */
export type GpuComputeDType = Exclude<ComputeDType, "float64">;
import { KERNEL_FEATURES, KERNELS, SNIPPETS, WGSL_PARTS } from "./kernels.generated.ts";
import { compilationErrors, GpuErrors } from "./errors.ts";

/**
 * A compiled kernel: its shader module, and its pipeline and bind group layout once the first
 * dispatch said which bindings it uses (see {@link PipelineCache.pipeline}).
 */
export interface Kernel {
  /** The cache key: kernel name and template values. */
  readonly name: string;
  /** A small number naming the kernel in bind group cache keys. */
  readonly id: number;
  /** The kernel's name: its WGSL entry point (see `tools/build_wgsl.ts` for the naming rule). */
  readonly entry: string;
  /** The compiled WGSL module. */
  readonly module: GPUShaderModule;
  /** The WGSL text (for compiler messages). */
  readonly code: string;
  /** Buffer binding type of each `@group(0)` binding the WGSL declares, by binding number. */
  readonly declared: ReadonlyMap<number, GPUBufferBindingType>;
  /** The compute pipeline, made on first use. */
  pipeline: GPUComputePipeline | null;
  /** Layout of bind group 0 (binding 0, the uniform parameters, takes a dynamic offset). */
  layout: GPUBindGroupLayout | null;
}

/** WGSL scalar type of each compute dtype. */
export const WGSL_TYPE: Record<GpuComputeDType, string> = { float32: "f32", int32: "i32" };

/** Unary kernels: an expression in `x`. float32 has every op; int32 neg, abs, sign, relu. */
export const UNARY_EXPR: { float32: Record<UnaryOp, string>; int32: Partial<Record<UnaryOp, string>> } = {
  float32: {
    neg: "f_neg(x)",
    abs: "f_abs(x)",
    exp: "f_exp(x)",
    log: "f_log(x)",
    log1p: "f_log1p(x)",
    sqrt: "f_sqrt(x)",
    rsqrt: "1.0 / f_sqrt(x)",
    sin: "f_sincos(x, 0)",
    cos: "f_sincos(x, 1)",
    tanh: "f_tanh(x)",
    sigmoid: "f_sigmoid(x)",
    relu: "select(x, 0.0, bitcast<u32>(x) > 0x80000000u && bitcast<u32>(x) <= 0xff800000u)",
    sign: "select(0.0, 1.0, x > 0.0 && !is_nan(x)) - select(0.0, 1.0, x < 0.0 && !is_nan(x))",
    floor: "floor(x)",
    ceil: "ceil(x)",
    round: "round(x)",
    asin: "f_asin(x)",
    acos: "f_acos(x)",
    atan: "f_atan(x)",
    sinh: "f_sinh(x)",
    cosh: "f_cosh(x)",
    asinh: "f_asinh(x)",
    acosh: "f_acosh(x)",
    atanh: "f_atanh(x)",
    frexpMantissa: "frexp_parts(x).x",
    frexpExponent: "frexp_parts(x).y",
  },
  int32: {
    neg: "bitcast<i32>(0u - bitcast<u32>(x))",
    abs: "abs(x)",
    sign: "select(0, 1, x > 0) - select(0, 1, x < 0)",
    relu: "max(x, 0)",
  },
};

/** Arithmetic kernels: an expression in `a`, `b` of the compute type. */
export const ARITHMETIC_EXPR: { float32: Record<string, string>; int32: Record<string, string> } = {
  float32: {
    add: "a + b",
    sub: "a - b",
    mul: "a * b",
    div: "a / b",
    pow: "f_pow(a, b)",
    maximum: "f_max(a, b)",
    minimum: "f_min(a, b)",
    fmod: "f_fmod(a, b)",
    remainder: "f_remainder(a, b)",
    floorDivide: "f_floor_divide(a, b)",
    atan2: "f_atan2(a, b)",
    hypot: "f_hypot(a, b)",
    copysign: "f_copysign(a, b)",
    nextafter: "f_nextafter(a, b)",
  },
  int32: {
    add: "a + b",
    sub: "a - b",
    mul: "a * b",
    pow: "i_pow(a, b)",
    maximum: "max(a, b)",
    minimum: "min(a, b)",
    fmod: "i_fmod(a, b)",
    remainder: "i_remainder(a, b)",
    floorDivide: "i_floor_divide(a, b)",
    gcd: "i_gcd(a, b)",
    bitwiseAnd: "a & b",
    bitwiseOr: "a | b",
    bitwiseXor: "a ^ b",
    bitwiseLeftShift: "a << (bitcast<u32>(b) & 31u)",
    bitwiseRightShift: "a >> (bitcast<u32>(b) & 31u)",
  },
};

/** Comparisons: a u32 0/1 (bool). float32 ones test NaN on the bits (ordered compares). */
export const COMPARISON_EXPR: { float32: Record<string, string>; int32: Record<string, string> } = {
  float32: {
    eq: "u32(a == b && !is_nan(a) && !is_nan(b))",
    ne: "u32(!(a == b) || is_nan(a) || is_nan(b))",
    lt: "u32(a < b && !is_nan(a) && !is_nan(b))",
    le: "u32(a <= b && !is_nan(a) && !is_nan(b))",
    gt: "u32(a > b && !is_nan(a) && !is_nan(b))",
    ge: "u32(a >= b && !is_nan(a) && !is_nan(b))",
  },
  int32: {
    eq: "u32(a == b)",
    ne: "u32(a != b)",
    lt: "u32(a < b)",
    le: "u32(a <= b)",
    gt: "u32(a > b)",
    ge: "u32(a >= b)",
  },
};

/** Reductions: identity and combining expression (in `a`, `b`). */
export const REDUCE_EXPR: Record<
  GpuComputeDType,
  Record<"sum" | "prod" | "max" | "min", { ident: string; combine: string }>
> = {
  float32: {
    sum: { ident: "0.0", combine: "a + b" },
    prod: { ident: "1.0", combine: "a * b" },
    max: { ident: "f_neg(f_inf())", combine: "f_max(a, b)" },
    min: { ident: "f_inf()", combine: "f_min(a, b)" },
  },
  int32: {
    sum: { ident: "0", combine: "a + b" },
    prod: { ident: "1", combine: "a * b" },
    max: { ident: "bitcast<i32>(0x80000000u)", combine: "max(a, b)" },
    min: { ident: "2147483647", combine: "min(a, b)" },
  },
};

/** argmax/argmin: the sentinel (worst) value and when `v` strictly beats `b` (NaN beats numbers). */
export const ARG_EXPR: Record<
  GpuComputeDType,
  Record<Extract<ReduceOp, "argmax" | "argmin">, { ident: string; beats: string }>
> = {
  float32: {
    argmax: { ident: "f_neg(f_inf())", beats: "!is_nan(b) && (is_nan(v) || v > b)" },
    argmin: { ident: "f_inf()", beats: "!is_nan(b) && (is_nan(v) || v < b)" },
  },
  int32: {
    argmax: { ident: "bitcast<i32>(0x80000000u)", beats: "v > b" },
    argmin: { ident: "2147483647", beats: "v < b" },
  },
};

/**
 * Body of the cast kernel's `conv(x: u32) -> u32` for a pair of dtypes (raw 32-bit words: f32 for
 * float32/float16, i32 for int32, u32 for uint8/bool).
 */
export function castBody(from: DType, to: DType): string {
  if (from === "float64") throw new TypeError("cast: float64 never lives on the gpu");
  const fromFloat = from === "float32" || from === "float16";
  const load = fromFloat ? "let f = bitcast<f32>(x);" : "let v = bitcast<i32>(x);";
  const f = fromFloat ? "f" : "i32_to_f32(v)";
  switch (to) {
    case "float32":
      return fromFloat ? "return x;" : `${load}\n  return bitcast<u32>(${f});`;
    case "float16":
      return `${load}\n  return bitcast<u32>(f_round_f16(${f}));`;
    case "int32":
      return fromFloat ? `${load}\n  return bitcast<u32>(f32_to_i32(f));` : "return x;";
    case "uint8":
      return fromFloat ? `${load}\n  return bitcast<u32>(f32_to_i32(f)) & 255u;` : "return x & 255u;";
    case "bool":
      return fromFloat ? `${load}\n  return u32(!is_zero(f));` : "return u32(x != 0u);";
    case "float64":
      throw new TypeError("cast: float64 never lives on the gpu");
    case "complex64":
      throw new TypeError("cast: complex64 has no storage of its own (it views float32 pairs)");
  }
}

const PLACEHOLDER = /\{\{([A-Z0-9_]+)\}\}/g;
const COMPUTE = 4; // GPUShaderStage.COMPUTE
const DECLARATION =
  /@group\(0\)\s*@binding\((\d+)\)\s*var<\s*(uniform|storage)\s*(?:,\s*(read_write|read)\s*)?>/g;

/** The buffer binding type of each `@group(0)` binding WGSL `code` declares (the kernels' own text). */
export function declaredBindings(code: string): Map<number, GPUBufferBindingType> {
  const out = new Map<number, GPUBufferBindingType>();
  for (const m of code.matchAll(DECLARATION)) {
    const type = m[2] === "uniform" ? "uniform" : m[3] === "read_write" ? "storage" : "read-only-storage";
    out.set(Number(m[1]), type);
  }
  return out;
}

/**
 * The WGSL module text of kernel `name` with its placeholders filled from `subs` (placeholders in
 * `//` comments are documentation and stay as they are).
 */
export function kernelSource(name: string, subs: Readonly<Record<string, string>> = {}): string {
  const parts = KERNELS[name];
  if (!parts) throw new Error(`gpu backend: no WGSL kernel named ${name}`);
  return fillPlaceholders(name, parts.map((p) => WGSL_PARTS[p]).join("\n"), subs);
}

/**
 * The WGSL fragment `name` (`"<family>.<snippet>"`, a `//! snippet:` section of a `wgsl/` file)
 * with its placeholders filled from `subs`: what a kernel's placeholder takes in one of its variants.
 */
export function wgslSnippet(name: string, subs: Readonly<Record<string, string>> = {}): string {
  const text = WGSL_PARTS[name];
  if (text === undefined || !SNIPPETS.includes(name)) {
    throw new Error(`gpu backend: no WGSL snippet named ${name}`);
  }
  // The generated module starts and ends each part with a newline of its own.
  return fillPlaceholders(name, text.slice(1, -1), subs);
}

/** `text` (WGSL of kernel `name`) with its placeholders filled from `subs`, comments left alone. */
function fillPlaceholders(name: string, text: string, subs: Readonly<Record<string, string>>): string {
  return text.split("\n").map((line) => {
    const c = line.indexOf("//");
    const code = c < 0 ? line : line.slice(0, c);
    if (!code.includes("{{")) return line;
    const filled = code.replace(PLACEHOLDER, (_, key: string) => {
      const v = subs[key];
      if (v === undefined) throw new Error(`gpu backend: kernel ${name} needs a value for {{${key}}}`);
      return v;
    });
    return c < 0 ? filled : filled + line.slice(c);
  }).join("\n");
}

/**
 * Compute pipelines by kernel name and template values, compiled on first use. Creation runs in
 * error scopes: a kernel that fails to compile fails the backend with the compiler's messages
 * (see `errors.ts`), and asking for it again throws at once.
 */
export class PipelineCache {
  readonly #device: GPUDevice;
  readonly #errors: GpuErrors;
  readonly #overrides: Readonly<Record<string, string>>;
  readonly #cache = new Map<string, Kernel>();
  readonly #specs: { name: string; subs: Readonly<Record<string, string>> }[] = [];

  /**
   * An empty cache for `device`, recording errors in `errors` (default: a watch of its own).
   * `overrides` replaces the WGSL of kernels by name (before placeholders are filled; the entry
   * point keeps the kernel's name): for kernel development and for tests that need a kernel that
   * does not compile.
   */
  constructor(
    device: GPUDevice,
    errors: GpuErrors = new GpuErrors(device),
    overrides: Readonly<Record<string, string>> = {},
  ) {
    this.#device = device;
    this.#errors = errors;
    this.#overrides = overrides;
  }

  /**
   * Kernel `name` specialised with `subs`: its module, compiled once per distinct key. A kernel
   * that needs a device feature the device lacks (`KERNEL_FEATURES`, e.g. the f16 kernels without
   * `shader-f16`) is never compiled: asking for it throws.
   */
  get(name: string, subs: Readonly<Record<string, string>> = {}): Kernel {
    this.#errors.check(`gpu kernel ${name}`);
    const missing = (KERNEL_FEATURES[name] ?? []).filter((f) =>
      !this.#device.features.has(f as GPUFeatureName)
    );
    if (missing.length > 0) {
      throw new Error(
        `gpu backend: kernel ${name} needs the device feature ${missing.join(", ")}, which this device lacks`,
      );
    }
    const keys = Object.keys(subs).sort();
    const key = keys.length === 0 ? name : `${name}|${keys.map((k) => `${k}=${subs[k]}`).join("|")}`;
    let k = this.#cache.get(key);
    if (!k) {
      const override = this.#overrides[name];
      const code = override === undefined ? kernelSource(name, subs) : fillPlaceholders(name, override, subs);
      const module: GPUShaderModule = this.#errors.scoped(
        () => this.#device.createShaderModule({ code, label: key }),
        async (e): Promise<string> =>
          this.#compileError(key, await compilationErrors(module, code) ?? e.message.trim()),
      );
      k = {
        name: key,
        entry: name,
        id: this.#cache.size,
        module,
        code,
        declared: declaredBindings(code),
        pipeline: null,
        layout: null,
      };
      this.#cache.set(key, k);
      this.#specs.push({ name, subs });
    }
    return k;
  }

  /**
   * Kernel `k`'s pipeline, made on its first dispatch: an explicit layout of the bindings the
   * dispatch passes (which are those the entry point uses, as an `"auto"` layout would list
   * them), typed as the WGSL declares them, with a dynamic offset on the uniform parameters so
   * that one bind group serves every dispatch over the same buffers.
   */
  pipeline(k: Kernel, bindings: readonly number[]): GPUComputePipeline {
    if (k.pipeline) return k.pipeline;
    const entries: GPUBindGroupLayoutEntry[] = [
      { binding: 0, visibility: COMPUTE, buffer: { type: "uniform", hasDynamicOffset: true } },
    ];
    for (const b of bindings) {
      const type = k.declared.get(b);
      // A dispatch binding what the kernel does not declare is a bug that fails the backend
      // (an "auto" layout would have refused the bind group).
      if (type === undefined) {
        this.#errors.fail(`WGSL kernel ${JSON.stringify(k.name)} declares no binding ${b}`);
      }
      entries.push({ binding: b, visibility: COMPUTE, buffer: { type: type ?? "read-only-storage" } });
    }
    const [layout, pipeline] = this.#errors.scoped(
      () => {
        const layout = this.#device.createBindGroupLayout({ entries, label: k.name });
        const pipeline = this.#device.createComputePipeline({
          layout: this.#device.createPipelineLayout({ bindGroupLayouts: [layout], label: k.name }),
          compute: { module: k.module, entryPoint: k.entry },
          label: k.name,
        });
        return [layout, pipeline] as const;
      },
      async (e) => this.#compileError(k.name, await compilationErrors(k.module, k.code) ?? e.message.trim()),
    );
    k.layout = layout;
    k.pipeline = pipeline;
    return pipeline;
  }

  #compileError(key: string, why: string): string {
    return `WGSL kernel ${JSON.stringify(key.length > 200 ? key.slice(0, 200) + "…" : key)} failed to ` +
      `compile: ${why}`;
  }

  /** Number of compiled pipelines. */
  get size(): number {
    return this.#cache.size;
  }

  /** The keys (kernel name and template values) of the compiled pipelines. */
  keys(): string[] {
    return [...this.#cache.keys()];
  }

  /** Kernel name and template values of each compiled pipeline (`kernelSource` gives its WGSL). */
  specs(): { name: string; subs: Readonly<Record<string, string>> }[] {
    return [...this.#specs];
  }
}
