/**
 * Turning raw storage contents into the values users read.
 * @module
 */
import type { DType, TypedArray } from "./dtype.ts";
import type { NestedArray } from "./tensor.ts";
import { halfToFloat } from "./half.ts";

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
