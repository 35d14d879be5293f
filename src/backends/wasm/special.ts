/**
 * The CPU backend's special-function launchers (kernels in assembly/special.ts). Free functions
 * of the backend's {@link WasmKernels}.
 * @module
 */
import { SPECIAL2_OPS, type Special2Op, SPECIAL_OPS, type SpecialOp, type Storage } from "../backend.ts";
import { special2Contract, specialContract } from "../contract_special.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, SUFFIX } from "./shared.ts";

export function special(ctx: WasmKernels, op: SpecialOp, x: Storage, order: number): WasmStorage {
  const s = checkStorage(op, x);
  const { dtype, numel: n } = specialContract(op, s, order);
  if (n === 0) return ctx.zeros(dtype);
  ctx.plan(op, dtype, n, s);
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output(dtype, n);
    ctx.fn(`special_${SUFFIX[dtype as "float32" | "float64"]}`)(
      SPECIAL_OPS.indexOf(op),
      xp,
      outPtr,
      n,
      order,
    );
    return out;
  });
}

export function special2(ctx: WasmKernels, op: Special2Op, a: Storage, b: Storage): WasmStorage {
  const sa = checkStorage(op, a), sb = checkStorage(op, b);
  const { dtype, numel: n } = special2Contract(op, sa, sb);
  if (n === 0) return ctx.zeros(dtype);
  ctx.plan(op, dtype, n, sa, sb);
  return ctx.call(() => {
    const ap = ctx.input(sa), bp = ctx.input(sb);
    const [out, outPtr] = ctx.output(dtype, n);
    ctx.fn(`special2_${SUFFIX[dtype as "float32" | "float64"]}`)(SPECIAL2_OPS.indexOf(op), ap, bp, outPtr, n);
    return out;
  });
}
