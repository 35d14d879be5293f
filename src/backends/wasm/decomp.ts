/**
 * The CPU backend's matrix-decomposition launchers (kernels in assembly/decomp.ts): Householder
 * QR (geqrf, orgqr), the Jacobi eigen- and singular-value iterations and LU with partial pivoting (getrf). Free functions of the
 * backend's {@link WasmKernels}.
 * @module
 */
import type { ComputeDType } from "../../dtype.ts";
import type { DecompArgs, Storage } from "../backend.ts";
import { decompContract } from "../linalg_contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, SUFFIX } from "./shared.ts";

/** Sweeps after which a Jacobi iteration stops even if rounding keeps it from settling (it converges in ~10). */
const MAX_SWEEPS = 60;

/** See `Backend.geqrf`. */
export function geqrf(ctx: WasmKernels, a: Storage, args: DecompArgs): { h: WasmStorage; tau: WasmStorage } {
  const s = checkStorage("geqrf", a);
  const { batch, m, n } = args, k = Math.min(m, n), dtype = s.dtype;
  decompContract("geqrf", s, batch, m, n);
  if (batch * m * n === 0) return { h: ctx.zeros(dtype, batch * m * n), tau: ctx.zeros(dtype, batch * k) };
  ctx.plan("geqrf", dtype, batch * (m * n + k), s);
  return ctx.call(() => {
    const ap = ctx.input(s);
    const [h, hp] = ctx.output(dtype, batch * m * n);
    const [tau, tp] = ctx.output(dtype, batch * k);
    ctx.fn(`geqrf_${SUFFIX[dtype as ComputeDType]}`)(ap, hp, tp, batch, m, n);
    return { h, tau };
  });
}

/** See `Backend.orgqr`. */
export function orgqr(
  ctx: WasmKernels,
  h: Storage,
  tau: Storage,
  args: DecompArgs & { cols: number },
): WasmStorage {
  const hs = checkStorage("orgqr", h), ts = checkStorage("orgqr", tau);
  const { batch, m, n, cols } = args, dtype = hs.dtype;
  decompContract("orgqr", hs, batch, m, n);
  if (ts.numel !== batch * Math.min(m, n)) throw new RangeError(`orgqr: tau has ${ts.numel} elements`);
  if (batch * m * cols === 0) return ctx.zeros(dtype, batch * m * cols);
  ctx.plan("orgqr", dtype, batch * m * cols, hs, ts);
  return ctx.call(() => {
    const hp = ctx.input(hs), tp = ctx.input(ts);
    const [q, qp] = ctx.output(dtype, batch * m * cols);
    ctx.fn(`orgqr_${SUFFIX[dtype as ComputeDType]}`)(hp, tp, qp, batch, m, n, cols);
    return q;
  });
}

/** See `Backend.eighJacobi`. */
export function eighJacobi(
  ctx: WasmKernels,
  a: Storage,
  args: DecompArgs,
): { w: WasmStorage; v: WasmStorage } {
  const s = checkStorage("eighJacobi", a);
  const { batch, n } = args, dtype = s.dtype;
  decompContract("eighJacobi", s, batch, n, n);
  if (batch * n === 0) return { w: ctx.zeros(dtype, batch * n * n), v: ctx.zeros(dtype, batch * n * n) };
  ctx.plan("eighJacobi", dtype, 2 * batch * n * n, s);
  return ctx.call(() => {
    const ap = ctx.input(s);
    const [w, wp] = ctx.output(dtype, batch * n * n);
    const [v, vp] = ctx.output(dtype, batch * n * n);
    ctx.fn(`eighJacobi_${SUFFIX[dtype as ComputeDType]}`)(ap, wp, vp, batch, n, MAX_SWEEPS);
    return { w, v };
  });
}

/** See `Backend.svdJacobi`. */
export function svdJacobi(
  ctx: WasmKernels,
  a: Storage,
  args: DecompArgs,
): { b: WasmStorage; v: WasmStorage } {
  const s = checkStorage("svdJacobi", a);
  const { batch, m, n } = args, dtype = s.dtype;
  decompContract("svdJacobi", s, batch, m, n);
  if (m < n) throw new RangeError(`svdJacobi: expected m >= n, got ${m}x${n}`);
  if (batch * n === 0) return { b: ctx.zeros(dtype, batch * m * n), v: ctx.zeros(dtype, batch * n * n) };
  ctx.plan("svdJacobi", dtype, batch * (m * n + n * n), s);
  return ctx.call(() => {
    const ap = ctx.input(s);
    const [b, bp] = ctx.output(dtype, batch * m * n);
    const [v, vp] = ctx.output(dtype, batch * n * n);
    ctx.fn(`svdJacobi_${SUFFIX[dtype as ComputeDType]}`)(ap, bp, vp, batch, m, n, MAX_SWEEPS);
    return { b, v };
  });
}

/** See `Backend.getrf`. */
export function getrf(
  ctx: WasmKernels,
  a: Storage,
  args: DecompArgs,
): { lu: WasmStorage; pivots: WasmStorage; info: WasmStorage } {
  const s = checkStorage("getrf", a);
  const { batch, m, n } = args, k = Math.min(m, n), dtype = s.dtype;
  decompContract("getrf", s, batch, m, n);
  if (batch * m * n === 0) {
    return {
      lu: ctx.zeros(dtype, batch * m * n),
      pivots: ctx.zeros(dtype, batch * k),
      info: ctx.zeros(dtype, batch),
    };
  }
  ctx.plan("getrf", dtype, batch * (m * n + k + 1), s);
  return ctx.call(() => {
    const ap = ctx.input(s);
    const [lu, lp] = ctx.output(dtype, batch * m * n);
    const [pivots, pp] = ctx.output(dtype, batch * k);
    const [info, ip] = ctx.output(dtype, batch);
    ctx.fn(`getrf_${SUFFIX[dtype as ComputeDType]}`)(ap, lp, pp, ip, batch, m, n);
    return { lu, pivots, info };
  });
}
