/**
 * Data types and PyTorch's type promotion.
 *
 * Integers default to `int32` (PyTorch uses int64): WebGPU and JavaScript have no fast 64-bit
 * integers.
 * @module
 */

/**
 * The element types a tensor can hold (float64 on the CPU only: WGSL has no 64-bit floats).
 * `complex64` (PyTorch's `torch.complex64` / `cfloat`) is stored as interleaved (re, im) float32
 * pairs in a float32 storage; see `src/complex/`.
 */
export type DType = "float32" | "float64" | "float16" | "int32" | "uint8" | "bool" | "complex64";

/**
 * The dtypes a backend storage holds: every dtype but complex64, whose tensors view a float32
 * storage of interleaved (re, im) pairs (the tensor carries the dtype, as in PyTorch, where storage
 * is untyped bytes).
 */
export type RealDType = Exclude<DType, "complex64">;

/** The dtypes kernels compute in; every other dtype is widened to one of these first. */
export type ComputeDType = "float32" | "float64" | "int32";

/** Typed array that backs each dtype on the CPU (float16 is stored as raw IEEE half bits). */
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array | Uint16Array;

/** All dtypes, for validation and messages. */
export const DTYPES: readonly DType[] = [
  "float32",
  "float64",
  "float16",
  "int32",
  "uint8",
  "bool",
  "complex64",
];

/** Bytes per element. */
export const ITEM_SIZE: Record<DType, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  int32: 4,
  uint8: 1,
  bool: 1,
  complex64: 8,
};

/**
 * PyTorch's legacy tensor type names of the dtypes (`x.type()`'s `torch.FloatTensor`, the repr of a
 * `ParameterList`). int32 is `IntTensor`: PyTorch's integer default, int64, would be `LongTensor`.
 */
export const TYPE_NAMES: Record<DType, string> = {
  float32: "FloatTensor",
  float64: "DoubleTensor",
  float16: "HalfTensor",
  int32: "IntTensor",
  uint8: "ByteTensor",
  bool: "BoolTensor",
  complex64: "ComplexFloatTensor",
};

/** The dtype of floating point tensors made without one (`setDefaultDtype`). */
let defaultFloat: "float32" | "float64" = "float32";

/**
 * The dtype floating point tensors get when none is given (PyTorch's `torch.get_default_dtype`):
 * float32 unless `setDefaultDtype` changed it.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * assertEquals(torch.getDefaultDtype(), "float32");
 * ```
 */
export function getDefaultDtype(): "float32" | "float64" {
  return defaultFloat;
}

/**
 * Sets the dtype floating point tensors get when none is given (PyTorch's
 * `torch.set_default_dtype`): float32 (the default) or float64. It applies to the factory
 * functions (`zeros`, `ones`, `empty`, `full` with a fractional value, `rand`, `randn`,
 * `linspace`, `eye`, `arange` with fractional bounds), to `tensor()` of fractional JS numbers, to
 * an integer tensor combined with a fractional number, to the true division and the float functions
 * (`exp`, `sin`, ...) of integer tensors, and to the layers' parameters. float64 lives on the CPU
 * only.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * torch.setDefaultDtype("float64");
 * try {
 *   assertEquals([torch.zeros(2).dtype, torch.tensor([1.5]).dtype, torch.tensor([1]).dtype], [
 *     "float64",
 *     "float64",
 *     "int32",
 *   ]);
 * } finally {
 *   torch.setDefaultDtype("float32");
 * }
 * ```
 */
export function setDefaultDtype(dtype: DType): void {
  if (dtype !== "float32" && dtype !== "float64") {
    throw new TypeError(
      `setDefaultDtype: only floating-point types are supported as the default type (float32 or float64), ` +
        `got ${JSON.stringify(dtype)}`,
    );
  }
  defaultFloat = dtype;
}

/** True for floating-point dtypes. */
export function isFloating(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64" || dtype === "float16";
}

/** The dtype a kernel computes in for values of `dtype` (float16 in float32). */
export function computeDType(dtype: DType): ComputeDType {
  if (dtype === "float64") return "float64";
  return isFloating(dtype) ? "float32" : "int32";
}

/**
 * Throws when `dtype` cannot live on `device`: float64 is CPU-only (WGSL has no 64-bit floats).
 * `op` names the call in the message.
 */
export function checkDeviceDType(op: string, dtype: DType, device: string): void {
  if (dtype === "float64" && device !== "cpu") {
    throw new TypeError(
      `${op}: float64 is not supported on the ${device} (WGSL has no 64-bit floats); convert with ` +
        `.float() first, or keep float64 tensors on the cpu`,
    );
  }
}

/** Allocates a zeroed typed array for `n` elements of `dtype`. */
export function typedArrayFor(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(n);
    case "float64":
      return new Float64Array(n);
    case "int32":
      return new Int32Array(n);
    case "float16":
      return new Uint16Array(n);
    case "uint8":
    case "bool":
      return new Uint8Array(n);
    case "complex64":
      return new Float32Array(2 * n); // interleaved (re, im) pairs
  }
}

// Promotion categories, lowest first: bool < integer < floating.
const CATEGORY: Record<DType, number> = {
  bool: 0,
  uint8: 1,
  int32: 1,
  float16: 2,
  float32: 2,
  float64: 2,
  complex64: 3,
};

/**
 * PyTorch's result type for a binary op on two tensors of these dtypes.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import { promoteTypes } from "./dtype.ts";
 * assertEquals(promoteTypes("int32", "float32"), "float32");
 * assertEquals(promoteTypes("float32", "float64"), "float64");
 * ```
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const ca = CATEGORY[a], cb = CATEGORY[b];
  if ((a === "float64" && b === "complex64") || (a === "complex64" && b === "float64")) {
    throw new TypeError(
      "promoteTypes: float64 with complex64 gives complex128 in PyTorch, which edgetorch does not have",
    );
  }
  if (ca !== cb) return ca > cb ? a : b;
  if (ca === 2) return a === "float64" || b === "float64" ? "float64" : "float32"; // the wider float
  return "int32"; // uint8 with int32
}

/**
 * Result type for a tensor of `t` combined with a JS number `s` (a "wrapped scalar" in PyTorch:
 * it only raises the category, never the width within one).
 */
export function promoteWithScalar(t: DType, s: number | boolean): DType {
  if (typeof s === "boolean" || t === "complex64") return t;
  const scalarIsFloat = !Number.isInteger(s);
  if (scalarIsFloat && !isFloating(t)) return defaultFloat;
  if (t === "bool") return "int32";
  return t;
}

/** The smallest and largest int32. */
export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** True for an integer that int32 holds. */
export function fitsInt32(v: number): boolean {
  return Number.isInteger(v) && v >= INT32_MIN && v <= INT32_MAX;
}

/**
 * Values each integer dtype takes: PyTorch's overflow check (uint8 also takes -255..-1, which
 * wrap to 1..255, as in PyTorch). Non-integers are truncated toward zero first.
 */
export const INT_RANGE: Partial<Record<DType, readonly [number, number]>> = {
  int32: [INT32_MIN, INT32_MAX],
  uint8: [-255, 255],
};

/**
 * Throws PyTorch's overflow error when `v` does not fit the integer dtype `dtype` (NaN and
 * infinities never do); `where` locates the value in the message (` at [1][2]`).
 */
export function checkIntValue(op: string, v: number, dtype: DType, where = ""): void {
  const range = INT_RANGE[dtype];
  if (!range) return;
  const t = Math.trunc(v);
  if (t >= range[0] && t <= range[1]) return;
  throw new RangeError(
    `${op}: value ${v}${where} cannot be converted to ${dtype} without overflow ` +
      `(${dtype} holds ${dtype === "int32" ? `${INT32_MIN} to ${INT32_MAX}` : "0 to 255"})`,
  );
}

/**
 * The dtype PyTorch infers for a JS value: floats give float32, integers int32, booleans bool.
 * Integers outside int32 (PyTorch would use int64, which this library does not have) give
 * float32; `tensor` refuses those that float32 would round.
 */
export function inferDType(values: ArrayLike<number | boolean>): DType {
  let sawBool = false, sawInt = false;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v === "boolean") sawBool = true;
    else if (fitsInt32(v)) sawInt = true;
    else return "float32";
  }
  if (sawInt) return "int32";
  return sawBool ? "bool" : "float32";
}

/** Throws a clear error unless `d` names a dtype. */
export function checkDType(op: string, d: unknown): DType {
  if (typeof d !== "string" || !(DTYPES as readonly string[]).includes(d)) {
    throw new TypeError(`${op}: unknown dtype ${JSON.stringify(d)}; expected one of ${DTYPES.join(", ")}`);
  }
  return d as DType;
}
