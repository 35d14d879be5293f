/**
 * Resolving an advanced index against a tensor's shape (for `ops/advanced_index.ts` and the
 * dim-wise ops of `ops/scatter.ts`): JS arrays become index tensors, bool masks the coordinates of
 * their true elements, and the tensor indices one linear index into the indexed dims of the basic
 * view (`locate`, which gives a `Located`).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { broadcastShapes, contiguousStrides, fmtShape, numelOf } from "../shape.ts";
import { tensor } from "../creation.ts";
import { backendOf, wrap } from "./dispatch.ts";
import { add, lt, mul, where } from "./elementwise.ts";
import { toDevice, toDType } from "./convert.ts";
import {
  applyPlan,
  contiguous,
  expand,
  type IndexArray,
  type IndexSpec,
  type IndexStep,
  planIndex,
  reshape,
  SUPPORTED_INDEX_FORMS,
} from "./movement.ts";
import { guarded, rangeGuard } from "./value_checks.ts";
import { describeValue } from "../backends/contract.ts";

/** An index resolved against a tensor's shape: the view of its basic part, and its tensor part. */
export interface Located {
  /** The steps of the integers, slices and new axes: the view V of the indexed tensor. */
  readonly basic: readonly IndexStep[];
  /** V's shape. */
  readonly viewShape: readonly number[];
  /** The dims of V indexed by tensors (ascending; empty for basic indexing). */
  readonly advDims: readonly number[];
  /** The broadcast shape B of the index tensors. */
  readonly bShape: readonly number[];
  /** Whether B comes first in the result (the indexed dims are not adjacent). */
  readonly front: boolean;
  /** The linear index into V's indexed dims (row-major), int32 `[numel(B)]`; null without tensors. */
  readonly linear: Tensor | null;
}

/** One index entry after arrays and masks are resolved. */
type Entry =
  | { kind: "basic"; spec: number | string | null }
  | { kind: "ellipsis" }
  | { kind: "tensor"; t: Tensor; mask?: Tensor; maskDim?: number }
  | { kind: "newTensor"; t: Tensor };

/** Whether a spec needs the advanced path (anything but integers, slices, "..." and null). */
export function isAdvancedSpec(spec: unknown): boolean {
  return spec instanceof Tensor || Array.isArray(spec) || typeof spec === "boolean";
}

function badSpec(op: string, spec: unknown): TypeError {
  const what = spec instanceof Tensor
    ? `a ${spec.dtype} tensor of shape ${fmtShape(spec.shape)}`
    : describeValue(spec);
  return new TypeError(`${op}: unsupported index ${what} (supported: ${SUPPORTED_INDEX_FORMS})`);
}

/** A JS array index as a tensor: int32 for integers, bool for booleans. */
function arrayIndex(op: string, spec: IndexArray, device: Tensor["device"]): Tensor {
  const leaves: unknown[] = [];
  const walk = (v: unknown) => Array.isArray(v) ? v.forEach(walk) : leaves.push(v);
  walk(spec);
  const bools = leaves.length > 0 && leaves.every((v) => typeof v === "boolean");
  if (!bools && !leaves.every((v) => typeof v === "number" && Number.isInteger(v))) {
    throw new TypeError(
      `${op}: an index array must hold only integers or only booleans, got ${describeValue(spec)} ` +
        `(supported: ${SUPPORTED_INDEX_FORMS})`,
    );
  }
  return tensor(spec as number[], { dtype: bools ? "bool" : "int32", device });
}

/** A tensor index of V's dim `dim` (dim `xdim` of the indexed tensor, -1 for a new axis) of size `size`. */
interface AdvIndex {
  dim: number;
  t: Tensor;
  size: number;
  xdim: number;
}

/** Reads a mask's values: synchronously on the CPU; a GPU mask throws naming the async form. */
export type MaskReader = (mask: Tensor) => Uint8Array;

export function syncMaskReader(op: string, asyncForm: string): MaskReader {
  return (mask) => {
    if (mask.device !== "cpu") {
      throw new Error(
        `${op}: indexing with a bool mask gives a result whose size depends on the mask's values, which needs a ` +
          `read of a tensor on "${mask.device}"; use \`await ${asyncForm}\``,
      );
    }
    return mask.dataSync() as Uint8Array;
  };
}

/** The int32 coordinates of a mask's true elements, one tensor per mask dim. */
export function maskCoordinates(mask: Tensor, values: Uint8Array, device: Tensor["device"]): Tensor[] {
  const nd = mask.ndim;
  const hits: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) hits.push(i);
  const cols = Array.from({ length: nd }, () => new Int32Array(hits.length));
  hits.forEach((p, r) => {
    let rest = p;
    for (let d = nd - 1; d >= 0; d--) {
      cols[d][r] = rest % mask.shape[d];
      rest = Math.floor(rest / mask.shape[d]);
    }
  });
  return cols.map((c) => tensor(c, { dtype: "int32", device }));
}

/** The entries of `specs`: arrays become tensors, masks their coordinates (read by `read`). */
function entriesOf(op: string, x: Tensor, specs: readonly IndexSpec[], read: MaskReader): Entry[] {
  const out: Entry[] = [];
  for (const spec of specs) {
    if (spec === "...") out.push({ kind: "ellipsis" });
    else if (spec === null || typeof spec === "number" || typeof spec === "string") {
      out.push({ kind: "basic", spec });
    } else if (typeof spec === "boolean") {
      out.push({ kind: "newTensor", t: tensor(spec ? [0] : [], { dtype: "int32", device: x.device }) });
    } else {
      const t = Array.isArray(spec) ? arrayIndex(op, spec as IndexArray, x.device) : spec;
      if (!(t instanceof Tensor)) throw badSpec(op, spec);
      if (t.dtype === "bool") {
        if (t.ndim === 0) {
          const on = read(t)[0] !== 0;
          out.push({ kind: "newTensor", t: tensor(on ? [0] : [], { dtype: "int32", device: x.device }) });
        } else {
          const coords = maskCoordinates(t, read(t), x.device);
          coords.forEach((c, k) => out.push({ kind: "tensor", t: c, mask: t, maskDim: k }));
        }
      } else if (t.dtype === "int32") {
        // A 0-d index on the CPU is an integer (a view), as PyTorch reads it.
        if (t.ndim === 0 && t.device === "cpu") out.push({ kind: "basic", spec: t.item() });
        else out.push({ kind: "tensor", t });
      } else if (t.dtype === "uint8") {
        throw new TypeError(
          `${op}: a uint8 tensor as an index is ambiguous (PyTorch reads it as a deprecated mask): convert it ` +
            "with .bool() for a mask or .int() for indices",
        );
      } else {
        throw new TypeError(
          `${op}: tensors used as indices must be int32 or bool tensors, got ${t.dtype} (shape ${
            fmtShape(t.shape)
          })`,
        );
      }
    }
  }
  return out;
}

/**
 * Resolves `specs` against `x`: the basic view, the index tensors and where they go. Negative
 * indices count from the end unless `allowNegative` is false (the dim-wise ops refuse them).
 */
export function locate(
  op: string,
  x: Tensor,
  specs: readonly IndexSpec[],
  read: MaskReader,
  allowNegative = true,
): Located {
  const entries = entriesOf(op, x, specs, read);
  if (entries.filter((e) => e.kind === "ellipsis").length > 1) {
    throw new TypeError(`${op}: an index can only have a single ellipsis ("...")`);
  }
  const consuming =
    entries.filter((e) => e.kind === "tensor" || (e.kind === "basic" && e.spec !== null)).length;
  if (consuming > x.ndim) {
    throw new RangeError(`${op}: too many indices for tensor of dimension ${x.ndim} (got ${consuming})`);
  }
  const expanded: Entry[] = [];
  for (const e of entries) {
    if (e.kind !== "ellipsis") expanded.push(e);
    else for (let k = 0; k < x.ndim - consuming; k++) expanded.push({ kind: "basic", spec: ":" });
  }
  const basicSpecs: (number | string | null)[] = [];
  const adv: AdvIndex[] = [];
  let vdim = 0, xdim = 0;
  for (const e of expanded) {
    if (e.kind === "basic") {
      basicSpecs.push(e.spec);
      if (e.spec === null) vdim++;
      else if (typeof e.spec === "number") xdim++;
      else {
        vdim++;
        xdim++;
      }
    } else if (e.kind === "tensor") {
      const mask = e.mask;
      if (mask && e.maskDim === 0) {
        mask.shape.forEach((s, k) => {
          if (x.shape[xdim + k] !== s) {
            throw new RangeError(
              `${op}: the shape of the mask ${
                fmtShape(mask.shape)
              } at index ${k} does not match the shape of the ` +
                `indexed tensor ${fmtShape(x.shape)} at index ${xdim + k}`,
            );
          }
        });
      }
      basicSpecs.push(":");
      adv.push({ dim: vdim, t: e.t, size: x.shape[xdim], xdim });
      vdim++;
      xdim++;
    } else if (e.kind === "newTensor") {
      basicSpecs.push(null);
      adv.push({ dim: vdim, t: e.t, size: 1, xdim: -1 });
      vdim++;
    }
  }
  const basic = planIndex(op, x.shape, basicSpecs);
  const viewShape = applyPlan(basic, x.shape, contiguousStrides(x.shape), 0).shape;
  if (adv.length === 0) return { basic, viewShape, advDims: [], bShape: [], front: false, linear: null };

  // The index tensors on x's device, checked, wrapped, and combined into one linear index.
  let bShape: number[] = [];
  for (const a of adv) bShape = broadcastShapes(op, bShape, a.t.shape);
  const advDims = adv.map((a) => a.dim);
  const adjacent = advDims.every((d, i) => i === 0 || d === advDims[i - 1] + 1);
  const lo = (size: number) => (allowNegative ? -size : 0);
  const message = (a: AdvIndex) => (v: number) =>
    `${op}: index ${v} is out of bounds for ${
      a.xdim >= 0 ? `dimension ${a.xdim}` : "a new axis"
    } with size ${a.size}`;
  // Indices on the CPU (arrays included) are checked and combined on the host: one small upload.
  if (adv.every((a) => a.t.device === "cpu")) {
    const L = hostLinearIndex(adv.map((a) => a.t.dataSync()), adv, bShape, lo, message);
    return {
      basic,
      viewShape,
      advDims,
      bShape,
      front: !adjacent,
      linear: wrap(backendOf(op, x).fromTyped(L, "int32"), [L.length]),
    };
  }
  const idxs = adv.map((a) => {
    if (a.t.device === x.device) return a;
    if (a.t.device !== "cpu") {
      throw new Error(
        `${op}: indices are on "${a.t.device}" but the indexed tensor is on "${x.device}" (move them with ` +
          `await idx.toAsync("${x.device}"))`,
      );
    }
    return { ...a, t: toDevice(a.t, x.device) };
  });
  // On the device: each index is checked there (its guard travels with L), wrapped, and combined.
  const guards: Tensor[] = [];
  for (const a of idxs) {
    const g = rangeGuard(op, a.t, lo(a.size), a.size - 1, message(a), { dtype: "int32" });
    if (g) guards.push(g);
  }
  let linear: Tensor | null = null;
  let stride = 1;
  for (let k = idxs.length - 1; k >= 0; k--) {
    const { t, size } = idxs[k];
    const wrapped = where(lt(t, 0), add(t, size), t);
    const term = stride === 1 ? wrapped : mul(wrapped, stride);
    linear = linear === null ? term : add(term, linear);
    stride *= size;
  }
  let L = reshape(contiguous(expand(linear!, bShape)), [numelOf(bShape)]);
  if (L.dtype !== "int32") L = toDType(L, "int32");
  for (const g of guards) L = guarded(L, g);
  return { basic, viewShape, advDims, bShape, front: !adjacent, linear: L };
}

/**
 * The linear index of host-known indices: each checked against its dim's size (negatives
 * wrapped), broadcast to `bShape` and combined row-major over the indexed dims.
 */
function hostLinearIndex(
  values: readonly (Float32Array | Float64Array | Int32Array | Uint8Array)[],
  adv: readonly AdvIndex[],
  bShape: readonly number[],
  lo: (size: number) => number,
  message: (a: AdvIndex) => (v: number) => string,
): Int32Array {
  const n = numelOf(bShape), nd = bShape.length;
  const out = new Int32Array(n);
  let stride = 1;
  for (let k = adv.length - 1; k >= 0; k--) {
    const a = adv[k], vals = values[k], size = a.size, min = lo(size);
    for (const v of vals) if (v < min || v >= size) throw new RangeError(message(a)(v));
    // The index's strides within the broadcast shape (0 along broadcast dims).
    const shape = a.t.shape, lead = nd - shape.length;
    const strides = new Array<number>(nd).fill(0);
    for (let d = shape.length - 1, s = 1; d >= 0; d--) {
      strides[lead + d] = shape[d] === 1 ? 0 : s;
      s *= shape[d];
    }
    const pos = new Array<number>(nd).fill(0);
    let src = 0;
    for (let i = 0; i < n; i++) {
      const v = vals[src];
      out[i] += (v < 0 ? v + size : v) * stride;
      for (let d = nd - 1; d >= 0; d--) {
        src += strides[d];
        if (++pos[d] < bShape[d]) break;
        src -= strides[d] * bShape[d];
        pos[d] = 0;
      }
    }
    stride *= size;
  }
  return out;
}

/** The shape of `x[loc]`. */
export function resultShape(loc: Located): number[] {
  if (loc.linear === null) return [...loc.viewShape];
  const rest = loc.viewShape.filter((_, d) => !loc.advDims.includes(d));
  if (loc.front) return [...loc.bShape, ...rest];
  const p = loc.advDims[0];
  return [...rest.slice(0, p), ...loc.bShape, ...rest.slice(p)];
}
