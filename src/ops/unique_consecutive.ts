/**
 * `uniqueConsecutive`: the first element of every run of equal consecutive elements (or slices
 * along `dim`), with PyTorch's optional inverse indices and run lengths. The result's size
 * depends on the values, so they are read on the host: synchronous on the CPU,
 * `uniqueConsecutiveAsync` on every device (as `unique`).
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

/** Options of {@link uniqueConsecutive}, PyTorch's keyword arguments. */
export interface UniqueConsecutiveOptions {
  /** Also return, for each element (or slice), the index of its run in the result (int32). */
  returnInverse?: boolean;
  /** Also return the length of each run (int32). */
  returnCounts?: boolean;
  /** Runs of equal slices along this dim instead of equal elements (default: the flattened tensor). */
  dim?: number | null;
}

function checkOptions(op: string, x: unknown, opts: unknown): UniqueConsecutiveOptions {
  if (!(x instanceof Tensor)) throw new TypeError(`${op}: expected a tensor, got ${describeValue(x)}`);
  if (opts === undefined) return {};
  if (opts === null || typeof opts !== "object") {
    throw new TypeError(`${op}: options must be an object like { returnInverse, returnCounts, dim }`);
  }
  const o = opts as UniqueConsecutiveOptions;
  for (const k of ["returnInverse", "returnCounts"] as const) {
    if (o[k] !== undefined && typeof o[k] !== "boolean") {
      throw new TypeError(`${op}: ${k} must be a boolean, got ${describeValue(o[k])}`);
    }
  }
  if (o.dim !== undefined && o.dim !== null && !Number.isInteger(o.dim)) {
    throw new TypeError(`${op}: dim must be an integer, got ${describeValue(o.dim)}`);
  }
  return o;
}

/** `x`'s values for the host pass: slices along `dim` first, row-major within each. */
function hostLayout(x: Tensor, o: UniqueConsecutiveOptions): Tensor {
  let t = x.dtype === "float16" ? x.float() : x;
  if (o.dim !== undefined && o.dim !== null && x.ndim > 0) {
    t = movedim(t, normDim("uniqueConsecutive", o.dim, x.ndim), 0);
  }
  return t.contiguous();
}

function runsFrom(x: Tensor, values: ArrayLike<number>, o: UniqueConsecutiveOptions): Tensor | Tensor[] {
  const device = x.device;
  const byDim = o.dim !== undefined && o.dim !== null;
  const d = byDim ? normDim("uniqueConsecutive", o.dim as number, x.ndim) : 0;
  const len = byDim ? (x.ndim === 0 ? 1 : x.shape[d]) : values.length;
  const width = len === 0 ? 0 : values.length / len;
  // Equal as PyTorch compares: NaN differs from everything, itself included.
  const same = (i: number, j: number) => {
    for (let k = 0; k < width; k++) if (values[i * width + k] !== values[j * width + k]) return false;
    return true;
  };
  const starts: number[] = [], counts: number[] = [];
  const inverse = new Int32Array(len);
  for (let i = 0; i < len; i++) {
    if (i === 0 || !same(i, starts[starts.length - 1])) {
      starts.push(i);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[i] = starts.length - 1;
  }
  const out = byDim
    ? indexSelect(x, d, tensor(starts, { dtype: "int32", device }))
    : tensor(starts.map((i) => values[i]), { dtype: x.dtype, device });
  if (!o.returnInverse && !o.returnCounts) return out;
  const result = [out];
  if (o.returnInverse) {
    const inv = tensor(inverse, { dtype: "int32", device });
    result.push(byDim ? inv : inv.reshape([...x.shape]));
  }
  if (o.returnCounts) result.push(tensor(counts, { dtype: "int32", device }));
  return result;
}

/**
 * The first element of each run of equal consecutive elements of `x` (flattened), or of equal
 * consecutive slices along `dim` (PyTorch's `torch.unique_consecutive`). With `returnInverse`
 * and/or `returnCounts` the result is PyTorch's tuple: `[values, inverse]`, `[values, counts]`
 * or `[values, inverse, counts]` (int32). NaN never equals NaN. CPU tensors; see
 * {@link uniqueConsecutiveAsync}. Not differentiable (as in PyTorch).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([1, 1, 2, 2, 3, 1, 1, 2]);
 * assertEquals(torch.uniqueConsecutive(x).toArray(), [1, 2, 3, 1, 2]);
 * const [, inverse, counts] = x.uniqueConsecutive({ returnInverse: true, returnCounts: true });
 * assertEquals(inverse.toArray(), [0, 0, 1, 1, 2, 3, 3, 4]);
 * assertEquals(counts.toArray(), [2, 2, 1, 2, 1]);
 * ```
 */
export function uniqueConsecutive(
  x: Tensor,
  opts?: UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false },
): Tensor;
/** With `returnInverse` and `returnCounts`: `[values, inverse, counts]`. */
export function uniqueConsecutive(
  x: Tensor,
  opts: UniqueConsecutiveOptions & { returnInverse: true; returnCounts: true },
): [Tensor, Tensor, Tensor];
/** With `returnInverse` or `returnCounts`: `[values, inverse]` or `[values, counts]`. */
export function uniqueConsecutive(
  x: Tensor,
  opts: UniqueConsecutiveOptions & ({ returnInverse: true } | { returnCounts: true }),
): [Tensor, Tensor];
/** The runs' values, with the inverse and counts when the options ask for them. */
export function uniqueConsecutive(x: Tensor, opts?: UniqueConsecutiveOptions): Tensor | Tensor[];
export function uniqueConsecutive(x: Tensor, opts?: UniqueConsecutiveOptions): Tensor | Tensor[] {
  refuseComplex("uniqueConsecutive", x);
  return inFrameOf(() => {
    const o = checkOptions("uniqueConsecutive", x, opts);
    if (x.device !== "cpu") {
      throw new Error(
        `uniqueConsecutive: the result's size depends on the values, which needs a synchronous read of a tensor on ` +
          `"${x.device}"; use \`await torch.uniqueConsecutiveAsync(...)\``,
      );
    }
    return runsFrom(x, hostLayout(x, o).dataSync(), o);
  });
}

/**
 * {@link uniqueConsecutive} on every device (reads the values once; the results are on `x`'s
 * device).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals((await torch.uniqueConsecutiveAsync(torch.tensor([5, 5, 2, 5]))).toArray(), [5, 2, 5]);
 * ```
 */
export async function uniqueConsecutiveAsync(
  x: Tensor,
  opts?: UniqueConsecutiveOptions & { returnInverse?: false; returnCounts?: false },
): Promise<Tensor>;
/** With `returnInverse` and `returnCounts`: `[values, inverse, counts]`. */
export async function uniqueConsecutiveAsync(
  x: Tensor,
  opts: UniqueConsecutiveOptions & { returnInverse: true; returnCounts: true },
): Promise<[Tensor, Tensor, Tensor]>;
/** With `returnInverse` or `returnCounts`: `[values, inverse]` or `[values, counts]`. */
export async function uniqueConsecutiveAsync(
  x: Tensor,
  opts: UniqueConsecutiveOptions & ({ returnInverse: true } | { returnCounts: true }),
): Promise<[Tensor, Tensor]>;
/** The runs' values, with the inverse and counts when the options ask for them. */
export async function uniqueConsecutiveAsync(
  x: Tensor,
  opts?: UniqueConsecutiveOptions,
): Promise<Tensor | Tensor[]>;
export async function uniqueConsecutiveAsync(
  x: Tensor,
  opts?: UniqueConsecutiveOptions,
): Promise<Tensor | Tensor[]> {
  const o = checkOptions("uniqueConsecutiveAsync", x, opts);
  const host = hostLayout(x, o);
  const values = await host.dataAsync();
  if (host !== x) host.dispose();
  return inFrameOf(() => runsFrom(x, values, o));
}
