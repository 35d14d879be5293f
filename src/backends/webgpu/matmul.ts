/**
 * The GPU backend's matrix product launchers (kernels in wgsl/matmul.wgsl).
 * Free functions of the backend's {@link GpuContext}.
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

export function matmul(ctx: GpuContext, a: Storage, b: Storage, args: MatmulArgs): WebGPUStorage {
  const sa = ctx.storage("matmul", a), sb = ctx.storage("matmul", b);
  const dtype = gpuCompute("matmul", checkMatmul(sa, sb, args));
  const total = args.batch * args.m * args.n;
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
    const folded = args.batch > 1 && args.bBatchStride === 0 && !args.transA &&
      args.aBatchStride === args.m * args.k;
    const rows = folded ? args.m * args.batch : args.m;
    if (rows >= 8 && args.n >= 8) matmulGrid(ctx, rows, args.k, args.n);
    product = new WebGPUStorage(ctx, dtype, total, null);
    lazyOps.makePending(
      ctx,
      product,
      new LazyNode<WebGPUStorage>(
        dtype,
        total,
        { kind: "matmul", a: sa, b: sb, args: { ...args, bias: null } },
        1,
        0,
      ),
    );
  }
  checksOps.inherit(product, sa, sb);
  if (!args.bias || total === 0) return product;
  const out = ctx.backend.binary("add", product, args.bias, total, "float32");
  product.dispose();
  return out;
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
  const args = op.args as MatmulArgs;
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
 * The workgroup grid of the direct/tiled kernels over an `m` x `n` product (the direct kernel
 * covers 32 x 128 per workgroup for products of at most 32 rows); throws when it is too large.
 */
function matmulGrid(
  ctx: GpuContext,
  m: number,
  k: number,
  n: number,
): { short: boolean; gx: number; gy: number } {
  const short = ctx.matmulKernel === "direct" && m <= 32;
  const gx = ceilDiv(n, short ? 128 : 64), gy = ceilDiv(m, short ? 32 : 64);
  if (gx > ctx.maxGroups || gy > ctx.maxGroups) {
    throw new RangeError(`matmul: [${m}, ${k}] @ [${k}, ${n}] is too large for one dispatch`);
  }
  return { short, gx, gy };
}

/** The k-slices of a float32 product's dispatches (one unless the inner dimension is long). */
function matmulSlices(ctx: GpuContext, args: MatmulArgs): [number, number][] {
  if (args.m < 8 || args.n < 8) return dispatchOps.slices(ctx, args.k, 1, 1);
  // direct: 4 k per iteration, in one of two loops (vector loads, or the edge blocks' checked
  // loads) that neighbouring invocations may both take; tiled: 8 k per step, whose inner loop of
  // 8 may count too.
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
  args: MatmulArgs,
  ec: PoolEntry | null,
  epilogue: FusedProgram<WebGPUStorage> | null,
): void {
  let { batch, m } = args;
  const { k, n, transA, transB } = args;
  let { aBatchStride, bBatchStride } = args;
  if (batch > 1 && bBatchStride === 0 && !transA && aBatchStride === m * k) {
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
  const { short, gx, gy } = matmulGrid(ctx, m, k, n);
  const store = wgslSnippet(
    epilogue ? "matmul.store_epilogue" : cVec ? "matmul.store_vec4" : "matmul.store_scalar",
  );
  const kernel = ctx.pipelines.get(`matmul_${ctx.matmulKernel}`, {
    ...(ctx.matmulKernel === "direct" ? { WGX: short ? "16" : "8", WGY: short ? "4" : "8" } : {}),
    TA: String(transA),
    TB: String(transB),
    C_DECL: epilogue ? epiDecl : wgslSnippet(cVec ? "matmul.c_decl_vec4" : "matmul.c_decl_scalar"),
    STORE: store,
    LOAD: epilogue ? "" : wgslSnippet(cVec ? "matmul.load_vec4" : "matmul.load_scalar"),
  });
  const bindings: Binding[] = [{ binding: 1, entry: ea }, { binding: 2, entry: eb }, ...epiBindings];
  if (ec) bindings.push({ binding: 3, entry: ec });
  const slices = matmulSlices(ctx, { ...args, m, batch });
  for (let b0 = 0; b0 < batch; b0 += ctx.maxGroups) {
    for (const [kLo, kHi] of slices) {
      const base = dispatchOps.paramWords(ctx);
      params(base, b0, kLo, kHi);
      dispatchOps.dispatch(ctx, kernel, base, bindings, gx, gy, Math.min(ctx.maxGroups, batch - b0));
    }
  }
}
