/**
 * Numerical properties of the dtypes: `torch.finfo` (floating point) and `torch.iinfo` (integers),
 * with PyTorch 1.13's values.
 * @module
 */
import { type DType, DTYPES, getDefaultDtype } from "./dtype.ts";

/** The floating-point dtypes `finfo` describes. */
export type FloatDType = "float32" | "float64" | "float16";
/** The integer dtypes `iinfo` describes (bool is not one, as in PyTorch). */
export type IntDType = "int32" | "uint8";

/**
 * @internal Python's `%g` (6 significant digits, ties to even on the exact value), as PyTorch's
 * `repr(finfo)` prints its numbers.
 */
export function formatG6(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const [m, e] = Math.abs(v).toExponential(60).split("e");
  const all = m.replace(".", "");
  let head = Number(all.slice(0, 6));
  const rest = all.slice(6);
  if (rest[0] > "5" || (rest[0] === "5" && (/[1-9]/.test(rest.slice(1)) || head % 2 === 1))) head++;
  let exp = Number(e);
  if (head === 1e6) {
    head = 1e5;
    exp++;
  }
  const digits = String(head);
  const sign = v < 0 ? "-" : "";
  if (exp >= -4 && exp < 6) {
    const padded = exp < 0 ? "0".repeat(-exp) + digits : digits;
    const point = exp < 0 ? 1 : exp + 1;
    const frac = padded.slice(point).replace(/0+$/, "");
    return sign + padded.slice(0, point) + (frac ? "." + frac : "");
  }
  const frac = digits.slice(1).replace(/0+$/, "");
  return `${sign}${digits[0]}${frac ? "." + frac : ""}e${exp < 0 ? "-" : "+"}${
    String(Math.abs(exp)).padStart(2, "0")
  }`;
}

/**
 * What `torch.finfo(dtype)` tells of a floating-point dtype (PyTorch's `torch.finfo` object).
 * The numbers are JavaScript doubles holding the dtype's exact values.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const f16 = torch.finfo("float16");
 * assertEquals([f16 instanceof torch.FInfo, f16.bits, f16.eps, f16.resolution], [true, 16, 2 ** -10, 0.001]);
 * ```
 */
export class FInfo {
  /** The number of bits of the type. */
  readonly bits: number;
  /** The difference between 1 and the next representable number (machine epsilon). */
  readonly eps: number;
  /** The largest finite number. */
  readonly max: number;
  /** The most negative finite number (`-max`). */
  readonly min: number;
  /** The smallest positive normal number. */
  readonly tiny: number;
  /** The smallest positive normal number (the same as `tiny`). */
  readonly smallestNormal: number;
  /** The approximate decimal resolution: `10 ** -floor(-log10(eps))`. */
  readonly resolution: number;
  /** The dtype described. */
  readonly dtype: FloatDType;

  /** @internal Use `torch.finfo(dtype)`. */
  constructor(dtype: FloatDType, bits: number, mantissa: number, maxExp: number, resolution: number) {
    this.dtype = dtype;
    this.bits = bits;
    this.eps = 2 ** -mantissa;
    this.max = (2 - 2 ** -mantissa) * 2 ** maxExp;
    this.min = -this.max;
    this.tiny = 2 ** (1 - maxExp);
    this.smallestNormal = this.tiny;
    this.resolution = resolution;
    Object.freeze(this);
  }

  /** PyTorch's `repr(finfo)`: `finfo(resolution=1e-06, min=-3.40282e+38, ..., dtype=float32)`. */
  toString(): string {
    return `finfo(resolution=${formatG6(this.resolution)}, min=${formatG6(this.min)}, max=${
      formatG6(this.max)
    }, ` +
      `eps=${formatG6(this.eps)}, smallest_normal=${formatG6(this.smallestNormal)}, tiny=${
        formatG6(this.tiny)
      }, ` +
      `dtype=${this.dtype})`;
  }
}

/**
 * What `torch.iinfo(dtype)` tells of an integer dtype (PyTorch's `torch.iinfo` object).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const i32 = torch.iinfo("int32");
 * assertEquals([i32 instanceof torch.IInfo, i32.min, i32.max], [true, -2147483648, 2147483647]);
 * ```
 */
export class IInfo {
  /** The number of bits of the type. */
  readonly bits: number;
  /** The largest value. */
  readonly max: number;
  /** The smallest value. */
  readonly min: number;
  /** The dtype described. */
  readonly dtype: IntDType;

  /** @internal Use `torch.iinfo(dtype)`. */
  constructor(dtype: IntDType, bits: number, signed: boolean) {
    this.dtype = dtype;
    this.bits = bits;
    this.max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
    this.min = signed ? -(2 ** (bits - 1)) : 0;
    Object.freeze(this);
  }

  /** PyTorch's `repr(iinfo)`: `iinfo(min=0, max=255, dtype=uint8)`. */
  toString(): string {
    return `iinfo(min=${formatG6(this.min)}, max=${formatG6(this.max)}, dtype=${this.dtype})`;
  }
}

const FINFO: Record<FloatDType, FInfo> = {
  float32: new FInfo("float32", 32, 23, 127, 1e-6),
  float64: new FInfo("float64", 64, 52, 1023, 1e-15),
  float16: new FInfo("float16", 16, 10, 15, 1e-3),
};

const IINFO: Record<IntDType, IInfo> = {
  int32: new IInfo("int32", 32, true),
  uint8: new IInfo("uint8", 8, false),
};

function checkDtype(op: string, dtype: unknown): asserts dtype is DType {
  if (typeof dtype !== "string" || !(DTYPES as readonly string[]).includes(dtype)) {
    throw new TypeError(
      `${op}: expected a dtype (${DTYPES.join(", ")}), got ${
        typeof dtype === "string" ? `"${dtype}"` : typeof dtype
      }`,
    );
  }
}

/**
 * The numerical properties of a floating-point dtype (PyTorch's `torch.finfo`): `bits`, `eps`,
 * `max`, `min`, `tiny` (= `smallestNormal`), `resolution` and `dtype`, PyTorch's values exactly.
 * Without a dtype, the default one (`getDefaultDtype()`). An integer or bool dtype is a TypeError,
 * as in PyTorch.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const x = torch.tensor([1, 2]).float();
 * const fi = torch.finfo(x.dtype);
 * assertEquals([fi.eps, fi.bits, fi.tiny], [2 ** -23, 32, 2 ** -126]);
 * assertEquals(torch.finfo("float16").max, 65504);
 * assertEquals(String(torch.finfo()), "finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, " +
 *   "eps=1.19209e-07, smallest_normal=1.17549e-38, tiny=1.17549e-38, dtype=float32)");
 * ```
 */
export function finfo(dtype: DType = getDefaultDtype()): FInfo {
  checkDtype("finfo", dtype);
  const info = FINFO[dtype as FloatDType];
  if (info === undefined) {
    throw new TypeError(
      `finfo: requires a floating point dtype (float32, float64, float16), got ${dtype}; use torch.iinfo for integers`,
    );
  }
  return info;
}

/**
 * The numerical properties of an integer dtype (PyTorch's `torch.iinfo`): `bits`, `max`, `min` and
 * `dtype`. A floating-point dtype, or bool, is a TypeError, as in PyTorch. (Integers here are
 * int32 where PyTorch defaults to int64: `torch.iinfo("int32").max` is 2147483647.)
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../mod.ts";
 * const ii = torch.iinfo("uint8");
 * assertEquals([ii.bits, ii.min, ii.max, String(ii)], [8, 0, 255, "iinfo(min=0, max=255, dtype=uint8)"]);
 * assertEquals(torch.iinfo(torch.tensor([1]).dtype).max, 2147483647);
 * ```
 */
export function iinfo(dtype: DType): IInfo {
  checkDtype("iinfo", dtype);
  if (dtype === "bool") throw new TypeError("iinfo: bool is not supported by torch.iinfo");
  const info = IINFO[dtype as IntDType];
  if (info === undefined) {
    throw new TypeError(
      `iinfo: requires an integer dtype (int32, uint8), got ${dtype}; use torch.finfo for floats`,
    );
  }
  return info;
}
