/**
 * The GPU backend's batched LU solve, Cholesky and triangular solve launchers (kernels in wgsl/linalg.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { LuSolveArgs, Storage, TriangularSolveArgs } from "../backend.ts";
import { choleskyContract, luSolveContract, triangularSolveContract } from "../linalg_contract.ts";
import type { GpuContext } from "./context.ts";
import { type Binding, ceilDiv } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as transferOps from "./transfer.ts";

const ABOVE = 8;

/**
 * See `Backend.luSolve`: float32 only; X of a singular matrix is NaN. `luInit` copies the inputs,
 * the elimination steps are split over dispatches so that each invocation stays within the loop
 * budget, `luFinish` scales X and finishes the statistics; matrices whose one step exceeds the
 * budget are refused.
 */
export function luSolve(
  ctx: GpuContext,
  a: Storage,
  rhs: Storage | "identity" | null,
  args: LuSolveArgs,
): { x: WebGPUStorage; stats: WebGPUStorage } {
  const s = ctx.storage("luSolve", a);
  const b = rhs === null || rhs === "identity" ? null : ctx.storage("luSolve", rhs);
  const k = luSolveContract(s, rhs, args);
  const { batch, n } = args, wg = ctx.wg;
  const x = ctx.alloc("float32", batch * n * k), stats = ctx.alloc("float32", batch * 4);
  const inputs = b ? [s, b] : [s];
  if (batch === 0 || n === 0) {
    // 0×0 matrices: det 1, sign 1, log|det| 0, info 0 (nothing to bind a kernel to).
    stats.dispose();
    const ones = Float32Array.from({ length: batch * 4 }, (_, i) => (i % 4 < 2 ? 1 : 0));
    const st = ctx.backend.fromTyped(ones, "float32") as WebGPUStorage;
    return { x: checksOps.inherit(x, ...inputs), stats: checksOps.inherit(st, ...inputs) };
  }
  // Loop iterations of one invocation per step: the pivot search, the row swap, its rows' updates.
  const perStep = 2 + n + ceilDiv(n + k, wg) + ceilDiv(n, wg) * (n + k + 1);
  if (perStep > ctx.loopBudget) {
    x.dispose();
    stats.dispose();
    throw new RangeError(
      `luSolve: ${n}x${n} matrices (with ${k} right-hand columns) are too large for one elimination step ` +
        `within this GPU's loop budget (${ctx.loopBudget} iterations per invocation); solve them on the CPU`,
    );
  }
  const stepsPer = Math.max(1, Math.floor(ctx.loopBudget / perStep));
  const work = ctx.temp(batch * n * n);
  const xEntry = k > 0 ? ctx.entryOf(x) : ctx.temp(1);
  const w: Binding = { binding: 3, entry: work }, xb: Binding = { binding: 4, entry: xEntry };
  const sb: Binding = { binding: 5, entry: ctx.entryOf(stats) };
  let base = dispatchOps.paramWords(ctx);
  ctx.u32.set([batch, n, k, rhs === "identity" ? 1 : 0], base);
  dispatchOps.run1d(ctx, ctx.pipelines.get("luInit"), base, [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: b !== null && k > 0 ? ctx.entryOf(b) : ctx.entryOf(s) },
    w,
    xb,
    sb,
  ], batch * (n * n + n * k + 1));
  const kernel = ctx.pipelines.get("luSolve", { WG: String(wg) });
  const [gx, gy] = dispatchOps.grid(ctx, batch);
  for (let k0 = 0; k0 < n; k0 += stepsPer) {
    base = dispatchOps.paramWords(ctx);
    ctx.u32.set([batch, n, k, k0, Math.min(n, k0 + stepsPer), k > 0 ? ABOVE : 0], base);
    dispatchOps.dispatch(ctx, kernel, base, [w, xb, sb], gx, gy);
  }
  base = dispatchOps.paramWords(ctx);
  ctx.u32.set([batch, n, k], base);
  dispatchOps.run1d(ctx, ctx.pipelines.get("luFinish"), base, [w, xb, sb], batch * (n * k + 1));
  ctx.release(work);
  if (k === 0) ctx.release(xEntry);
  return { x: checksOps.inherit(x, ...inputs), stats: checksOps.inherit(stats, ...inputs) };
}

/**
 * See `Backend.cholesky`: float32 only; the factor of a matrix that is not positive-definite is
 * NaN. `choleskyInit` zeroes the upper triangles, the columns are split over dispatches within the
 * loop budget as {@link luSolve}'s steps, `choleskyFinish` writes the NaNs.
 */
export function cholesky(
  ctx: GpuContext,
  a: Storage,
  batch: number,
  n: number,
): { l: WebGPUStorage; info: WebGPUStorage } {
  const s = ctx.storage("cholesky", a);
  choleskyContract(s, batch, n);
  const wg = ctx.wg;
  const l = ctx.alloc("float32", batch * n * n), info = ctx.alloc("float32", batch);
  if (batch === 0 || n === 0) {
    if (batch > 0) transferOps.fillEntry(ctx, ctx.entryOf(info), batch, 0);
    return { l: checksOps.inherit(l, s), info: checksOps.inherit(info, s) };
  }
  // Loop iterations of one invocation per column: the diagonal's sum and its rows'.
  const perStep = 2 + n + ceilDiv(n, wg) * (n + 1);
  if (perStep > ctx.loopBudget) {
    l.dispose();
    info.dispose();
    throw new RangeError(
      `cholesky: ${n}x${n} matrices are too large for one column within this GPU's loop budget ` +
        `(${ctx.loopBudget} iterations per invocation); factor them on the CPU`,
    );
  }
  const stepsPer = Math.max(1, Math.floor(ctx.loopBudget / perStep));
  const lb: Binding = { binding: 2, entry: ctx.entryOf(l) },
    ib: Binding = { binding: 3, entry: ctx.entryOf(info) };
  let base = dispatchOps.paramWords(ctx);
  ctx.u32.set([batch, n], base);
  dispatchOps.run1d(ctx, ctx.pipelines.get("choleskyInit"), base, [lb, ib], batch * (n * n + 1));
  const kernel = ctx.pipelines.get("cholesky", { WG: String(wg) });
  const [gx, gy] = dispatchOps.grid(ctx, batch);
  for (let k0 = 0; k0 < n; k0 += stepsPer) {
    base = dispatchOps.paramWords(ctx);
    ctx.u32.set([batch, n, k0, Math.min(n, k0 + stepsPer)], base);
    dispatchOps.dispatch(ctx, kernel, base, [{ binding: 1, entry: ctx.entryOf(s) }, lb, ib], gx, gy);
  }
  base = dispatchOps.paramWords(ctx);
  ctx.u32.set([batch, n], base);
  dispatchOps.run1d(ctx, ctx.pipelines.get("choleskyFinish"), base, [lb, ib], batch * n * n);
  return { l: checksOps.inherit(l, s), info: checksOps.inherit(info, s) };
}

/**
 * See `Backend.triangularSolve`: float32 only. One invocation per (matrix, right-hand column)
 * substitutes row after row; the rows are split over dispatches so that each invocation stays
 * within the loop budget (a row costs up to n iterations, so n must fit the budget).
 */
export function triangularSolve(
  ctx: GpuContext,
  a: Storage,
  b: Storage,
  args: TriangularSolveArgs,
): WebGPUStorage {
  const s = ctx.storage("triangularSolve", a), r = ctx.storage("triangularSolve", b);
  triangularSolveContract(s, r, args);
  const { batch, n, k } = args;
  const x = ctx.alloc("float32", batch * n * k);
  if (batch * n * k === 0) return checksOps.inherit(x, s, r);
  if (n + 1 > ctx.loopBudget) {
    x.dispose();
    throw new RangeError(
      `triangularSolve: ${n}x${n} matrices are too large for one row within this GPU's loop budget ` +
        `(${ctx.loopBudget} iterations per invocation); solve them on the CPU`,
    );
  }
  const rowsPer = Math.max(1, Math.floor(ctx.loopBudget / (n + 1)));
  const kernel = ctx.pipelines.get("triangularSolve");
  const bindings: Binding[] = [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: ctx.entryOf(r) },
    { binding: 3, entry: ctx.entryOf(x) },
  ];
  const flags = (args.upper ? 1 : 0) | (args.unit ? 2 : 0);
  for (let r0 = 0; r0 < n; r0 += rowsPer) {
    const base = dispatchOps.paramWords(ctx);
    ctx.u32.set([batch, n, k, r0, Math.min(n, r0 + rowsPer), flags], base);
    dispatchOps.run1d(ctx, kernel, base, bindings, batch * k);
  }
  return checksOps.inherit(x, s, r);
}
