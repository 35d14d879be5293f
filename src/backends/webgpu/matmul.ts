/**
 * The GPU backend's matrix product launchers (kernels in wgsl/matmul.wgsl and wgsl/matmul_f16.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 *
 * float16 products: the front end multiplies float16 tensors as float32 (operands cast to
 * float32, the product cast back to float16, which rounds once). On a device with `shader-f16`
 * (see {@link GpuContext.f16}), a float32 product whose operands are both such pending casts of
 * float16 values skips the casts: `matmul_f16_pack` converts the float16 storages (or the float32
 * ones a pending float16 cast reads, rounding as that cast does) to packed halves and `matmul_f16`
 * multiplies them, accumulating in f32 in the float32 kernels' order, so it computes the same
 * float32 product (and the cast back to float16, like any pointwise graph over the product, is
 * its epilogue).
 * @module
 */
import type { MatmulArgs, Storage } from "../backend.ts";
import { checkMatmul } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import type { PoolEntry } from "./buffer_pool.ts";
import {
  type FusedProgram,
  type FusedStore,
  FusionLimit,
  generate,
  LazyNode,
  type LazyOp,
} from "./fusion.ts";
import { type GpuComputeDType, WGSL_TYPE, wgslSnippet } from "./pipelines.ts";
import { type Binding, ceilDiv, EPILOGUE_WORDS, gpuCompute } from "./shared.ts";
import { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as lazyOps from "./lazy.ts";

/** A pending product's arguments: `half` when its operands are float16 storages (`matmul_f16`). */
type ProductArgs = MatmulArgs & { half?: boolean };

/** A shared B with back-to-back A matrices: the batch is one taller product (batch * m rows). */
function foldsBatch(args: MatmulArgs): boolean {
  return args.batch > 1 && args.bBatchStride === 0 && !args.transA && args.aBatchStride === args.m * args.k;
}

export function matmul(ctx: GpuContext, a: Storage, b: Storage, args: MatmulArgs): WebGPUStorage {
  const oa = ctx.operand("matmul", a), ob = ctx.operand("matmul", b);
  const dtype = gpuCompute("matmul", checkMatmul(oa, ob, args));
  const total = args.batch * args.m * args.n;
  const half = dtype === "float32" && total > 0 && args.k > 0 ? halfOperands(ctx, oa, ob, args) : null;
  const sa = half ? half[0] : ctx.storage("matmul", oa), sb = half ? half[1] : ctx.storage("matmul", ob);
  let product: WebGPUStorage;
  if (total === 0) {
    product = ctx.alloc(dtype, 0);
  } else if (args.k === 0) {
    product = ctx.backend.full(dtype, total, 0);
  } else if (dtype === "int32") {
    product = ctx.alloc(dtype, total);
    matmulInto(ctx, dtype, ctx.entryOf(sa), ctx.entryOf(sb), args, ctx.entryOf(product), null);
  } else {
    // float32 products are pending: the pointwise graph that reads one becomes its epilogue.
    ctx.pool.sizeFor(total * 4);
    const rows = foldsBatch(args) ? args.m * args.batch : args.m;
    if (half || (rows >= 8 && args.n >= 8)) matmulGrid(ctx, rows, args.k, args.n, half !== null);
    product = new WebGPUStorage(ctx, dtype, total, null);
    lazyOps.makePending(
      ctx,
      product,
      new LazyNode<WebGPUStorage>(
        dtype,
        total,
        { kind: "matmul", a: sa, b: sb, args: { ...args, bias: null, half: half !== null } },
        1,
        0,
      ),
    );
  }
  checksOps.inherit(product, oa, ob);
  if (!args.bias || total === 0) return product;
  const out = ctx.backend.binary("add", product, args.bias, total, "float32");
  product.dispose();
  return out;
}

/**
 * The float16 storages whose exact float32 copies `a` and `b` are, computed, when the product
 * runs through `matmul_f16` (see the module documentation): both are pending casts from float16
 * (the cast's source a float16 storage, or a pending float16 value a live storage holds), the
 * device has `shader-f16`, the product fills the tiles (at least 8 x 8, as the tiled kernels) and
 * the packed operands fit the device's buffers. Null otherwise: the product runs in float32 from
 * the casts.
 */
function halfOperands(
  ctx: GpuContext,
  a: WebGPUStorage,
  b: WebGPUStorage,
  args: MatmulArgs,
): [WebGPUStorage, WebGPUStorage] | null {
  if (!ctx.f16) return null;
  const folded = foldsBatch(args);
  const m = folded ? args.m * args.batch : args.m;
  if (m < 8 || args.n < 8) return null;
  const ha = halfSource(ctx, a), hb = halfSource(ctx, b);
  if (!ha || !hb) return null;
  const batches = folded ? 1 : args.batch;
  const [wa, wb] = packedWords(
    args.k,
    m,
    args.n,
    args.aBatchStride === 0 ? 1 : batches,
    args.bBatchStride === 0 ? 1 : batches,
  );
  try {
    ctx.pool.sizeFor(wa * 4);
    ctx.pool.sizeFor(wb * 4);
  } catch (e) {
    if (e instanceof RangeError) return null;
    throw e;
  }
  return [ctx.storage("matmul", ha), ctx.storage("matmul", hb)];
}

/**
 * The storage `matmul_f16_pack` packs for operand `s`, or null when `s` is not a pending cast from
 * float16 (the front end's float32 copy of a float16 operand): the float16 storage, or, where that
 * float16 value is a pending cast of a float32 one (autocast's), the float32 storage, since the
 * packing rounds to half as that cast does (the same halves, one kernel fewer).
 */
function halfSource(ctx: GpuContext, s: WebGPUStorage): WebGPUStorage | null {
  const node = s._lazy;
  if (!node || s._buffer !== null || node.dtype !== "float32") return null;
  const op = node.op;
  if (op.kind !== "cast" || op.from !== "float16") return null;
  return storageOf(ctx, op.x, s.numel, "float16");
}

/**
 * A live storage of `dtype` and `numel` elements holding (or pending to hold) graph operand `x`;
 * for a float16 value not computed yet that is a cast from float32, the float32 one (see
 * {@link halfSource}).
 */
function storageOf(
  ctx: GpuContext,
  x: unknown,
  numel: number,
  dtype: "float16" | "float32",
): WebGPUStorage | null {
  if (x instanceof WebGPUStorage) return x.dtype === dtype && x.numel === numel && !x.disposed ? x : null;
  if (!(x instanceof LazyNode) || x.dtype !== dtype || x.numel !== numel) return null;
  const o = x.out as WebGPUStorage | null;
  const live = o !== null && !o.disposed;
  if (live && ctx.leafOf(x) === o) return o;
  if (dtype === "float16" && x.op.kind === "cast" && x.op.from === "float32") {
    const f = storageOf(ctx, x.op.x, numel, "float32");
    if (f) return f;
  }
  return live && o._lazy === x ? o : null;
}

/**
 * 32-bit words of the packed operands of `matmul_f16` (wgsl/matmul_f16.wgsl): `batchesA` times
 * [k rounded up to 16, m rounded up to 64] halves, `batchesB` times [k (16), n (64)].
 */
function packedWords(k: number, m: number, n: number, batchesA: number, batchesB: number): [number, number] {
  const kp = ceilDiv(k, 16) * 16;
  return [batchesA * kp * ceilDiv(m, 64) * 32, batchesB * kp * ceilDiv(n, 64) * 32];
}

/**
 * Computes matmul node `node` into `target` (a pending storage); with `stores` (the pointwise
 * graph over the product, rooted at `target`'s value, and the pending values it stores too),
 * as the kernel's epilogue. False (nothing done) when the epilogue does not fit one kernel.
 */
export function runMatmul(
  ctx: GpuContext,
  node: LazyNode<WebGPUStorage>,
  target: WebGPUStorage,
  stores: FusedStore<WebGPUStorage>[] | null,
): boolean {
  const op = node.op as Extract<LazyOp<WebGPUStorage>, { kind: "matmul" }>;
  const args = op.args as ProductArgs;
  let epilogue: FusedProgram<WebGPUStorage> | null = null;
  if (stores) {
    // An epilogue runs at the end of a product computed in one dispatch per batch chunk.
    if (matmulSlices(ctx, args).length > 1 || dispatchOps.slices(ctx, args.k, 1, 1).length > 1) return false;
    const attempt = (list: FusedStore<WebGPUStorage>[]) => {
      try {
        return generate([{ n: node.numel, stores: list, leafOf: ctx.leafOf, special: node }], {
          maxBuffers: ctx.maxBuffers - 2,
          maxWords: EPILOGUE_WORDS,
          firstBinding: 8,
        });
      } catch (e) {
        if (e instanceof FusionLimit) return null;
        throw e;
      }
    };
    epilogue = attempt(stores);
    if (!epilogue && stores.length > 1) {
      stores = stores.slice(0, 1);
      epilogue = attempt(stores);
    }
    if (!epilogue) return false;
    for (const st of stores) lazyOps.giveBuffer(ctx, st.target);
  } else {
    lazyOps.giveBuffer(ctx, target);
  }
  matmulInto(ctx, "float32", op.a._buffer!, op.b._buffer!, args, epilogue ? null : target._buffer!, epilogue);
  if (stores) { for (const st of stores) lazyOps.stored(st.target, st.node); }
  else lazyOps.stored(target, node);
  return true;
}

/**
 * The workgroup grid of the direct/tiled kernels over an `m` x `n` product (64 x 64 per
 * workgroup, as `matmul_f16` with `half`; tiled128 128 x 128; the direct kernel 32 x 128 for
 * products of at most 32 rows); throws when it is too large.
 */
function matmulGrid(
  ctx: GpuContext,
  m: number,
  k: number,
  n: number,
  half = false,
): { short: boolean; gx: number; gy: number } {
  const short = !half && ctx.matmulKernel === "direct" && m <= 32;
  const wide = !half && ctx.matmulKernel === "tiled128";
  const gx = ceilDiv(n, short || wide ? 128 : 64), gy = ceilDiv(m, short ? 32 : wide ? 128 : 64);
  if (gx > ctx.maxGroups || gy > ctx.maxGroups) {
    throw new RangeError(`matmul: [${m}, ${k}] @ [${k}, ${n}] is too large for one dispatch`);
  }
  return { short, gx, gy };
}

/** The k-slices of a float32 product's dispatches (one unless the inner dimension is long). */
function matmulSlices(ctx: GpuContext, args: ProductArgs): [number, number][] {
  // f16: 16 k per step, whose inner loop of 16 counts too.
  if (args.half) return dispatchOps.slices(ctx, args.k, 16, 17);
  if (args.m < 8 || args.n < 8) return dispatchOps.slices(ctx, args.k, 1, 1);
  // direct: 4 k per iteration, in one of two loops (vector loads, or the edge blocks' checked
  // loads) that neighbouring invocations may both take; tiled and tiled128: 8 k per step, whose
  // inner loop of 8 may count too.
  return ctx.matmulKernel === "direct"
    ? dispatchOps.slices(ctx, args.k, 4, 2)
    : dispatchOps.slices(ctx, args.k, 8, 9);
}

/**
 * Encodes the product `args` of the buffers `ea` and `eb` into `ec`, or through `epilogue`
 * (generated by fusion.ts, with the product as `v`), which then stores every output itself.
 */
function matmulInto(
  ctx: GpuContext,
  dtype: GpuComputeDType,
  ea: PoolEntry,
  eb: PoolEntry,
  args: ProductArgs,
  ec: PoolEntry | null,
  epilogue: FusedProgram<WebGPUStorage> | null,
): void {
  let { batch, m } = args;
  const { k, n, transA, transB } = args;
  let { aBatchStride, bBatchStride } = args;
  if (foldsBatch(args)) {
    m *= batch;
    batch = 1;
    aBatchStride = 0;
  }
  const aVec = (transA ? m : k) % 4 === 0 && aBatchStride % 4 === 0;
  const bVec = (transB ? k : n) % 4 === 0 && bBatchStride % 4 === 0;
  const params = (base: number, batchBase: number, kLo: number, kHi: number) => {
    const u = ctx.u32;
    u[base] = m;
    u[base + 1] = k;
    u[base + 2] = n;
    u[base + 3] = aBatchStride;
    u[base + 4] = bBatchStride;
    u[base + 5] = aVec ? 1 : 0;
    u[base + 6] = bVec ? 1 : 0;
    u[base + 7] = batchBase;
    u[base + 8] = batch;
    u[base + 9] = transA ? 1 : 0;
    u[base + 10] = transB ? 1 : 0;
    u[base + 11] = kLo;
    u[base + 12] = kHi;
    u[base + 13] = 0; // pack_b
    if (epilogue) epilogue.words.forEach((w, i) => u[base + 16 + i] = w);
  };
  const epiBindings: Binding[] = epilogue
    ? epilogue.bindings.map((b) => ({ binding: b.binding, entry: b.buffer._buffer! }))
    : [];
  const epiDecl = epilogue
    ? wgslSnippet("matmul.c_decl_epilogue", { DECLS: epilogue.decls, BODY: epilogue.bodies[0] })
    : "";
  if (dtype === "int32" || m < 8 || n < 8) {
    const kernel = ctx.pipelines.get("matmul_simple", {
      T: WGSL_TYPE[dtype],
      TA: "false",
      TB: "false",
      C_DECL: epiDecl,
      STORE: "",
      LOAD: "",
      SIMPLE_LOAD: epilogue ? "" : wgslSnippet("matmul.simple_load"),
      SIMPLE_STORE: wgslSnippet(epilogue ? "matmul.simple_store_epilogue" : "matmul.simple_store"),
    });
    const bindings = [{ binding: 4, entry: ea }, { binding: 5, entry: eb }, ...epiBindings];
    if (ec) bindings.push({ binding: 6, entry: ec });
    // One loop iteration per k: slices of the inner dimension within the loop budget.
    for (const [kLo, kHi] of dispatchOps.slices(ctx, k, 1, 1)) {
      const base = dispatchOps.paramWords(ctx);
      params(base, 0, kLo, kHi);
      dispatchOps.run1d(ctx, kernel, base, bindings, batch * m * n);
    }
    return;
  }
  const cVec = n % 4 === 0;
  const half = args.half === true;
  const { short, gx, gy } = matmulGrid(ctx, m, k, n, half);
  const store = wgslSnippet(
    epilogue ? "matmul.store_epilogue" : cVec ? "matmul.store_vec4" : "matmul.store_scalar",
  );
  const kernel = ctx.pipelines.get(half ? "matmul_f16" : `matmul_${ctx.matmulKernel}`, {
    ...(ctx.matmulKernel === "direct" && !half ? { WGX: short ? "16" : "8", WGY: short ? "4" : "8" } : {}),
    TA: String(transA && !half),
    TB: String(transB && !half),
    C_DECL: epilogue ? epiDecl : wgslSnippet(cVec ? "matmul.c_decl_vec4" : "matmul.c_decl_scalar"),
    STORE: store,
    LOAD: epilogue ? "" : wgslSnippet(cVec ? "matmul.load_vec4" : "matmul.load_scalar"),
  });
  let packed: [PoolEntry, PoolEntry] | null = null;
  if (half) {
    // The operands as packed halves (matmul_f16_pack reads the product's parameters).
    const [wa, wb] = packedWords(k, m, n, aBatchStride === 0 ? 1 : batch, bBatchStride === 0 ? 1 : batch);
    packed = [ctx.temp(wa), ctx.temp(wb)];
    const pack = ctx.pipelines.get("matmul_f16_pack", PACK_SUBS);
    for (const [src, dst, words, isB] of [[ea, packed[0], wa, 0], [eb, packed[1], wb, 1]] as const) {
      const base = dispatchOps.paramWords(ctx);
      params(base, 0, 0, k);
      ctx.u32[base + 13] = isB;
      dispatchOps.run1d(ctx, pack, base, [{ binding: 6, entry: src }, { binding: 7, entry: dst }], words / 4);
    }
  }
  const bindings: Binding[] = packed
    ? [{ binding: 4, entry: packed[0] }, { binding: 5, entry: packed[1] }, ...epiBindings]
    : [{ binding: 1, entry: ea }, { binding: 2, entry: eb }, ...epiBindings];
  if (ec) bindings.push({ binding: 3, entry: ec });
  const slices = matmulSlices(ctx, { ...args, m, batch });
  for (let b0 = 0; b0 < batch; b0 += ctx.maxGroups) {
    for (const [kLo, kHi] of slices) {
      const base = dispatchOps.paramWords(ctx);
      params(base, b0, kLo, kHi);
      dispatchOps.dispatch(ctx, kernel, base, bindings, gx, gy, Math.min(ctx.maxGroups, batch - b0));
    }
  }
  // Commands run in order: a later use of the scratch buffers comes after these dispatches.
  if (packed) { for (const e of packed) ctx.release(e); }
}

/** Placeholder values of `matmul_f16_pack` (the prelude's, unused by the packing). */
const PACK_SUBS = { TA: "false", TB: "false", C_DECL: "", STORE: "", LOAD: "" };
