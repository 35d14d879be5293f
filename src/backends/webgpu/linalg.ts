/**
 * The GPU backend's batched LU solve and Cholesky launchers (kernels in wgsl/linalg.wgsl).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { LuSolveArgs, Storage } from "../backend.ts";
import { choleskyContract, luSolveContract } from "../linalg_contract.ts";
import type { GpuContext } from "./context.ts";
import { type Binding, ceilDiv } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as dispatchOps from "./dispatch.ts";
import * as transferOps from "./transfer.ts";

const FIRST = 1, IDENTITY = 2, LAST = 4, ABOVE = 8;

/**
 * See `Backend.luSolve`: float32 only; X of a singular matrix is NaN. The elimination steps are
 * split over dispatches so that each invocation stays within the loop budget; matrices whose one
 * step exceeds it are refused.
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
  if (batch === 0) return { x: checksOps.inherit(x, ...inputs), stats: checksOps.inherit(stats, ...inputs) };
  // Loop iterations of one invocation: the copies in; per step the pivot search, the row swap and
  // its rows' updates; the final scaling.
  const rows = ceilDiv(n, wg);
  const perStep = 2 + n + ceilDiv(n + k, wg) + rows * (n + k + 1);
  const fixed = ceilDiv(n * n, wg) + 2 * ceilDiv(n * k, wg) + 4;
  if (fixed + perStep > ctx.loopBudget) {
    x.dispose();
    stats.dispose();
    throw new RangeError(
      `luSolve: ${n}x${n} matrices (with ${k} right-hand columns) are too large for one elimination step ` +
        `within this GPU's loop budget (${ctx.loopBudget} iterations per invocation); solve them on the CPU`,
    );
  }
  const stepsPer = Math.max(1, Math.floor((ctx.loopBudget - fixed) / perStep));
  const work = ctx.temp(batch * n * n);
  const xEntry = k > 0 ? ctx.entryOf(x) : ctx.temp(1);
  const bindings: Binding[] = [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: ctx.entryOf(b ?? s) },
    { binding: 3, entry: work },
    { binding: 4, entry: xEntry },
    { binding: 5, entry: ctx.entryOf(stats) },
  ];
  const kernel = ctx.pipelines.get("luSolve", { WG: String(wg) });
  const [gx, gy] = dispatchOps.grid(ctx, batch);
  for (let k0 = 0; k0 < n; k0 += stepsPer) {
    const k1 = Math.min(n, k0 + stepsPer);
    const base = dispatchOps.paramWords(ctx);
    let flags = k > 0 ? ABOVE : 0;
    if (k0 === 0) flags |= FIRST | (rhs === "identity" ? IDENTITY : 0);
    if (k1 === n) flags |= LAST;
    ctx.u32.set([batch, n, k, k0, k1, flags], base);
    dispatchOps.dispatch(ctx, kernel, base, bindings, gx, gy);
  }
  ctx.release(work);
  if (k === 0) ctx.release(xEntry);
  return { x: checksOps.inherit(x, ...inputs), stats: checksOps.inherit(stats, ...inputs) };
}

/**
 * See `Backend.cholesky`: float32 only; the factor of a matrix that is not positive-definite is
 * NaN. The columns are split over dispatches within the loop budget, as {@link luSolve}'s steps.
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
  // Loop iterations of one invocation: the zeroing; per column the diagonal's sum and the rows'.
  const perStep = 2 + n + ceilDiv(n, wg) * (n + 1);
  const fixed = 2 * ceilDiv(n * n, wg) + 4;
  if (fixed + perStep > ctx.loopBudget) {
    l.dispose();
    info.dispose();
    throw new RangeError(
      `cholesky: ${n}x${n} matrices are too large for one column within this GPU's loop budget ` +
        `(${ctx.loopBudget} iterations per invocation); factor them on the CPU`,
    );
  }
  const stepsPer = Math.max(1, Math.floor((ctx.loopBudget - fixed) / perStep));
  const bindings: Binding[] = [
    { binding: 1, entry: ctx.entryOf(s) },
    { binding: 2, entry: ctx.entryOf(l) },
    { binding: 3, entry: ctx.entryOf(info) },
  ];
  const kernel = ctx.pipelines.get("cholesky", { WG: String(wg) });
  const [gx, gy] = dispatchOps.grid(ctx, batch);
  for (let k0 = 0; k0 < n; k0 += stepsPer) {
    const k1 = Math.min(n, k0 + stepsPer);
    const base = dispatchOps.paramWords(ctx);
    ctx.u32.set([batch, n, k0, k1, (k0 === 0 ? FIRST : 0) | (k1 === n ? LAST : 0)], base);
    dispatchOps.dispatch(ctx, kernel, base, bindings, gx, gy);
  }
  return { l: checksOps.inherit(l, s), info: checksOps.inherit(info, s) };
}
