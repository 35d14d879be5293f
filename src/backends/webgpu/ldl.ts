/**
 * The GPU backend's LDLᵀ launchers (kernels in wgsl/ldl.wgsl), float32: the Bunch-Kaufman
 * factorisation one dispatch per column (one invocation per matrix), and its solve one invocation
 * per right-hand side. Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { DecompArgs, LdlSolveArgs, Storage } from "../backend.ts";
import { decompContract, ldlSolveContract } from "../linalg_contract.ts";
import type { GpuContext } from "./context.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as transferOps from "./transfer.ts";

function checkFloat32(op: string, s: WebGPUStorage): void {
  if (s.dtype !== "float32") throw new TypeError(`${op}: the GPU computes float32 matrices, got ${s.dtype}`);
}

function checkBudget(ctx: GpuContext, op: string, n: number, iterations: number): void {
  if (iterations > ctx.loopBudget) {
    throw new RangeError(
      `${op}: ${n}x${n} matrices exceed this GPU's loop budget (${ctx.loopBudget} iterations per invocation); use the CPU`,
    );
  }
}

/** See `Backend.sytrf` (float32). */
export function sytrf(
  ctx: GpuContext,
  a: Storage,
  args: DecompArgs,
): { ld: WebGPUStorage; pivots: WebGPUStorage; info: WebGPUStorage } {
  const s = ctx.storage("sytrf", a);
  const { batch, m, n } = args;
  decompContract("sytrf", s, batch, m, n);
  checkFloat32("sytrf", s);
  if (m !== n) throw new RangeError(`sytrf: expected square matrices, got ${m}x${n}`);
  checkBudget(ctx, "sytrf", n, n * n + 4 * n + 8);
  const ld = ctx.alloc("float32", batch * n * n), pivots = ctx.alloc("float32", batch * n);
  const info = ctx.alloc("float32", batch);
  const done = () => ({
    ld: checksOps.inherit(ld, s),
    pivots: checksOps.inherit(pivots, s),
    info: checksOps.inherit(info, s),
  });
  if (batch * n === 0) {
    if (batch > 0) transferOps.fillEntry(ctx, ctx.entryOf(info), batch, 0);
    return done();
  }
  const next = ctx.alloc("float32", batch);
  try {
    const w = { binding: 2, entry: ctx.entryOf(ld) };
    const inf = { binding: 4, entry: ctx.entryOf(info) }, nx = { binding: 5, entry: ctx.entryOf(next) };
    let base = dispatchOps.paramWords(ctx);
    ctx.u32.set([batch, n, 0, 0], base);
    dispatchOps.run1d(ctx, ctx.pipelines.get("sytrf_init"), base, [
      { binding: 1, entry: ctx.entryOf(s) },
      w,
      inf,
      nx,
    ], batch * n * n);
    const step = ctx.pipelines.get("sytrf_step"), pv = { binding: 3, entry: ctx.entryOf(pivots) };
    for (let j = 0; j < n; j++) {
      base = dispatchOps.paramWords(ctx);
      ctx.u32.set([batch, n, j, 0], base);
      dispatchOps.run1d(ctx, step, base, [w, pv, inf, nx], batch);
    }
  } finally {
    next.dispose();
  }
  return done();
}

/** See `Backend.sytrs` (float32). */
export function sytrs(
  ctx: GpuContext,
  ld: Storage,
  pivots: Storage,
  b: Storage,
  args: LdlSolveArgs,
): WebGPUStorage {
  const ls = ctx.storage("sytrs", ld), ps = ctx.storage("sytrs", pivots), bs = ctx.storage("sytrs", b);
  ldlSolveContract(ls, ps, bs, args);
  checkFloat32("sytrs", ls);
  const { batch, n, k } = args;
  checkBudget(ctx, "sytrs", n, 2 * n * n + 4 * n + 8);
  const x = ctx.alloc("float32", batch * n * k);
  if (batch * n * k > 0) {
    const base = dispatchOps.paramWords(ctx);
    ctx.u32.set([batch, n, k, 0], base);
    dispatchOps.run1d(ctx, ctx.pipelines.get("sytrs"), base, [
      { binding: 1, entry: ctx.entryOf(ls) },
      { binding: 2, entry: ctx.entryOf(ps) },
      { binding: 3, entry: ctx.entryOf(bs) },
      { binding: 4, entry: ctx.entryOf(x) },
    ], batch * k);
  }
  return checksOps.inherit(x, ls, ps, bs);
}
