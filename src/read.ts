/**
 * Turning raw storage contents into the values users read.
 * @module
 */
import type { DType, TypedArray } from "./dtype.ts";
import type { NestedArray } from "./tensor.ts";

const f16Scratch = new Float32Array(1);

/** IEEE half bits to a number. */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  f16Scratch[0] = s * (1 + m / 1024) * 2 ** (e - 15);
  return f16Scratch[0];
}

/**
 * `n` elements from `offset` of a storage read, as the typed array users get from `dataSync()`:
 * float16 widens to Float32Array.
 */
export function decodeValues(
  raw: TypedArray,
  dtype: DType,
  offset: number,
  n: number,
): Float32Array | Float64Array | Int32Array | Uint8Array {
  if (dtype === "float16") {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = halfToFloat(raw[offset + i]);
    return out;
  }
  const view = raw.subarray(offset, offset + n) as Float32Array | Float64Array | Int32Array | Uint8Array;
  return offset === 0 && n === raw.length ? view : view.slice();
}

/** Row-major values to nested arrays of `shape` (a bare value for 0-d). */
export function nestValues(
  values: ArrayLike<number>,
  shape: readonly number[],
  asBool: boolean,
): NestedArray {
  const at = (i: number): number | boolean => asBool ? values[i] !== 0 : values[i];
  if (shape.length === 0) return at(0);
  let pos = 0;
  const build = (d: number): NestedArray[] => {
    const out: NestedArray[] = new Array(shape[d]);
    for (let i = 0; i < shape[d]; i++) out[i] = d === shape.length - 1 ? at(pos++) : build(d + 1);
    return out;
  };
  return build(0);
}
