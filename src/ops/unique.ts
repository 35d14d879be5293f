/**
 * `unique`: the distinct elements (or distinct slices along `dim`), sorted, with the inverse
 * indices and counts PyTorch returns on request. The result's size depends on the values, so they
 * are read on the host: synchronous on the CPU, `uniqueAsync` on every device (as `nonzero`).
 * @module
 */
import { refuseComplex } from "../complex/core.ts";
import { normDim } from "../shape.ts";
import { Tensor } from "../tensor.ts";
import { tensor } from "../creation.ts";
import { indexSelect } from "./indexing.ts";
import { movedim } from "./rearrange.ts";
import { inFrameOf } from "../memory.ts";
import { describeValue } from "../backends/contract.ts";

/** Options of {@link unique}, PyTorch's keyword arguments. */
export interface UniqueOptions {
  /**
   * Sort the unique values ascending (default true). PyTorch's CPU gives an unspecified (hash)
   * order for `false`; this gives the sorted order either way.
   */
  sorted?: boolean;
  /** Also return, for each element, the index of its value in the result (int32, `x`'s shape). */
  returnInverse?: boolean;
  /** Also return how many times each unique value occurs (int32). */
  returnCounts?: boolean;
  /** Unique slices along this dim instead of unique elements (default: the flattened tensor). */
  dim?: number;
}

/** Options of {@link unique} that ask for neither the inverse nor the counts (the result is one tensor). */
export type UniquePlainOptions = UniqueOptions & { returnInverse?: false; returnCounts?: false };

function checkOptions(op: string, opts: unknown): UniqueOptions {
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object") {
    throw new TypeError(`${op}: options must be an object like { returnInverse, returnCounts, dim }`);
  }
  const o = opts as UniqueOptions;
  for (const k of ["sorted", "returnInverse", "returnCounts"] as const) {
    if (o[k] !== undefined && typeof o[k] !== "boolean") {
      throw new TypeError(`${op}: ${k} must be a boolean, got ${describeValue(o[k])}`);
    }
  }
  if (o.dim !== undefined && o.dim !== null && !Number.isInteger(o.dim)) {
    throw new TypeError(`${op}: dim must be an integer, got ${describeValue(o.dim)}`);
  }
  return o;
}

/** Total order of values (NaN last; -0 equals 0). */
function compare(a: number, b: number): number {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  return Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1;
}

/** Values read as numbers (float16 decoded, bool as 0/1). */
type Values = ArrayLike<number>;

function uniqueFrom(
  x: Tensor,
  values: Values,
  o: UniqueOptions,
): Tensor | Tensor[] {
  const device = x.device;
  let out: Tensor, inverse: Int32Array, counts: number[];
  if (o.dim === undefined || o.dim === null) {
    // Sorted element indices; each NaN is a value of its own (NaN != NaN), as on PyTorch's CUDA.
    const n = values.length;
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) =>
      compare(values[i], values[j]) || i - j
    );
    const uniques: number[] = [];
    inverse = new Int32Array(n);
    counts = [];
    for (let r = 0; r < n; r++) {
      const v = values[order[r]];
      if (r === 0 || Number.isNaN(v) || compare(v, uniques[uniques.length - 1]) !== 0) {
        uniques.push(v);
        counts.push(0);
      }
      inverse[order[r]] = uniques.length - 1;
      counts[counts.length - 1]++;
    }
    out = tensor(uniques, { dtype: x.dtype, device });
  } else {
    // Unique slices along `dim`, in lexicographic order of their row-major values.
    const d = normDim("unique", o.dim, x.ndim);
    const len = x.ndim === 0 ? 1 : x.shape[d];
    const width = len === 0 ? 0 : values.length / len;
    const cmpSlices = (i: number, j: number) => {
      for (let k = 0; k < width; k++) {
        const c = compare(values[i * width + k], values[j * width + k]);
        if (c !== 0) return c;
      }
      return 0;
    };
    const order = Array.from({ length: len }, (_, i) => i).sort((i, j) => cmpSlices(i, j) || i - j);
    const keep: number[] = [];
    inverse = new Int32Array(len);
    counts = [];
    for (let r = 0; r < len; r++) {
      if (r === 0 || cmpSlices(order[r], keep[keep.length - 1]) !== 0) {
        keep.push(order[r]);
        counts.push(0);
      }
      inverse[order[r]] = keep.length - 1;
      counts[counts.length - 1]++;
    }
    out = indexSelect(x, d, tensor(keep, { dtype: "int32", device }));
  }
  if (!o.returnInverse && !o.returnCounts) return out;
  const result = [out];
  if (o.returnInverse) {
    const inv = tensor(inverse, { dtype: "int32", device });
    result.push(o.dim === undefined || o.dim === null ? inv.reshape([...x.shape]) : inv);
  }
  if (o.returnCounts) result.push(tensor(counts, { dtype: "int32", device }));
  return result;
}

/** `x`'s values for the host algorithm: slices along `dim` first, row-major within each. */
function hostLayout(x: Tensor, o: UniqueOptions): Tensor {
  let t = x.dtype === "float16" ? x.float() : x;
  if (o.dim !== undefined && o.dim !== null && x.ndim > 0) {
    t = movedim(t, normDim("unique", o.dim, x.ndim), 0);
  }
  return t.contiguous();
}

function refuseOffCpu(x: Tensor): void {
  if (x.device !== "cpu") {
    throw new Error(
      `unique: the result's size depends on the values, which needs a synchronous read of a tensor on ` +
        `"${x.device}"; use \`await x.uniqueAsync(...)\` (or torch.uniqueAsync)`,
    );
  }
}

/**
 * The unique elements of `x` (of the flattened tensor, or the unique slices along `dim`), sorted
 * ascending, as PyTorch's `torch.unique`. With `returnInverse` and/or `returnCounts` the result is
 * PyTorch's tuple, `[values, inverse]`, `[values, counts]` or `[values, inverse, counts]` (int32
 * indices and counts). Each NaN counts as its own value. CPU tensors; see {@link uniqueAsync}.
 * Not differentiable (as in PyTorch).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([3, 1, 2, 3, 1]);
 * assertEquals(torch.unique(x).toArray(), [1, 2, 3]);
 * const [values, inverse, counts] = torch.unique(x, { returnInverse: true, returnCounts: true });
 * assertEquals(inverse.toArray(), [2, 0, 1, 2, 0]);
 * assertEquals(counts.toArray(), [2, 1, 2]);
 * ```
 */
export function unique(x: Tensor, opts?: UniquePlainOptions): Tensor;
/** With `returnInverse` and `returnCounts`: `[values, inverse, counts]`. */
export function unique(x: Tensor, opts: UniqueOptions & { returnInverse: true; returnCounts: true }): [
  Tensor,
  Tensor,
  Tensor,
];
/** With `returnInverse` or `returnCounts`: `[values, inverse]` or `[values, counts]`. */
export function unique(
  x: Tensor,
  opts: UniqueOptions & ({ returnInverse: true } | { returnCounts: true }),
): [Tensor, Tensor];
/** The unique values, with the inverse and counts when the options ask for them. */
export function unique(x: Tensor, opts?: UniqueOptions): Tensor | Tensor[];
export function unique(x: Tensor, opts?: UniqueOptions): Tensor | Tensor[] {
  refuseComplex("unique", x);
  return inFrameOf(() => {
    if (!(x instanceof Tensor)) throw new TypeError(`unique: expected a tensor, got ${describeValue(x)}`);
    const o = checkOptions("unique", opts);
    refuseOffCpu(x);
    const host = hostLayout(x, o);
    return uniqueFrom(x, host.dataSync(), o);
  });
}

/**
 * {@link unique} on every device (reads the values once; the results are on `x`'s device).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals((await torch.uniqueAsync(torch.tensor([2, 2, 5]))).toArray(), [2, 5]);
 * ```
 */
export async function uniqueAsync(x: Tensor, opts?: UniquePlainOptions): Promise<Tensor>;
/** With `returnInverse` and `returnCounts`: `[values, inverse, counts]`. */
export async function uniqueAsync(
  x: Tensor,
  opts: UniqueOptions & { returnInverse: true; returnCounts: true },
): Promise<[Tensor, Tensor, Tensor]>;
/** With `returnInverse` or `returnCounts`: `[values, inverse]` or `[values, counts]`. */
export async function uniqueAsync(
  x: Tensor,
  opts: UniqueOptions & ({ returnInverse: true } | { returnCounts: true }),
): Promise<[Tensor, Tensor]>;
/** The unique values, with the inverse and counts when the options ask for them. */
export async function uniqueAsync(x: Tensor, opts?: UniqueOptions): Promise<Tensor | Tensor[]>;
export async function uniqueAsync(x: Tensor, opts?: UniqueOptions): Promise<Tensor | Tensor[]> {
  if (!(x instanceof Tensor)) throw new TypeError(`uniqueAsync: expected a tensor, got ${describeValue(x)}`);
  const o = checkOptions("uniqueAsync", opts);
  const host = hostLayout(x, o);
  const values = await host.dataAsync();
  if (host !== x) host.dispose();
  return uniqueFrom(x, values, o);
}
