/**
 * The CPU backend's LDLᵀ launchers (kernels in assembly/ldl.ts): the Bunch-Kaufman
 * factorisation (sytrf) and its solve (sytrs). Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import type { ComputeDType } from "../../dtype.ts";
import type { DecompArgs, LdlSolveArgs, Storage } from "../backend.ts";
import { decompContract, ldlSolveContract } from "../linalg_contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, SUFFIX } from "./shared.ts";

/** See `Backend.sytrf`. */
export function sytrf(
  ctx: WasmKernels,
  a: Storage,
  args: DecompArgs,
): { ld: WasmStorage; pivots: WasmStorage; info: WasmStorage } {
  const s = checkStorage("sytrf", a);
  const { batch, m, n } = args, dtype = s.dtype;
  decompContract("sytrf", s, batch, m, n);
  if (m !== n) throw new RangeError(`sytrf: expected square matrices, got ${m}x${n}`);
  if (batch * n === 0) {
    return { ld: ctx.zeros(dtype, 0), pivots: ctx.zeros(dtype, 0), info: ctx.zeros(dtype, batch) };
  }
  ctx.plan("sytrf", dtype, batch * (n * n + n + 1), s);
  return ctx.call(() => {
    const ap = ctx.input(s);
    const [ld, lp] = ctx.output(dtype, batch * n * n);
    const [pivots, pp] = ctx.output(dtype, batch * n);
    const [info, ip] = ctx.output(dtype, batch);
    ctx.fn(`sytrf_${SUFFIX[dtype as ComputeDType]}`)(ap, lp, pp, ip, batch, n);
    return { ld, pivots, info };
  });
}

/** See `Backend.sytrs`. */
export function sytrs(
  ctx: WasmKernels,
  ld: Storage,
  pivots: Storage,
  b: Storage,
  args: LdlSolveArgs,
): WasmStorage {
  const ls = checkStorage("sytrs", ld), ps = checkStorage("sytrs", pivots), bs = checkStorage("sytrs", b);
  ldlSolveContract(ls, ps, bs, args);
  const { batch, n, k } = args, dtype = ls.dtype;
  if (batch * n * k === 0) return ctx.zeros(dtype, batch * n * k);
  ctx.plan("sytrs", dtype, batch * n * k, ls, ps, bs);
  return ctx.call(() => {
    const lp = ctx.input(ls), pp = ctx.input(ps), bp = ctx.input(bs);
    const [x, xp] = ctx.output(dtype, batch * n * k);
    ctx.fn(`sytrs_${SUFFIX[dtype as ComputeDType]}`)(lp, pp, bp, xp, batch, n, k);
    return x;
  });
}
