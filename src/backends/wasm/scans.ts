/**
 * The CPU backend's cummax/cummin-index and logcumsumexp launchers (kernels in
 * assembly/scans.ts). Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import type { Storage } from "../backend.ts";
import { scanContract } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, SUFFIX } from "./shared.ts";

/** See `Backend.cumExtremeIndices`. */
export function cumExtremeIndices(
  ctx: WasmKernels,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
  max: boolean,
): WasmStorage {
  const s = checkStorage("cumExtremeIndices", x);
  const { dtype, numel: n } = scanContract("cumExtremeIndices", s, outer, len, inner);
  if (n === 0) return ctx.zeros("int32");
  ctx.plan("cumExtremeIndices", "int32", n, s);
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output("int32", n);
    ctx.fn(`cumExtremeIndices_${SUFFIX[dtype]}`)(xp, outPtr, outer, len, inner, max ? 1 : 0);
    return out;
  });
}

/** See `Backend.logcumsumexp`. */
export function logcumsumexp(
  ctx: WasmKernels,
  x: Storage,
  outer: number,
  len: number,
  inner: number,
): WasmStorage {
  const s = checkStorage("logcumsumexp", x);
  const { dtype, numel: n } = scanContract("logcumsumexp", s, outer, len, inner);
  if (dtype === "int32") throw new TypeError(`logcumsumexp: expected float32 or float64, got int32`);
  if (n === 0) return ctx.zeros(dtype);
  ctx.plan("logcumsumexp", dtype, n, s);
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output(dtype, n);
    ctx.fn(`logcumsumexp_${SUFFIX[dtype]}`)(xp, outPtr, outer, len, inner);
    return out;
  });
}
