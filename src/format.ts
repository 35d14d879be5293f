/**
 * PyTorch-style printing of tensors: `tensor([3.1400, 1.5900])`.
 *
 * A port of PyTorch's `torch/_tensor_str.py` with its default print options (precision 4,
 * threshold 1000, edgeitems 3, linewidth 80, scientific notation chosen automatically).
 * @module
 */

import type { DType } from "./dtype.ts";
import { halfToFloat } from "./half.ts";
import { encodeHalf } from "./half.ts";

/** What is printed after the values, as PyTorch's keyword suffixes. */
export interface FormatOptions {
  /** Prints `requires_grad=True` (unless `gradFn` is given, which takes its place). */
  requiresGrad?: boolean;
  /** Name of the node that made the tensor, printed as `grad_fn=<MulBackward0>`. */
  gradFn?: string | null;
  /** Device name; printed as `device='gpu'` for anything but `"cpu"`. */
  device?: string;
}

const PRECISION = 4;
const THRESHOLD = 1000;
const EDGE_ITEMS = 3;
const LINE_WIDTH = 80;
const PREFIX = "tensor(";

/**
 * Formats a tensor exactly as PyTorch's `str(t)` / `repr(t)` does with the default print
 * options: fixed or scientific notation chosen from the values, columns padded to a common
 * width, rows wrapped at 80 characters, tensors of more than 1000 elements summarised with
 * `...` (3 items at each end of every dimension), and the suffixes `device=`, `dtype=`,
 * `grad_fn=` / `requires_grad=True`.
 *
 * dtype suffixes: edgetorch's default integer dtype is `int32` where PyTorch's is `int64`, so
 * `int32` plays int64's part and prints no suffix (`tensor([1, 2])`), as do `float32` and
 * `bool`; `float64`, `float16` and `uint8` print `dtype=torch.float64` etc. Empty
 * tensors print their dtype unless it is `float32`, as PyTorch does (`tensor([],
 * dtype=torch.int32)`). The device prints as given (`device='gpu'`, where PyTorch would print
 * `device='cuda:0'`).
 *
 * @param values the elements in row-major order as JS numbers (bool as 0/1). float32 values
 *   are taken at float32 precision and float16 values at half precision (as PyTorch prints the
 *   stored value: a float32 0.1 is 0.100000001490116...).
 * @param shape the tensor's shape (`[]` for a 0-d tensor).
 * @param dtype the tensor's dtype.
 * @param opts suffixes to print.
 * @returns the text PyTorch prints for the tensor.
 * @throws {RangeError} when `values` does not hold exactly the shape's number of elements or
 *   the shape has a negative or non-integer size.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert";
 * import { formatTensor } from "./format.ts";
 *
 * strictEqual(formatTensor([3.14, 1.59], [2], "float32"), "tensor([3.1400, 1.5900])");
 * strictEqual(formatTensor([1, 2, 3, 4], [2, 2], "float32"), "tensor([[1., 2.],\n        [3., 4.]])");
 * strictEqual(formatTensor([1, 2], [2], "int32"), "tensor([1, 2])");
 * strictEqual(
 *   formatTensor([1, 2], [2], "float32", { gradFn: "MulBackward0" }),
 *   "tensor([1., 2.], grad_fn=<MulBackward0>)",
 * );
 * strictEqual(formatTensor([1e-5, 1e5], [2], "float32"), "tensor([1.0000e-05, 1.0000e+05])");
 * ```
 */
export function formatTensor(
  values: ArrayLike<number>,
  shape: readonly number[],
  dtype: DType,
  opts: FormatOptions = {},
): string {
  const dims = `[${shape.join(", ")}]`;
  let numel = 1;
  for (const size of shape) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`formatTensor: invalid shape ${dims}`);
    numel *= size;
  }
  const complex = dtype === "complex64"; // values are interleaved (re, im) pairs
  if (values.length !== (complex ? 2 * numel : numel)) {
    throw new RangeError(
      `formatTensor: shape ${dims} has ${numel} elements but ${values.length} values were given`,
    );
  }

  const suffixes: string[] = [];
  if (opts.device !== undefined && opts.device !== "cpu") suffixes.push(`device='${opts.device}'`);

  let body: string;
  if (numel === 0) {
    // Empty tensors show their shape unless it is (0,), and any dtype but the default float.
    if (shape.length !== 1) suffixes.push(`size=${pythonTuple(shape)}`);
    if (dtype !== "float32") suffixes.push(`dtype=torch.${dtype}`);
    body = "[]";
  } else {
    if (dtype === "float16" || dtype === "float64" || dtype === "uint8") {
      suffixes.push(`dtype=torch.${dtype}`);
    }
    if (complex) {
      const re = new Float64Array(numel), im = new Float64Array(numel);
      for (let i = 0; i < numel; i++) {
        re[i] = Math.fround(values[2 * i]);
        im[i] = Math.fround(values[2 * i + 1]);
      }
      body = tensorBody(re, shape, dtype, PREFIX.length, im);
    } else body = tensorBody(toPrinted(values, dtype), shape, dtype, PREFIX.length);
  }

  if (opts.gradFn !== undefined && opts.gradFn !== null) suffixes.push(`grad_fn=<${opts.gradFn}>`);
  else if (opts.requiresGrad) suffixes.push("requires_grad=True");

  return addSuffixes(PREFIX + body, suffixes, PREFIX.length);
}

/** The values as PyTorch sees them: floats rounded to their dtype's precision. */
function toPrinted(values: ArrayLike<number>, dtype: DType): Float64Array {
  const out = new Float64Array(values.length);
  const round = dtype === "float32" ? Math.fround : dtype === "float16" ? roundToHalf : Number;
  for (let i = 0; i < values.length; i++) out[i] = round(values[i]);
  return out;
}

/** Python's `str(tuple(shape))`: `(0,)`, `(2, 0, 3)`. */
function pythonTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/** PyTorch's `_add_suffixes`: `, suffix` on the last line, or on a new line past the linewidth. */
function addSuffixes(tensorStr: string, suffixes: readonly string[], indent: number): string {
  const parts = [tensorStr];
  // Python computes len(s) - s.rfind("\n") + 1: the last line's length plus 2.
  let lastLineLen = tensorStr.length - tensorStr.lastIndexOf("\n") + 1;
  for (const suffix of suffixes) {
    if (lastLineLen + suffix.length + 2 > LINE_WIDTH) {
      parts.push(",\n" + " ".repeat(indent) + suffix);
      lastLineLen = indent + suffix.length;
    } else {
      parts.push(", " + suffix);
      lastLineLen += suffix.length + 2;
    }
  }
  parts.push(")");
  return parts.join("");
}

/** PyTorch's `_tensor_str` for a non-empty tensor: the nested brackets of values. */
function tensorBody(
  values: Float64Array,
  shape: readonly number[],
  dtype: DType,
  indent: number,
  imag?: Float64Array,
): string {
  const summarize = values.length > THRESHOLD;
  const strides: number[] = new Array(shape.length);
  for (let d = shape.length - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  /** Indices along dimension `d` that are printed, with -1 marking the `...`. */
  const shownIndices = (d: number): number[] => {
    const size = shape[d];
    if (summarize && size > 2 * EDGE_ITEMS) {
      const head = Array.from({ length: EDGE_ITEMS }, (_, i) => i);
      const tail = Array.from({ length: EDGE_ITEMS }, (_, i) => size - EDGE_ITEMS + i);
      return [...head, -1, ...tail];
    }
    return Array.from({ length: size }, (_, i) => i);
  };

  // The formatter sees only the elements that are printed (PyTorch's get_summarized_data).
  const shown: number[] = [], shownImag: number[] = [];
  const collect = (d: number, offset: number): void => {
    if (d === shape.length) {
      shown.push(values[offset]);
      if (imag) shownImag.push(imag[offset]);
      return;
    }
    for (const i of shownIndices(d)) if (i >= 0) collect(d + 1, offset + i * strides[d]);
  };
  collect(0, 0);
  // Complex: PyTorch formats the real and the imaginary parts each with a formatter of its own,
  // joined as `re+imj` (its width: both widths plus the `j`).
  const realFormatter = new Formatter(shown, imag ? "float32" : dtype);
  const imagFormatter = imag ? new Formatter(shownImag, "float32") : null;
  const formatter = {
    width: realFormatter.width + (imagFormatter ? imagFormatter.width + 1 : 0),
    format: (offset: number): string => {
      const re = realFormatter.format(values[offset]);
      if (!imagFormatter) return re;
      const im = (imagFormatter.format(imag![offset]) + "j").trimStart();
      return im[0] === "+" || im[0] === "-" ? re + im : re + "+" + im;
    },
  };

  const render = (d: number, offset: number, indent: number): string => {
    const dims = shape.length - d;
    if (dims === 0) return formatter.format(offset);
    if (dims === 1) {
      // PyTorch's _vector_str: elements (", "-separated) wrapped to the line width.
      const elementLength = formatter.width + 2;
      const perLine = Math.max(1, Math.floor((LINE_WIDTH - indent) / elementLength));
      const data = shownIndices(d).map((i) => i < 0 ? " ..." : formatter.format(offset + i * strides[d]));
      const lines: string[] = [];
      for (let i = 0; i < data.length; i += perLine) lines.push(data.slice(i, i + perLine).join(", "));
      return "[" + lines.join(",\n" + " ".repeat(indent + 1)) + "]";
    }
    const slices = shownIndices(d).map((i) =>
      i < 0 ? "..." : render(d + 1, offset + i * strides[d], indent + 1)
    );
    return "[" + slices.join("," + "\n".repeat(dims - 1) + " ".repeat(indent + 1)) + "]";
  };
  return render(0, 0, indent);
}

/** PyTorch's `_Formatter`: picks the notation and the common width from the printed values. */
class Formatter {
  readonly floating: boolean;
  readonly isBool: boolean;
  intMode = true;
  sciMode = false;
  width = 1;

  constructor(values: readonly number[], dtype: DType) {
    this.floating = dtype === "float32" || dtype === "float64" || dtype === "float16";
    this.isBool = dtype === "bool";
    if (!this.floating) {
      for (const v of values) this.width = Math.max(this.width, this.format(v).length);
      return;
    }
    const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
    if (finite.length === 0) return;
    let min = Infinity;
    let max = 0;
    for (const v of finite) {
      const a = Math.abs(v);
      if (a < min) min = a;
      if (a > max) max = a;
    }
    this.intMode = finite.every((v) => v === Math.ceil(v));
    if (this.intMode) {
      if (max / min > 1000 || max > 1e8) {
        this.sciMode = true;
        for (const v of finite) this.width = Math.max(this.width, formatExponential(v, PRECISION).length);
      } else {
        for (const v of finite) this.width = Math.max(this.width, formatFixed(v, 0).length + 1);
      }
    } else if (max / min > 1000 || max > 1e8 || min < 1e-4) {
      this.sciMode = true;
      for (const v of finite) this.width = Math.max(this.width, formatExponential(v, PRECISION).length);
    } else {
      for (const v of finite) this.width = Math.max(this.width, formatFixed(v, PRECISION).length);
    }
  }

  /** One element, right-aligned to the common width (never truncated). */
  format(value: number): string {
    let s: string;
    if (!this.floating) s = this.isBool ? (value ? "True" : "False") : String(value);
    else if (this.sciMode) s = formatExponential(value, PRECISION);
    else if (this.intMode) s = Number.isFinite(value) ? formatFixed(value, 0) + "." : formatFixed(value, 0);
    else s = formatFixed(value, PRECISION);
    return s.padStart(this.width, " ");
  }
}

/** Python's spelling of the non-finite floats. */
function nonFinite(value: number): string {
  return Number.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
}

/** True for negative numbers and -0 (Python keeps the sign of -0.0 and of values rounded to 0). */
function isNegative(value: number): boolean {
  return value < 0 || Object.is(value, -0);
}

/** |value| as `mant * 2^exp` exactly, for a finite nonzero double. */
function exactAbs(value: number): { mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) {
    exp = -1074;
  } else {
    mant |= 1n << 52n;
    exp = biased - 1075;
  }
  return { mant, exp }; // |value| = mant * 2^exp
}

/** Divides `num` by `den` rounding half to even (both positive). */
function divRoundHalfEven(num: bigint, den: bigint): bigint {
  const q = num / den;
  const r2 = (num % den) * 2n;
  return r2 > den || (r2 === den && (q & 1n) === 1n) ? q + 1n : q;
}

/** |value| * 10^shift as a fraction num / den. */
function scaled(value: number, shift: number): { num: bigint; den: bigint } {
  const { mant, exp } = exactAbs(value);
  let num = mant;
  let den = 1n;
  if (exp >= 0) num <<= BigInt(exp);
  else den <<= BigInt(-exp);
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  return { num, den };
}

/** Python's `"{:.{digits}f}".format(value)`: exact value, rounded half to even. */
function formatFixed(value: number, digits: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  const sign = isNegative(value) ? "-" : "";
  if (value === 0) return sign + (digits > 0 ? "0." + "0".repeat(digits) : "0");
  const { num, den } = scaled(value, digits);
  const s = divRoundHalfEven(num, den).toString().padStart(digits + 1, "0");
  if (digits === 0) return sign + s;
  return sign + s.slice(0, s.length - digits) + "." + s.slice(s.length - digits);
}

/** Python's `"{:.{digits}e}".format(value)`: `1.0000e-05`, exponent at least two digits. */
function formatExponential(value: number, digits: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  const sign = isNegative(value) ? "-" : "";
  let exponent = 0;
  let mantissa: string;
  if (value === 0) {
    mantissa = "0".repeat(digits + 1);
  } else {
    // Find the decimal exponent E with 10^E <= |value| < 10^(E+1) exactly, then round
    // |value| / 10^(E - digits) to an integer of digits + 1 digits.
    exponent = Math.floor(Math.log10(Math.abs(value)));
    const low = 10n ** BigInt(digits);
    const high = low * 10n;
    for (;;) {
      const { num, den } = scaled(value, digits - exponent);
      if (num < low * den) exponent--;
      else if (num >= high * den) exponent++;
      else {
        let q = divRoundHalfEven(num, den);
        if (q === high) {
          q = low;
          exponent++;
        }
        mantissa = q.toString();
        break;
      }
    }
  }
  const frac = digits > 0 ? "." + mantissa.slice(1) : "";
  const expSign = exponent < 0 ? "-" : "+";
  return `${sign}${mantissa[0]}${frac}e${expSign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** `value` as the float16 tensor stores it (the one codec of half.ts: round to nearest even). */
function roundToHalf(value: number): number {
  return halfToFloat(encodeHalf(value));
}
