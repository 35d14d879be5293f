/**
 * Contracts of the `nanToNum` and `searchsorted` kernels (see `contract.ts`): what each backend
 * checks before launching them, so both refuse the same inputs with the same messages.
 * @module
 */
import type { SearchsortedArgs, Storage } from "./backend.ts";
import { checkCompute, checkCount, type Decided } from "./contract.ts";

/** `nanToNum(x, ...)`: a float storage of x's dtype and length; the replacements are numbers. */
export function nanToNumContract(x: Storage, nan: number, posinf: number, neginf: number): Decided {
  const dtype = checkCompute("nanToNum", x.dtype);
  if (dtype === "int32") {
    throw new TypeError("nanToNum: the kernel takes float32 or float64 storages, got int32");
  }
  for (const [name, v] of [["nan", nan], ["posinf", posinf], ["neginf", neginf]] as const) {
    if (typeof v !== "number") throw new TypeError(`nanToNum: ${name} must be a number, got ${typeof v}`);
  }
  return { dtype, numel: x.numel };
}

/** `searchsorted(seq, values, args)`: int32, one position per value; layouts checked. */
export function searchsortedContract(seq: Storage, values: Storage, args: SearchsortedArgs): Decided {
  const dtype = checkCompute("searchsorted", seq.dtype);
  if (values.dtype !== dtype) {
    throw new TypeError(`searchsorted: seq is ${dtype} but values are ${values.dtype} (one dtype expected)`);
  }
  const { rows, len, perRow, sorter } = args;
  checkCount("searchsorted", "rows", rows);
  checkCount("searchsorted", "len", len);
  checkCount("searchsorted", "perRow", perRow);
  if (perRow === 0 && rows !== 1 && values.numel > 0) {
    throw new RangeError(`searchsorted: perRow 0 (one shared row) needs rows 1, got ${rows}`);
  }
  if (rows * len !== seq.numel) {
    throw new RangeError(`searchsorted: seq has ${seq.numel} elements, not rows ${rows} x len ${len}`);
  }
  if (perRow > 0 && rows * perRow !== values.numel) {
    throw new RangeError(
      `searchsorted: values has ${values.numel} elements, not rows ${rows} x perRow ${perRow}`,
    );
  }
  if (sorter !== null && (sorter.dtype !== "int32" || sorter.numel !== seq.numel)) {
    throw new TypeError(
      `searchsorted: sorter must be int32 with seq's ${seq.numel} elements, got ${sorter.dtype} of ${sorter.numel}`,
    );
  }
  return { dtype: "int32", numel: values.numel };
}
