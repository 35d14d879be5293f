/**
 * `Tensor`'s methods for the `new*` constructors (`x.newZeros(2, 3)`: `x`'s dtype and device),
 * PyTorch's small conveniences (`typeAs`, `nelement`, `ndimension`, `unfold`, `sumToSize`,
 * `fillDiagonal_`), the matrix products (`addmm`, `mv`, `kron`, `matrixPower`, `cross`, ...) and
 * the shape ops of `ops/shape_more.ts` (`ravel`, `select`, `tensorSplit`, `rot90`, `take`,
 * `diff`, `diagEmbed`, `maskedScatter`, ...). `Tensor` extends the `TensorShapeMoreMethods`
 * interface declared here; `tensor.ts` installs the bodies on `Tensor.prototype` (see its module
 * doc).
 * @module
 */
import type { Tensor } from "../tensor.ts";
import { type CreateOptions, full, type ShapeArgs, tensor, type TensorData, zeros } from "../creation.ts";
import { ones } from "../creation.ts";
import { toDType } from "../ops/convert.ts";
import { assignResult } from "../ops/inplace.ts";
import { movedim } from "../ops/rearrange.ts";
import * as pr from "../ops/products.ts";
import * as sm from "../ops/shape_more.ts";
import * as ss from "../ops/split_stack.ts";
import * as rs from "../ops/region_scatter.ts";
import { unfold } from "../ops/unfold_view.ts";
import * as ir from "../ops/index_reduce.ts";
import type { ScatterReduceOptions } from "../ops/scatter.ts";
import { aliasIfSame } from "./shape.ts";

/**
 * Methods of every `Tensor`: the `new*` constructors, PyTorch's conveniences (`typeAs`,
 * `nelement`, `ndimension`, `unfold`, `sumToSize`, `fillDiagonal_`), the matrix products and
 * more shape ops, each calling its op with the tensor as the first operand.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const x = torch.tensor([[1, 2], [3, 4]], { dtype: "float64" });
 * assertEquals(x.newZeros(3).dtype, "float64");
 * assertEquals(x.nelement(), 4);
 * assertEquals(x.mv(torch.tensor([1, 1], { dtype: "float64" })).toArray(), [3, 7]);
 * assertEquals(x.rot90().toArray(), [[2, 4], [1, 3]]);
 * assertEquals(x.ravel().unfold(0, 2, 2).toArray(), [[1, 2], [3, 4]]);
 * ```
 */
export interface TensorShapeMoreMethods {
  /** Zeros of the given shape, with this tensor's dtype and device unless the options say otherwise. */
  newZeros(...args: ShapeArgs): Tensor;
  /** Ones of the given shape, with this tensor's dtype and device unless the options say otherwise. */
  newOnes(...args: ShapeArgs): Tensor;
  /** An uninitialised (zeroed) tensor of the given shape, with this tensor's dtype and device by default. */
  newEmpty(...args: ShapeArgs): Tensor;
  /** `fillValue` everywhere in `size`, with this tensor's dtype and device by default. */
  newFull(size: number | readonly number[], fillValue: number | boolean, opts?: CreateOptions): Tensor;
  /** A new tensor of `data`, with this tensor's dtype and device by default. */
  newTensor(data: TensorData, opts?: CreateOptions): Tensor;
  /** This tensor converted to `other`'s dtype (itself, aliased, when it already has it). */
  typeAs(other: Tensor): Tensor;
  /** The number of elements (PyTorch's alias of `numel()`). */
  nelement(): number;
  /** The number of dims (PyTorch's alias of `dim()`). */
  ndimension(): number;
  /** The windows of `size` elements of `dim`, `step` apart, as a view with a new last dim. */
  unfold(dim: number, size: number, step: number): Tensor;
  /** Sums broadcast dims away down to `size` (`torch.sumToSize`). */
  sumToSize(...size: (number | readonly number[])[]): Tensor;
  /** In place: `value` on the main diagonal (`wrap` restarts it in tall matrices). */
  fillDiagonal_(value: number, wrap?: boolean): this;
  /** `torch.addmm(this, mat1, mat2, opts)`. */
  addmm(mat1: Tensor, mat2: Tensor, opts?: pr.AddProductOptions): Tensor;
  /** In place: `torch.addmm(this, mat1, mat2, opts)`. */
  addmm_(mat1: Tensor, mat2: Tensor, opts?: pr.AddProductOptions): this;
  /** `torch.addmv(this, mat, vec, opts)`. */
  addmv(mat: Tensor, vec: Tensor, opts?: pr.AddProductOptions): Tensor;
  /** In place: `torch.addmv(this, mat, vec, opts)`. */
  addmv_(mat: Tensor, vec: Tensor, opts?: pr.AddProductOptions): this;
  /** `torch.addr(this, vec1, vec2, opts)`. */
  addr(vec1: Tensor, vec2: Tensor, opts?: pr.AddProductOptions): Tensor;
  /** In place: `torch.addr(this, vec1, vec2, opts)`. */
  addr_(vec1: Tensor, vec2: Tensor, opts?: pr.AddProductOptions): this;
  /** `torch.addbmm(this, batch1, batch2, opts)`. */
  addbmm(batch1: Tensor, batch2: Tensor, opts?: pr.AddProductOptions): Tensor;
  /** In place: `torch.addbmm(this, batch1, batch2, opts)`. */
  addbmm_(batch1: Tensor, batch2: Tensor, opts?: pr.AddProductOptions): this;
  /** `torch.baddbmm(this, batch1, batch2, opts)`. */
  baddbmm(batch1: Tensor, batch2: Tensor, opts?: pr.AddProductOptions): Tensor;
  /** In place: `torch.baddbmm(this, batch1, batch2, opts)`. */
  baddbmm_(batch1: Tensor, batch2: Tensor, opts?: pr.AddProductOptions): this;
  /** `torch.mv(this, vec)`. */
  mv(vec: Tensor): Tensor;
  /** `torch.inner(this, other)`. */
  inner(other: Tensor): Tensor;
  /** `torch.kron(this, other)`. */
  kron(other: Tensor): Tensor;
  /** `torch.vdot(this, other)`. */
  vdot(other: Tensor): Tensor;
  /** `torch.matrixPower(this, n)`. */
  matrixPower(n: number): Tensor;
  /** `torch.cross(this, other, dim)`. */
  cross(other: Tensor, dim?: number): Tensor;
  /** `torch.moveaxis(this, source, destination)` (alias of `movedim`). */
  moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor;
  /** `torch.ravel(this)`. */
  ravel(): Tensor;
  /** `torch.select(this, dim, index)`: a view without `dim`. */
  select(dim: number, index: number): Tensor;
  /** `torch.tensorSplit(this, indicesOrSections, dim)`. */
  tensorSplit(indicesOrSections: number | readonly number[] | Tensor, dim?: number): Tensor[];
  /** `torch.hsplit(this, sections)`. */
  hsplit(sections: number | readonly number[]): Tensor[];
  /** `torch.vsplit(this, sections)`. */
  vsplit(sections: number | readonly number[]): Tensor[];
  /** `torch.dsplit(this, sections)`. */
  dsplit(sections: number | readonly number[]): Tensor[];
  /** `torch.fliplr(this)`. */
  fliplr(): Tensor;
  /** `torch.flipud(this)`. */
  flipud(): Tensor;
  /** `torch.rot90(this, k, dims)`. */
  rot90(k?: number, dims?: readonly number[]): Tensor;
  /** `torch.take(this, index)`. */
  take(index: Tensor): Tensor;
  /** `torch.takeAlongDim(this, indices, dim)`. */
  takeAlongDim(indices: Tensor, dim?: number): Tensor;
  /** `torch.put(this, index, source, opts)`. */
  put(index: Tensor, source: Tensor, opts?: { accumulate?: boolean }): Tensor;
  /** In place: `torch.put(this, index, source, opts)`. */
  put_(index: Tensor, source: Tensor, opts?: { accumulate?: boolean }): this;
  /** `torch.diff(this, n, dim, prepend, append)` (or `diff({ n, dim, prepend, append })`). */
  diff(n?: number | sm.DiffOptions, dim?: number, prepend?: Tensor | null, append?: Tensor | null): Tensor;
  /** `torch.broadcastTo(this, shape)`. */
  broadcastTo(shape: readonly number[]): Tensor;
  /** `torch.selectScatter(this, src, dim, index)`. */
  selectScatter(src: Tensor, dim: number, index: number): Tensor;
  /** `torch.sliceScatter(this, src, opts)`. */
  sliceScatter(src: Tensor, opts?: rs.SliceScatterOptions): Tensor;
  /** `torch.diagonalScatter(this, src, offset, dim1, dim2)`. */
  diagonalScatter(src: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor;
  /** `torch.diagEmbed(this, offset, dim1, dim2)`. */
  diagEmbed(offset?: number, dim1?: number, dim2?: number): Tensor;
  /** `torch.diagflat(this, offset)`. */
  diagflat(offset?: number): Tensor;
  /** `torch.narrowCopy(this, dim, start, length)`. */
  narrowCopy(dim: number, start: number, length: number): Tensor;
  /** `torch.maskedScatter(this, mask, source)`. */
  maskedScatter(mask: Tensor, source: Tensor): Tensor;
  /** In place: `torch.maskedScatter(this, mask, source)` (the mask broadcasts to this tensor). */
  maskedScatter_(mask: Tensor, source: Tensor): this;
  /** `torch.indexReduce(this, dim, index, source, reduce, opts)`. */
  indexReduce(
    dim: number,
    index: Tensor,
    source: Tensor,
    reduce: ir.IndexReduction,
    opts?: ScatterReduceOptions,
  ): Tensor;
  /** In place: `torch.indexReduce(this, dim, index, source, reduce, opts)`. */
  indexReduce_(
    dim: number,
    index: Tensor,
    source: Tensor,
    reduce: ir.IndexReduction,
    opts?: ScatterReduceOptions,
  ): this;
}

/** `args` with this tensor's dtype and device filled into the options where not given. */
function withDefaults(x: Tensor, args: ShapeArgs): ShapeArgs {
  const last = args[args.length - 1];
  const given = last !== null && typeof last === "object" && !Array.isArray(last);
  const opts = (given ? last : {}) as CreateOptions;
  const dims = given ? args.slice(0, -1) : args;
  return [...dims, { ...opts, dtype: opts.dtype ?? x.dtype, device: opts.device ?? x.device }];
}

function like(x: Tensor, opts: CreateOptions = {}): CreateOptions {
  return { ...opts, dtype: opts.dtype ?? x.dtype, device: opts.device ?? x.device };
}

/**
 * @internal The bodies of `TensorShapeMoreMethods`, for `tensor.ts` to install on
 * `Tensor.prototype`.
 */
export function shapeMoreMethods(): TensorShapeMoreMethods & ThisType<Tensor> {
  return {
    newZeros(...args: ShapeArgs): Tensor {
      return zeros(...withDefaults(this, args));
    },
    newOnes(...args: ShapeArgs): Tensor {
      return ones(...withDefaults(this, args));
    },
    newEmpty(...args: ShapeArgs): Tensor {
      return zeros(...withDefaults(this, args));
    },
    newFull(size: number | readonly number[], fillValue: number | boolean, opts?: CreateOptions): Tensor {
      return full(size, fillValue, like(this, opts));
    },
    newTensor(data: TensorData, opts?: CreateOptions): Tensor {
      return tensor(data, like(this, opts));
    },
    typeAs(other: Tensor): Tensor {
      return aliasIfSame(this, toDType(this, other.dtype));
    },
    nelement(): number {
      return this.numel();
    },
    ndimension(): number {
      return this.ndim;
    },
    unfold(dim: number, size: number, step: number): Tensor {
      return unfold(this, dim, size, step);
    },
    sumToSize(...size: (number | readonly number[])[]): Tensor {
      return aliasIfSame(this, sm.sumToSize(this, ...size));
    },
    fillDiagonal_(value: number, wrap = false) {
      return rs.fillDiagonal_(this, value, wrap);
    },
    addmm(mat1: Tensor, mat2: Tensor, opts?: pr.AddProductOptions): Tensor {
      return pr.addmm(this, mat1, mat2, opts);
    },
    addmm_(mat1: Tensor, mat2: Tensor, opts?: pr.AddProductOptions) {
      return assignResult(this, "addmm_", pr.addmm(this, mat1, mat2, opts));
    },
    addmv(mat: Tensor, vec: Tensor, opts?: pr.AddProductOptions): Tensor {
      return pr.addmv(this, mat, vec, opts);
    },
    addmv_(mat: Tensor, vec: Tensor, opts?: pr.AddProductOptions) {
      return assignResult(this, "addmv_", pr.addmv(this, mat, vec, opts));
    },
    addr(vec1: Tensor, vec2: Tensor, opts?: pr.AddProductOptions): Tensor {
      return pr.addr(this, vec1, vec2, opts);
    },
    addr_(vec1: Tensor, vec2: Tensor, opts?: pr.AddProductOptions) {
      return assignResult(this, "addr_", pr.addr(this, vec1, vec2, opts));
    },
    addbmm(batch1: Tensor, batch2: Tensor, opts?: pr.AddProductOptions): Tensor {
      return pr.addbmm(this, batch1, batch2, opts);
    },
    addbmm_(batch1: Tensor, batch2: Tensor, opts?: pr.AddProductOptions) {
      return assignResult(this, "addbmm_", pr.addbmm(this, batch1, batch2, opts));
    },
    baddbmm(batch1: Tensor, batch2: Tensor, opts?: pr.AddProductOptions): Tensor {
      return pr.baddbmm(this, batch1, batch2, opts);
    },
    baddbmm_(batch1: Tensor, batch2: Tensor, opts?: pr.AddProductOptions) {
      return assignResult(this, "baddbmm_", pr.baddbmm(this, batch1, batch2, opts));
    },
    mv(vec: Tensor): Tensor {
      return pr.mv(this, vec);
    },
    inner(other: Tensor): Tensor {
      return pr.inner(this, other);
    },
    kron(other: Tensor): Tensor {
      return pr.kron(this, other);
    },
    vdot(other: Tensor): Tensor {
      return pr.vdot(this, other);
    },
    matrixPower(n: number): Tensor {
      return pr.matrixPower(this, n);
    },
    cross(other: Tensor, dim?: number): Tensor {
      return pr.cross(this, other, dim);
    },
    moveaxis(source: number | readonly number[], destination: number | readonly number[]): Tensor {
      return movedim(this, source, destination);
    },
    ravel(): Tensor {
      return aliasIfSame(this, ss.ravel(this));
    },
    select(dim: number, index: number): Tensor {
      return ss.select(this, dim, index);
    },
    tensorSplit(indicesOrSections: number | readonly number[] | Tensor, dim = 0): Tensor[] {
      return ss.tensorSplit(this, indicesOrSections, dim);
    },
    hsplit(sections: number | readonly number[]): Tensor[] {
      return ss.hsplit(this, sections);
    },
    vsplit(sections: number | readonly number[]): Tensor[] {
      return ss.vsplit(this, sections);
    },
    dsplit(sections: number | readonly number[]): Tensor[] {
      return ss.dsplit(this, sections);
    },
    fliplr(): Tensor {
      return ss.fliplr(this);
    },
    flipud(): Tensor {
      return ss.flipud(this);
    },
    rot90(k = 1, dims: readonly number[] = [0, 1]): Tensor {
      return ss.rot90(this, k, dims);
    },
    take(index: Tensor): Tensor {
      return sm.take(this, index);
    },
    takeAlongDim(indices: Tensor, dim?: number): Tensor {
      return sm.takeAlongDim(this, indices, dim);
    },
    put(index: Tensor, source: Tensor, opts?: { accumulate?: boolean }): Tensor {
      return sm.put(this, index, source, opts);
    },
    put_(index: Tensor, source: Tensor, opts?: { accumulate?: boolean }) {
      return assignResult(this, "put_", sm.put(this, index, source, opts));
    },
    diff(n?: number | sm.DiffOptions, dim?: number, prepend?: Tensor | null, append?: Tensor | null): Tensor {
      return sm.diff(this, n, dim, prepend, append);
    },
    broadcastTo(shape: readonly number[]): Tensor {
      return aliasIfSame(this, sm.broadcastTo(this, shape));
    },
    selectScatter(src: Tensor, dim: number, index: number): Tensor {
      return rs.selectScatter(this, src, dim, index);
    },
    sliceScatter(src: Tensor, opts?: rs.SliceScatterOptions): Tensor {
      return rs.sliceScatter(this, src, opts);
    },
    diagonalScatter(src: Tensor, offset?: number, dim1?: number, dim2?: number): Tensor {
      return rs.diagonalScatter(this, src, offset, dim1, dim2);
    },
    diagEmbed(offset?: number, dim1?: number, dim2?: number): Tensor {
      return rs.diagEmbed(this, offset, dim1, dim2);
    },
    diagflat(offset?: number): Tensor {
      return rs.diagflat(this, offset);
    },
    narrowCopy(dim: number, start: number, length: number): Tensor {
      return sm.narrowCopy(this, dim, start, length);
    },
    maskedScatter(mask: Tensor, source: Tensor): Tensor {
      return sm.maskedScatter(this, mask, source);
    },
    maskedScatter_(mask: Tensor, source: Tensor) {
      return assignResult(this, "maskedScatter_", sm.maskedScatter(this, mask, source));
    },
    indexReduce(
      dim: number,
      index: Tensor,
      source: Tensor,
      reduce: ir.IndexReduction,
      opts?: ScatterReduceOptions,
    ) {
      return ir.indexReduce(this, dim, index, source, reduce, opts);
    },
    indexReduce_(
      dim: number,
      index: Tensor,
      source: Tensor,
      reduce: ir.IndexReduction,
      opts?: ScatterReduceOptions,
    ) {
      return ir.indexReduce_(this, dim, index, source, reduce, opts);
    },
  } as TensorShapeMoreMethods & ThisType<Tensor>;
}
