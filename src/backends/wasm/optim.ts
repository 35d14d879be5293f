/**
 * The CPU backend's Fused optimizer steps (kernels in assembly/optim.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import type { AdamUpdateOptions, SgdUpdateOptions, Storage } from "../backend.ts";
import { checkUpdateArgs, checkUpdateState } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import type { WasmStorage } from "./heap.ts";
import { checkStorage, NS } from "./shared.ts";

/** Float32 storages of one length for a fused update (null entries pass through). */
function optimArgs(op: string, ...s: (Storage | null)[]): (WasmStorage | null)[] {
  const out = s.map((x) => (x === null ? null : checkStorage(op, x)));
  return checkUpdateArgs(op, out);
}

/** One Adam/AdamW step in place (see `Backend.adamUpdate`). */
export function adamUpdate(
  ctx: WasmKernels,
  param: Storage,
  grad: Storage,
  expAvg: Storage,
  expAvgSq: Storage,
  maxExpAvgSq: Storage | null,
  o: AdamUpdateOptions,
): void {
  checkUpdateState("adamUpdate", !!o.amsgrad, !!maxExpAvgSq);
  const [p, g, m, v, vmax] = optimArgs(
    "adamUpdate",
    param,
    grad,
    expAvg,
    expAvgSq,
    o.amsgrad ? maxExpAvgSq : null,
  );
  const n = p!.numel;
  if (n === 0) return;
  const bias1 = 1 - o.beta1 ** o.step, bias2 = 1 - o.beta2 ** o.step;
  const flags = (o.maximize ? 1 : 0) | (o.weightDecay !== 0 ? 2 : 0) | (o.decoupled ? 4 : 0) |
    (o.amsgrad ? 8 : 0);
  const helpers = ctx.helpers(n * NS.adam);
  ctx.call(() => {
    const gp = ctx.input(g!);
    const pp = ctx.inout(p!, 0, n, false), mp = ctx.inout(m!, 0, n, false);
    const vp = ctx.inout(v!, 0, n, false), xp = vmax ? ctx.inout(vmax, 0, n, false) : 0;
    const scalars = [
      o.beta1,
      1 - o.beta1,
      o.beta2,
      1 - o.beta2,
      -(o.lr / bias1),
      Math.sqrt(bias2),
      o.eps,
      o.weightDecay,
      1 - o.lr * o.weightDecay,
    ];
    if (helpers === 0) ctx.fn("adam_f32")(pp, gp, mp, vp, xp, n, flags, ...scalars);
    else {
      ctx.splitRun("adam_f32", helpers, n, 16, (f, t) => [
        pp + f * 4,
        gp + f * 4,
        mp + f * 4,
        vp + f * 4,
        xp === 0 ? 0 : xp + f * 4,
        t - f,
        flags,
        ...scalars,
      ]);
    }
  });
}

/** One SGD step in place (see `Backend.sgdUpdate`). */
export function sgdUpdate(
  ctx: WasmKernels,
  param: Storage,
  grad: Storage,
  momentumBuffer: Storage | null,
  o: SgdUpdateOptions,
): void {
  const useMomentum = o.momentum !== 0;
  checkUpdateState("sgdUpdate", useMomentum, !!momentumBuffer);
  const [p, g, buf] = optimArgs("sgdUpdate", param, grad, useMomentum ? momentumBuffer : null);
  const n = p!.numel;
  if (n === 0) return;
  const flags = (o.maximize ? 1 : 0) | (o.weightDecay !== 0 ? 2 : 0) | (useMomentum ? 4 : 0) |
    (o.firstStep ? 8 : 0) | (o.dampening !== 0 ? 16 : 0) | (o.nesterov ? 32 : 0);
  const helpers = ctx.helpers(n * NS.sgd);
  ctx.call(() => {
    const gp = ctx.input(g!);
    const pp = ctx.inout(p!, 0, n, false);
    const bp = buf ? ctx.inout(buf, 0, n, o.firstStep) : 0;
    if (helpers === 0) {
      ctx.fn("sgd_f32")(pp, gp, bp, n, flags, o.lr, o.momentum, 1 - o.dampening, o.weightDecay);
    } else {
      const scalars = [o.lr, o.momentum, 1 - o.dampening, o.weightDecay];
      ctx.splitRun("sgd_f32", helpers, n, 16, (f, t) => [
        pp + f * 4,
        gp + f * 4,
        bp === 0 ? 0 : bp + f * 4,
        t - f,
        flags,
        ...scalars,
      ]);
    }
  });
}
