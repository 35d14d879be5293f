/**
 * The CPU backend's batched LU solve, Cholesky and triangular solve launchers (kernels in assembly/linalg.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import type { ComputeDType } from "../../dtype.ts";
import type { LuSolveArgs, Storage, TriangularSolveArgs } from "../backend.ts";
import { choleskyContract, luSolveContract, triangularSolveContract } from "../linalg_contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, SUFFIX } from "./shared.ts";

/** See `Backend.luSolve`. */
export function luSolve(
  ctx: WasmKernels,
  a: Storage,
  rhs: Storage | "identity" | null,
  args: LuSolveArgs,
): { x: WasmStorage; stats: WasmStorage } {
  const s = checkStorage("luSolve", a);
  const b = rhs === null || rhs === "identity" ? null : checkStorage("luSolve", rhs);
  const k = luSolveContract(s, rhs, args);
  const { batch, n } = args, dtype = s.dtype;
  if (batch === 0) return { x: ctx.zeros(dtype), stats: ctx.zeros(dtype) };
  ctx.plan("luSolve", dtype, batch * (2 * n * n + n * k + 4), s, ...(b ? [b] : []));
  return ctx.call(() => {
    const ap = ctx.input(s), bp = b ? ctx.input(b) : 0;
    const [work, wp] = ctx.output(dtype, batch * n * n);
    const [x, xp] = ctx.output(dtype, batch * n * k);
    const [stats, sp] = ctx.output(dtype, batch * 4);
    ctx.fn(`luSolve_${SUFFIX[dtype as ComputeDType]}`)(
      ap,
      bp,
      wp,
      xp,
      sp,
      batch,
      n,
      k,
      rhs === "identity" ? 1 : 0,
    );
    work.dispose();
    return { x, stats };
  });
}

/** See `Backend.cholesky`. */
export function cholesky(
  ctx: WasmKernels,
  a: Storage,
  batch: number,
  n: number,
): { l: WasmStorage; info: WasmStorage } {
  const s = checkStorage("cholesky", a);
  choleskyContract(s, batch, n);
  const dtype = s.dtype;
  if (batch === 0 || n === 0) return { l: ctx.zeros(dtype), info: ctx.zeros(dtype, batch) };
  ctx.plan("cholesky", dtype, batch * (n * n + 1), s);
  return ctx.call(() => {
    const ap = ctx.input(s);
    const [l, lp] = ctx.output(dtype, batch * n * n);
    const [info, ip] = ctx.output(dtype, batch);
    ctx.fn(`cholesky_${SUFFIX[dtype as ComputeDType]}`)(ap, lp, ip, batch, n);
    return { l, info };
  });
}

/** See `Backend.triangularSolve`. */
export function triangularSolve(
  ctx: WasmKernels,
  a: Storage,
  b: Storage,
  args: TriangularSolveArgs,
): WasmStorage {
  const s = checkStorage("triangularSolve", a), r = checkStorage("triangularSolve", b);
  triangularSolveContract(s, r, args);
  const { batch, n, k } = args, dtype = s.dtype;
  if (batch * n * k === 0) return ctx.zeros(dtype, batch * n * k);
  ctx.plan("triangularSolve", dtype, batch * n * k, s, r);
  return ctx.call(() => {
    const ap = ctx.input(s), bp = ctx.input(r);
    const [x, xp] = ctx.output(dtype, batch * n * k);
    ctx.fn(`triangularSolve_${SUFFIX[dtype as ComputeDType]}`)(
      ap,
      bp,
      xp,
      batch,
      n,
      k,
      args.upper ? 1 : 0,
      args.unit ? 1 : 0,
    );
    return x;
  });
}
