/**
 * Shapes, strides and broadcasting.
 * @module
 */

/** Row-major (C-contiguous) strides for a shape. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** A node of the trie of frozen dimension lists: one per list seen, keyed by its dimensions. */
interface DimsNode {
  /** The frozen list ending here (null until asked for). */
  dims: readonly number[] | null;
  /** Frozen row-major strides of that list as a shape (null until asked for). */
  contiguous: readonly number[] | null;
  next: Map<number, DimsNode> | null;
}
const DIMS_ROOT: DimsNode = { dims: null, contiguous: null, next: null };
/** Lists the trie keeps at most (beyond, lists are frozen one by one, as before the trie). */
const MAX_DIMS_NODES = 1 << 14;
let dimsNodes = 1;

/** The trie node of `dims`, made on the way; null once the trie is full. */
function dimsNode(dims: readonly number[]): DimsNode | null {
  let node = DIMS_ROOT;
  for (let i = 0; i < dims.length; i++) {
    let next = node.next?.get(dims[i]);
    if (next === undefined) {
      if (dimsNodes >= MAX_DIMS_NODES) return null;
      next = { dims: null, contiguous: null, next: null };
      (node.next ??= new Map()).set(dims[i], next);
      dimsNodes++;
    }
    node = next;
  }
  return node;
}

/**
 * A frozen array equal to `dims`, shared by every caller with the same dimensions: tensors keep
 * their shape and strides frozen (PyTorch's sizes are immutable), and freezing a new array per
 * tensor cost ~60 ns in V8 and ~300 ns in JavaScriptCore (17% of a small training step in Bun).
 * @example
 * ```ts
 * import { strictEqual as assertEquals } from "node:assert/strict";
 * import { frozenDims } from "./shape.ts";
 * const a = frozenDims([2, 3]);
 * assertEquals(Object.isFrozen(a), true);
 * assertEquals(frozenDims([2, 3]), a); // the same array
 * ```
 */
export function frozenDims(dims: readonly number[]): readonly number[] {
  const node = dimsNode(dims);
  if (node === null) return Object.freeze(dims.slice());
  return node.dims ??= Object.freeze(dims.slice());
}

/** {@link contiguousStrides} of `shape`, frozen and shared as {@link frozenDims} is. */
export function frozenContiguousStrides(shape: readonly number[]): readonly number[] {
  const node = dimsNode(shape);
  if (node === null) return Object.freeze(contiguousStrides(shape));
  return node.contiguous ??= Object.freeze(contiguousStrides(shape));
}

/** Number of elements of a shape (1 for a 0-d shape). */
export function numelOf(shape: readonly number[]): number {
  // An index loop: `for...of` here allocated an iterator result per dim (a third of a small op's
  // allocations), since shapes come both frozen and plain and V8 did not inline the iteration.
  let n = 1;
  for (let i = 0; i < shape.length; i++) n *= shape[i];
  return n;
}

/** True when `strides` are the row-major strides of `shape` (size-1 dims may have any stride). */
export function isContiguousLayout(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    if (shape[i] === 0) return true;
    if (shape[i] !== 1 && strides[i] !== expected) return false;
    expected *= shape[i];
  }
  return true;
}

/** `[2, 3]` as PyTorch prints shapes in messages. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

/** The broadcast shape of two shapes, or a clear error naming `op` and both shapes. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length), padA = n - a.length, padB = n - b.length;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    // (No reads at negative indices: those leave V8's fast array path.)
    const da = i < padA ? 1 : a[i - padA];
    const db = i < padB ? 1 : b[i - padB];
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast together ` +
          `(dimension ${i - n} is ${da} in one and ${db} in the other; each pair must match or be 1)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Normalises a possibly negative `dim` for a tensor of rank `ndim`, with PyTorch's error. */
export function normDim(op: string, dim: number, ndim: number): number {
  if (typeof dim !== "number") {
    const what = typeof dim === "string"
      ? `a string ${JSON.stringify(dim)}`
      : dim === null
      ? "null"
      : typeof dim;
    throw new TypeError(`${op}: dim must be an integer, got ${what}`);
  }
  const lo = ndim === 0 ? -1 : -ndim, hi = ndim === 0 ? 0 : ndim - 1;
  if (!Number.isInteger(dim) || dim < lo || dim > hi) {
    throw new RangeError(
      `${op}: dimension out of range (expected to be in range of [${lo}, ${hi}], but got ${dim})`,
    );
  }
  return dim < 0 ? dim + Math.max(ndim, 1) : dim;
}

/** Accepts shapes as varargs or one array: `f(2, 3)` and `f([2, 3])`. Validates entries. */
export function shapeArg(op: string, args: readonly (number | readonly number[])[]): number[] {
  const shape = args.length === 1 && Array.isArray(args[0]) ? [...args[0]] : [...args] as number[];
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new TypeError(`${op}: shape must be non-negative integers, got ${JSON.stringify(shape)}`);
    }
  }
  return shape;
}

/** Strides of a tensor of `shape`/`strides` broadcast (by stride 0) to `target`. */
export function broadcastStrides(
  shape: readonly number[],
  strides: readonly number[],
  target: readonly number[],
): number[] {
  const out = new Array<number>(target.length).fill(0);
  const lead = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) {
    out[lead + i] = shape[i] === 1 && target[lead + i] !== 1 ? 0 : strides[i];
  }
  return out;
}
