/**
 * Elementwise fusion for the WebGPU backend: the pointwise kernels (unary, binary, where, cast,
 * fill) are recorded as nodes of an expression graph instead of being dispatched, and a whole
 * graph becomes one kernel when its value is needed (see the backend's module documentation for
 * when that is). This module holds the graph and turns one into WGSL: a function per distinct
 * table expression (the library's tables of `pipelines.ts`, never user data), a `let` per node,
 * loads of the graph's input buffers (its leaves) and stores of the values that must be kept. Scalars
 * and lengths travel in the uniform parameters, so a graph's kernel depends only on its structure
 * (which ops, on which dtypes, in which order) and is compiled once per structure.
 *
 * Indexing is simple because every operand of a pointwise kernel is either as long as the output
 * or tiles it (`x[i % len]`, a broadcast of trailing dims), and tiling composes: the value of any
 * node at output index `i` reads each leaf at `i % leaf.numel`.
 * @module
 */
import type { BinaryOp, UnaryOp } from "../backend.ts";
import { COMPARISON_OPS } from "../backend.ts";
import type { DType } from "../../dtype.ts";
import {
  ARITHMETIC_EXPR,
  castBody,
  COMPARISON_EXPR,
  type GpuComputeDType,
  UNARY_EXPR,
  WGSL_TYPE,
} from "./pipelines.ts";

/** What the graph needs of a storage it reads. */
export interface FusionBuffer {
  readonly numel: number;
  readonly dtype: DType;
}

/**
 * The WGSL type of a dtype's 32-bit word on the GPU (float16 is held as f32, bool/uint8 as u32;
 * float64 never lives on the GPU).
 */
export const WORD_TYPE: Record<Exclude<DType, "float64" | "complex64">, "f32" | "i32" | "u32"> = {
  float32: "f32",
  float16: "f32",
  int32: "i32",
  uint8: "u32",
  bool: "u32",
};

/** A JS number operand, as the word its kernel reads (f32 or i32 bits). */
export interface Scalar {
  readonly scalar: number;
}

/** An operand of a node: another node (inlined), a buffer (a leaf) or a scalar word. */
export type Operand<B extends FusionBuffer> = LazyNode<B> | B | Scalar;

/** The operation of a node. `matmul` nodes are made by the backend and never inlined here. */
export type LazyOp<B extends FusionBuffer> =
  | { kind: "unary"; op: UnaryOp; compute: GpuComputeDType; x: Operand<B> }
  | { kind: "binary"; op: BinaryOp; compute: GpuComputeDType; a: Operand<B>; b: Operand<B> }
  | { kind: "where"; c: Operand<B>; a: Operand<B>; b: Operand<B> }
  | { kind: "cast"; from: DType; x: Operand<B> }
  | { kind: "fill"; bits: number }
  | { kind: "copy"; x: Operand<B> }
  | { kind: "matmul"; a: B; b: B; args: unknown };

let nextNode = 0;

/**
 * A value of the graph: `numel` elements of `dtype` computed by `op`. `out` is the storage that
 * holds (or will hold) the value while that storage lives; `size` and `words` bound the nodes and
 * uniform words a kernel computing it would need (shared nodes count once per use).
 */
export class LazyNode<B extends FusionBuffer> {
  readonly id = ++nextNode;
  /** The storage that holds this value (null once it was written in place or released). */
  out: B | null = null;
  readonly dtype: DType;
  readonly numel: number;
  readonly op: LazyOp<B>;
  readonly size: number;
  readonly words: number;
  /** @internal made by the backend */
  constructor(dtype: DType, numel: number, op: LazyOp<B>, size: number, words: number) {
    this.dtype = dtype;
    this.numel = numel;
    this.op = op;
    this.size = size;
    this.words = words;
  }
}

/** The operands of a node, in order. */
export function operandsOf<B extends FusionBuffer>(n: LazyNode<B>): Operand<B>[] {
  const op = n.op;
  switch (op.kind) {
    case "unary":
    case "cast":
    case "copy":
      return [op.x];
    case "binary":
      return [op.a, op.b];
    case "where":
      return [op.c, op.a, op.b];
    default:
      return [];
  }
}

/** One output of a kernel: `node`'s value stored to `target` at every index. */
export interface FusedStore<B extends FusionBuffer> {
  node: LazyNode<B>;
  target: B;
}

/**
 * One index range of a kernel: `n` indices, each computing and storing `stores` (all of `n`
 * elements). `leafOf` says which nodes are read from a buffer rather than computed (a node whose
 * storage already holds its value); `special` names a node provided by the surrounding kernel
 * (a matmul's product in an epilogue, the WGSL value `v`).
 */
export interface FusedSegment<B extends FusionBuffer> {
  n: number;
  stores: FusedStore<B>[];
  leafOf: (node: LazyNode<B>) => B | null;
  special?: LazyNode<B> | null;
}

/** One buffer binding of a generated kernel. */
export interface FusedBinding<B extends FusionBuffer> {
  binding: number;
  buffer: B;
  /** Written by the kernel (bound read_write; reads of it go through the same binding). */
  write: boolean;
}

/** A generated kernel's templates, bindings and uniform words. */
export interface FusedProgram<B extends FusionBuffer> {
  /** Binding declarations and the helper functions (module scope). */
  decls: string;
  /** One block of statements per segment, in terms of the index `i` (and `v` for `special`). */
  bodies: string[];
  bindings: FusedBinding<B>[];
  /** Values of the uniform words the code reads with `word(k)`, from `firstWord` on. */
  words: number[];
}

/** Why a set of segments cannot be one kernel (the caller splits it). */
export class FusionLimit extends Error {}

/** Limits of one generated kernel. */
export interface FusionLimits {
  /** Storage buffers the kernel may bind (leaves and outputs). */
  maxBuffers: number;
  /** Uniform words available to `word(k)`. */
  maxWords: number;
  /** First binding number to use. */
  firstBinding: number;
  /** Uniform words the caller keeps for itself before the generated code's (default 0). */
  firstWord?: number;
}

function valueType(dtype: DType): string {
  if (dtype === "float64" || dtype === "complex64") {
    throw new TypeError(`internal: ${dtype} never lives in a gpu storage`);
  }
  return WORD_TYPE[dtype];
}

/**
 * Generates the code of `segments` (see {@link FusedProgram}). A buffer written by one segment
 * may be read only by that segment and only at full length (each invocation then reads its own
 * element before writing it); otherwise, or when a limit is exceeded, throws {@link FusionLimit}.
 */
export function generate<B extends FusionBuffer>(
  segments: readonly FusedSegment<B>[],
  limits: FusionLimits,
): FusedProgram<B> {
  const fns = new Map<string, string>(); // function text -> name
  const fnOrder: string[] = [];
  const bindings: FusedBinding<B>[] = [];
  const byBuffer = new Map<B, { binding: FusedBinding<B>; name: string; segment: number }>();
  const words: number[] = [];
  const bodies: string[] = [];
  const readers = new Map<B, Set<number>>(); // buffers read, by segment index
  const tiledReads = new Set<B>();

  const first = limits.firstWord ?? 0;
  const word = (bits: number): string => {
    if (first + words.length >= limits.maxWords) throw new FusionLimit("uniform words");
    words.push(bits >>> 0);
    return `word(${first + words.length - 1}u)`;
  };
  const fn = (text: string): string => {
    let name = fns.get(text);
    if (!name) {
      name = `f${fns.size}`;
      fns.set(text, name);
      fnOrder.push(text.replace("fn ?(", `fn ${name}(`));
    }
    return name;
  };
  const bufferName = (b: B, segment: number, write: boolean): string => {
    const have = byBuffer.get(b);
    if (have) {
      if (write && have.binding.write && have.segment !== segment) {
        throw new FusionLimit("two segments write one buffer");
      }
      if (write && !have.binding.write) {
        have.binding.write = true;
        have.segment = segment;
      }
      return have.name;
    }
    if (bindings.length >= limits.maxBuffers) throw new FusionLimit("storage buffers");
    const binding = { binding: limits.firstBinding + bindings.length, buffer: b, write };
    bindings.push(binding);
    const name = `B${bindings.length - 1}`;
    byBuffer.set(b, { binding, name, segment });
    return name;
  };

  segments.forEach((seg, s) => {
    const lines: string[] = [];
    const values = new Map<LazyNode<B>, string>();
    const leafValues = new Map<B, string>();
    const lens = new Map<number, string>();
    const indexFor = (numel: number): string => {
      if (numel === seg.n) return "i";
      if (numel === 1) return "0u";
      let v = lens.get(numel);
      if (!v) {
        v = `ix${lens.size}`;
        lines.push(`let ${v} = i % ${word(numel)};`);
        lens.set(numel, v);
      }
      return v;
    };
    const load = (b: B): string => {
      let v = leafValues.get(b);
      if (v) return v;
      const name = bufferName(b, s, false);
      let set = readers.get(b);
      if (!set) readers.set(b, set = new Set());
      set.add(s);
      if (b.numel !== seg.n) tiledReads.add(b);
      v = `v${values.size + leafValues.size}`;
      lines.push(`let ${v} = ${name}[${indexFor(b.numel)}];`);
      leafValues.set(b, v);
      return v;
    };
    const operand = (x: Operand<B>, type: string): string => {
      if (x instanceof LazyNode) return value(x);
      if ("scalar" in x) return type === "u32" ? word(x.scalar) : `bitcast<${type}>(${word(x.scalar)})`;
      return load(x);
    };
    const value = (n: LazyNode<B>): string => {
      const have = values.get(n);
      if (have) return have;
      let expr: string;
      if (n === seg.special) {
        expr = "v";
      } else {
        const leaf = seg.leafOf(n);
        if (leaf) {
          values.set(n, load(leaf));
          return values.get(n)!;
        }
        expr = nodeExpr(n);
      }
      const v = `v${values.size + leafValues.size}`;
      lines.push(`let ${v} = ${expr};`);
      values.set(n, v);
      return v;
    };
    const nodeExpr = (n: LazyNode<B>): string => {
      const op = n.op;
      switch (op.kind) {
        case "unary": {
          const T = WGSL_TYPE[op.compute];
          const e = UNARY_EXPR[op.compute][op.op];
          if (e === undefined) throw new Error(`internal: no ${op.compute} expression for ${op.op}`);
          return `${fn(`fn ?(x: ${T}) -> ${T} {\n  return ${e};\n}`)}(${operand(op.x, T)})`;
        }
        case "binary": {
          const T = WGSL_TYPE[op.compute];
          const cmp = (COMPARISON_OPS as readonly string[]).includes(op.op);
          const e = cmp ? COMPARISON_EXPR[op.compute][op.op] : ARITHMETIC_EXPR[op.compute][op.op];
          if (e === undefined) throw new Error(`internal: no ${op.compute} expression for ${op.op}`);
          const f = fn(`fn ?(a: ${T}, b: ${T}) -> ${cmp ? "u32" : T} {\n  return ${e};\n}`);
          return `${f}(${operand(op.a, T)}, ${operand(op.b, T)})`;
        }
        case "where": {
          const T = valueType(n.dtype);
          return `select(${operand(op.b, T)}, ${operand(op.a, T)}, ${operand(op.c, "u32")} != 0u)`;
        }
        case "cast": {
          const f = fn(`fn ?(x: u32) -> u32 {\n  ${castBody(op.from, n.dtype)}\n}`);
          const x = operand(op.x, valueType(op.from));
          const raw = valueType(op.from) === "u32" ? x : `bitcast<u32>(${x})`;
          const T = valueType(n.dtype);
          return T === "u32" ? `${f}(${raw})` : `bitcast<${T}>(${f}(${raw}))`;
        }
        case "fill": {
          const T = valueType(n.dtype);
          return T === "u32" ? word(op.bits) : `bitcast<${T}>(${word(op.bits)})`;
        }
        case "copy":
          return operand(op.x, valueType(n.dtype));
        case "matmul":
          throw new Error("internal: a matmul node must be a leaf or the epilogue's product");
      }
    };
    // Every value first, then the stores: a buffer both read and written is read before it changes.
    const stored = seg.stores.map((st) => {
      if (st.node.numel !== seg.n || st.target.numel !== seg.n) {
        throw new Error("internal: a fused store must cover the whole index range");
      }
      return value(st.node);
    });
    seg.stores.forEach((st, k) => lines.push(`${bufferName(st.target, s, true)}[i] = ${stored[k]};`));
    bodies.push(lines.join("\n  "));
  });

  // Written buffers: read only by the segment that writes them, at full length.
  for (const { binding, segment } of byBuffer.values()) {
    if (!binding.write) continue;
    const r = readers.get(binding.buffer);
    if (!r) continue;
    if (tiledReads.has(binding.buffer) || r.size > 1 || !r.has(segment)) {
      throw new FusionLimit("a written buffer is read elsewhere");
    }
  }
  const decls = bindings.map((b, k) => {
    const access = b.write ? "read_write" : "read";
    return `@group(0) @binding(${b.binding}) var<storage, ${access}> B${k}: array<${
      valueType(b.buffer.dtype)
    }>;`;
  });
  return { decls: [...decls, ...fnOrder].join("\n"), bodies, bindings, words };
}
