/**
 * The GPU backend's unary, binary and where launchers (kernels in wgsl/elementwise.wgsl and math.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { ComputeDType } from "../../dtype.ts";
import { f32Bits } from "../../half.ts";
import { type BinaryOp, COMPARISON_OPS, type Operand, type Storage, type UnaryOp } from "../backend.ts";
import { binaryContract, checkOperand, describeValue, unaryContract, whereContract } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import { LazyNode, type Operand as LazyOperand } from "./fusion.ts";
import {
  ARITHMETIC_EXPR,
  COMPARISON_EXPR,
  type GpuComputeDType,
  UNARY_EXPR,
  WGSL_TYPE,
  wgslSnippet,
} from "./pipelines.ts";
import { type Binding, gpuCompute } from "./shared.ts";
import { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as lazyOps from "./lazy.ts";

export function unary(ctx: GpuContext, op: UnaryOp, x: Storage): WebGPUStorage {
  const s = ctx.operand("unary", x);
  const { numel: n, ...d } = unaryContract(op, s);
  const dtype = d.dtype as GpuComputeDType; // a gpu storage is never float64
  if (n === 0) return checksOps.inherit(ctx.alloc(dtype, 0), s);
  return checksOps.inherit(
    lazyOps.lazy(ctx, dtype, n, [s], ([x]) => ({ kind: "unary", op, compute: dtype, x })),
    s,
  );
}

export function unaryInto(
  ctx: GpuContext,
  op: UnaryOp,
  dtype: GpuComputeDType,
  x: PoolEntry,
  y: PoolEntry,
  n: number,
): void {
  const vec = n % 4 === 0;
  const threads = vec ? n / 4 : n;
  const base = dispatchOps.paramWords(ctx);
  ctx.u32[base] = threads;
  const expr = UNARY_EXPR[dtype][op]!;
  const k = ctx.pipelines.get(vec ? "unary_vec4" : "unary", {
    T: WGSL_TYPE[dtype],
    EXPR: expr,
  });
  dispatchOps.run1d(ctx, k, base, [{ binding: 1, entry: x }, { binding: 2, entry: y }], threads);
}

export function binary(
  ctx: GpuContext,
  op: BinaryOp,
  a: Operand,
  b: Operand,
  numel: number,
  computeDType: ComputeDType,
): WebGPUStorage {
  ctx.checkAlive();
  const dtype = gpuCompute(op, computeDType);
  const outDtype = binaryContract(op, numel, dtype).dtype;
  if (numel === 0) return checksOps.inherit(ctx.alloc(outDtype, 0), a, b);
  const place = (x: Operand, which: string): WebGPUStorage | number => {
    if (typeof x === "number") return x;
    if (!(x instanceof WebGPUStorage)) {
      throw new TypeError(`${op}: operand ${which} must be a storage or a number, got ${describeValue(x)}`);
    }
    return checkOperand(op, ctx.operand(op, x), which, dtype, numel);
  };
  const pa = place(a, "a");
  const pb = place(b, "b");
  // pow with a scalar exponent of a full operand: the CPU's special cases.
  if (
    op === "pow" && dtype === "float32" && typeof pb === "number" && typeof pa !== "number" &&
    pa.numel === numel
  ) {
    const e = Math.fround(pb);
    if (e === 2) return ctx.backend.binary("mul", pa, pa, numel, dtype);
    if (e === 1) return ctx.backend.cast(pa, "float32");
    if (e === 0.5) return ctx.backend.unary("sqrt", pa);
    if (e === -0.5) return ctx.backend.unary("rsqrt", pa);
    if (e === -1) return ctx.backend.binary("div", 1, pa, numel, dtype);
  }
  const scalar = (x: WebGPUStorage | number) =>
    typeof x === "number"
      ? { scalar: dtype === "int32" ? (Number.isFinite(x) ? x | 0 : 0) >>> 0 : f32Bits(x) }
      : x;
  const out = lazyOps.lazy(
    ctx,
    outDtype,
    numel,
    [scalar(pa), scalar(pb)],
    ([a, b]) => ({ kind: "binary", op, compute: dtype, a, b }),
  );
  return checksOps.inherit(out, pa, pb);
}

/** The binary kernel over buffers (full or tiled) and scalar words, into `out`. */
export function binaryInto(
  ctx: GpuContext,
  op: BinaryOp,
  dtype: GpuComputeDType,
  a: LazyOperand<WebGPUStorage>,
  b: LazyOperand<WebGPUStorage>,
  numel: number,
  out: PoolEntry,
): void {
  const isCmp = (COMPARISON_OPS as readonly string[]).includes(op);
  const place = (x: LazyOperand<WebGPUStorage>): WebGPUStorage | { scalar: number } => {
    if (x instanceof LazyNode) return ctx.leafOf(x)!;
    return x;
  };
  const pa = place(a), pb = place(b);
  // Four elements per invocation when every length is a multiple of 4.
  const vec = numel % 4 === 0 && [pa, pb].every((x) => !(x instanceof WebGPUStorage) || x.numel % 4 === 0);
  const w = vec ? 4 : 1;
  const base = dispatchOps.paramWords(ctx);
  const u = ctx.u32;
  u[base] = numel / w;
  const T = WGSL_TYPE[dtype];
  const VT = vec ? `vec4<${T}>` : T;
  const subs: Record<string, string> = {
    T,
    TO: isCmp ? "u32" : T,
    EXPR: isCmp ? COMPARISON_EXPR[dtype][op] : ARITHMETIC_EXPR[dtype][op],
  };
  const bindings: Binding[] = [{ binding: 3, entry: out }];
  const operand = (
    x: WebGPUStorage | { scalar: number },
    name: "A" | "B",
    binding: number,
    word: number,
  ) => {
    if (!(x instanceof WebGPUStorage)) {
      u[base + 2 + word] = x.scalar;
      subs[`DECL_${name}`] = "";
      subs[`LOAD_${name}`] = wgslSnippet("elementwise.load_scalar_operand", {
        VT,
        T,
        FIELD: name.toLowerCase(),
      });
      return;
    }
    u[base + word] = x.numel / w;
    subs[`DECL_${name}`] = wgslSnippet("elementwise.decl_operand", {
      BINDING: String(binding),
      NAME: name,
      VT,
    });
    subs[`LOAD_${name}`] = wgslSnippet(
      x.numel === numel ? "elementwise.load_full" : "elementwise.load_tiled",
      {
        NAME: name,
        FIELD: name.toLowerCase(),
      },
    );
    bindings.push({ binding, entry: x._buffer! });
  };
  operand(pa, "A", 1, 1);
  operand(pb, "B", 2, 2);
  const kernel = ctx.pipelines.get(vec ? "binary_vec4" : "binary", subs);
  dispatchOps.run1d(ctx, kernel, base, bindings, numel / w);
}

export function where(ctx: GpuContext, cond: Storage, a: Storage, b: Storage): WebGPUStorage {
  const c = ctx.operand("where", cond), x = ctx.operand("where", a), y = ctx.operand("where", b);
  const n = whereContract(c, x, y).numel;
  if (n === 0) return checksOps.inherit(ctx.alloc(x.dtype, 0), c, x, y);
  const out = lazyOps.lazy(
    ctx,
    x.dtype,
    n,
    [c, x, y],
    ([cc, aa, bb]) => ({ kind: "where", c: cc, a: aa, b: bb }),
  );
  return checksOps.inherit(out, c, x, y);
}
