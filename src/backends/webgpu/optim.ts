/**
 * The GPU backend's fused optimizer steps (generated pointwise kernels, see `lazy.ts`).
 * Free functions of the backend's {@link GpuContext}.
 * @module
 */
import type { AdamUpdateOptions, BinaryOp, SgdUpdateOptions, Storage, UnaryOp } from "../backend.ts";
import { checkUpdateArgs, checkUpdateState } from "../contract.ts";
import type { GpuContext } from "./context.ts";
import { LazyNode, type LazyOp, type Operand as LazyOperand } from "./fusion.ts";
import { f32Bits } from "../../half.ts";
import { MAX_FUSED_NODES } from "./shared.ts";
import type { WebGPUStorage } from "./storage.ts";
import * as checksOps from "./checks.ts";
import * as lazyOps from "./lazy.ts";

/**
 * Pointwise float32 graphs over the current values of storages, for in-place updates: `arg(s)`
 * is `s`'s value (its pending graph inlined, or its buffer), `k(v)` a scalar word, `op(...)`
 * a node; `write(target, node)` makes the node a pending write of `target`.
 */
function updateGraph(ctx: GpuContext, inputs: readonly WebGPUStorage[]) {
  // Inputs with large pending graphs are computed first, so that the update fits one kernel.
  for (const x of inputs) if (x._lazy && x._lazy.size > MAX_FUSED_NODES / 2) lazyOps.materialize(ctx, x);
  const leaves = new Set<WebGPUStorage>();
  const n = inputs[0].numel;
  let size = 0, words = 0;
  type Arg = LazyOperand<WebGPUStorage>;
  const arg = (x: WebGPUStorage): Arg => {
    if (lazyOps.inlines(ctx, x)) {
      for (const r of x._retains ?? []) leaves.add(r);
      size += x._lazy!.size;
      words += x._lazy!.words;
      return x._lazy!;
    }
    leaves.add(x);
    return x;
  };
  const k = (v: number): Arg => {
    words++;
    return { scalar: f32Bits(v) };
  };
  const node = (op: LazyOp<WebGPUStorage>) => new LazyNode<WebGPUStorage>("float32", n, op, ++size, words);
  const unary = (op: UnaryOp, x: Arg) => node({ kind: "unary", op, compute: "float32", x });
  const binary = (op: BinaryOp, a: Arg, b: Arg) => node({ kind: "binary", op, compute: "float32", a, b });
  const values = inputs.map(arg);
  const write = (target: WebGPUStorage, value: Arg) => {
    const v = value instanceof LazyNode ? value : node({ kind: "copy", x: value });
    ctx.nodeLeaves.set(v, [...leaves]);
    lazyOps.makePending(ctx, target, v);
  };
  return { values, k, unary, binary, write };
}

function optimArgs(ctx: GpuContext, op: string, ...s: (Storage | null)[]): (WebGPUStorage | null)[] {
  const out = s.map((x) => (x === null ? null : ctx.operand(op, x)));
  return checkUpdateArgs(op, out);
}

/**
 * One Adam/AdamW step in place: updates `param`, `expAvg`, `expAvgSq` (and `maxExpAvgSq` with
 * amsgrad) from `grad`, computing exactly what `src/optim/adam.ts` computes with tensor ops, as
 * pending writes: the updates of all the parameters of a step run together (see
 * {@link batchWrites}).
 */
export function adamUpdate(
  ctx: GpuContext,
  param: Storage,
  grad: Storage,
  expAvg: Storage,
  expAvgSq: Storage,
  maxExpAvgSq: Storage | null,
  o: AdamUpdateOptions,
): void {
  checkUpdateState("adamUpdate", !!o.amsgrad, !!maxExpAvgSq);
  const [p, g, m, v, vmax] = optimArgs(
    ctx,
    "adamUpdate",
    param,
    grad,
    expAvg,
    expAvgSq,
    o.amsgrad ? maxExpAvgSq : null,
  );
  const n = p!.numel;
  // Every state written depends on every storage read.
  for (const t of [p, m, v, vmax]) if (t) checksOps.inherit(t, p, g, m, v, vmax);
  if (n === 0) return;
  const bias1 = 1 - o.beta1 ** o.step, bias2 = 1 - o.beta2 ** o.step;
  const inputs = vmax ? [p!, g!, m!, v!, vmax] : [p!, g!, m!, v!];
  const { values, k, unary, binary, write } = updateGraph(ctx, inputs);
  const [pv, gv, mv, vv, vmv] = values;
  let grad0 = o.maximize ? unary("neg", gv) : gv;
  let p0 = pv;
  if (o.weightDecay !== 0) {
    if (o.decoupled) p0 = binary("mul", pv, k(1 - o.lr * o.weightDecay));
    else grad0 = binary("add", grad0, binary("mul", pv, k(o.weightDecay)));
  }
  const m1 = binary("add", binary("mul", mv, k(o.beta1)), binary("mul", grad0, k(1 - o.beta1)));
  const v1 = binary(
    "add",
    binary("mul", vv, k(o.beta2)),
    binary("mul", binary("mul", grad0, k(1 - o.beta2)), grad0),
  );
  let second = v1;
  if (vmv) second = binary("maximum", vmv, v1);
  const denom = binary("add", binary("div", unary("sqrt", second), k(Math.sqrt(bias2))), k(o.eps));
  const p1 = binary("add", p0, binary("div", binary("mul", m1, k(-(o.lr / bias1))), denom));
  write(m!, m1);
  write(v!, v1);
  if (vmax) write(vmax, second);
  write(p!, p1);
}

/**
 * One SGD step in place on `param` (and `momentumBuffer` when momentum is not 0), computing
 * exactly what `src/optim/sgd.ts` computes with tensor ops, as pending writes (see
 * {@link adamUpdate}).
 */
export function sgdUpdate(
  ctx: GpuContext,
  param: Storage,
  grad: Storage,
  momentumBuffer: Storage | null,
  o: SgdUpdateOptions,
): void {
  const useMomentum = o.momentum !== 0;
  checkUpdateState("sgdUpdate", useMomentum, !!momentumBuffer);
  const [p, g, buf] = optimArgs(ctx, "sgdUpdate", param, grad, useMomentum ? momentumBuffer : null);
  const n = p!.numel;
  for (const t of [p, buf]) if (t) checksOps.inherit(t, p, g, buf);
  if (n === 0) return;
  const { values, k, unary, binary, write } = updateGraph(ctx, buf ? [p!, g!, buf] : [p!, g!]);
  const [pv, gv, bv] = values;
  let d = o.maximize ? unary("neg", gv) : gv;
  if (o.weightDecay !== 0) d = binary("add", d, binary("mul", pv, k(o.weightDecay)));
  if (buf) {
    let b = d;
    if (!o.firstStep) {
      const scaled = o.dampening !== 0 ? binary("mul", d, k(1 - o.dampening)) : d;
      b = binary("add", binary("mul", bv, k(o.momentum)), scaled);
    }
    write(buf, b);
    d = o.nesterov ? binary("add", d, binary("mul", b, k(o.momentum))) : b;
  }
  write(p!, binary("sub", pv, binary("mul", d, k(o.lr))));
}
