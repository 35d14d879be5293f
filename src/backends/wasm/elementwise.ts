/**
 * The CPU backend's Unary, binary and where launchers (kernels in assembly/elementwise.ts, float64.ts and numerics.ts).
 * Free functions of the backend's {@link WasmKernels}.
 * @module
 */
import { type ComputeDType, ITEM_SIZE, typedArrayFor } from "../../dtype.ts";
import type { BinaryOp, Operand, Storage, UnaryOp } from "../backend.ts";
import { binaryContract, checkOperand, unaryContract, whereContract } from "../contract.ts";
import type { WasmKernels } from "./kernels.ts";
import { WasmStorage } from "./heap.ts";
import { CHEAP_UNARY, checkStorage, kernelName, lcm, NS, X_NAME } from "./shared.ts";

export function unary(ctx: WasmKernels, op: UnaryOp, x: Storage): WasmStorage {
  const s = checkStorage("unary", x);
  const { dtype, numel: n } = unaryContract(op, s);
  if (n === 0) return ctx.zeros(dtype);
  ctx.plan(op, dtype, n, s);
  const helpers = ctx.helpers(n * (CHEAP_UNARY.has(op) ? NS.cheap : NS.transcendental));
  return ctx.call(() => {
    const xp = ctx.input(s);
    const [out, outPtr] = ctx.output(dtype, n);
    const name = kernelName(op, dtype);
    if (helpers === 0) ctx.fn(name)(xp, outPtr, n);
    else {
      const is = ITEM_SIZE[dtype];
      ctx.splitRun(name, helpers, n, 16, (f, t) => [xp + f * is, outPtr + f * is, t - f]);
    }
    return out;
  });
}

export function binary(
  ctx: WasmKernels,
  op: BinaryOp,
  a: Operand,
  b: Operand,
  numel: number,
  dtype: ComputeDType,
): WasmStorage {
  const outDtype = binaryContract(op, numel, dtype).dtype;
  const isCmp = outDtype === "bool";
  if (numel === 0) return ctx.zeros(outDtype);
  const checked = (x: Operand, which: string): WasmStorage | number => {
    if (typeof x === "number") return x;
    return checkOperand(op, checkStorage(op, x), which, dtype, numel);
  };
  const ca = checked(a, "a"), cb = checked(b, "b");
  ctx.plan(op, outDtype, numel, ca, cb);
  // Split points must be multiples of both operands' tile lengths (a tile restarts at each).
  const tile = (x: WasmStorage | number) => typeof x === "number" || x.numel === numel ? 1 : x.numel;
  const align = lcm(lcm(16, tile(ca)), tile(cb));
  const helpers = align * 2 <= numel ? ctx.helpers(numel * (op === "pow" ? NS.pow : NS.cheap)) : 0;
  return ctx.call(() => {
    const place = (x: WasmStorage | number): [number, number] => {
      if (typeof x !== "number") return [ctx.input(x), x.numel];
      const p = ctx.heap.temp(ITEM_SIZE[dtype]);
      ctx.view(dtype, p, 1)[0] = dtype === "int32" && !Number.isFinite(x) ? 0 : x;
      return [p, 1];
    };
    const [ap, aLen] = place(ca);
    const [bp, bLen] = place(cb);
    const [out, outPtr] = ctx.output(outDtype, numel);
    const name = kernelName(op, dtype);
    if (helpers === 0) ctx.fn(name)(ap, aLen, bp, bLen, outPtr, numel);
    else {
      const is = ITEM_SIZE[dtype], os = isCmp ? 1 : is;
      const part = (p: number, len: number, f: number, t: number) =>
        len === numel ? [p + f * is, t - f] : [p, len];
      ctx.splitRun(name, helpers, numel, align, (f, t) => [
        ...part(ap, aLen, f, t),
        ...part(bp, bLen, f, t),
        outPtr + f * os,
        t - f,
      ]);
    }
    return out;
  });
}

export function where(ctx: WasmKernels, cond: Storage, a: Storage, b: Storage): WasmStorage {
  const c = checkStorage("where", cond), x = checkStorage("where", a), y = checkStorage("where", b);
  const n = whereContract(c, x, y).numel;
  if (n === 0) return new WasmStorage(x.dtype, typedArrayFor(x.dtype, 0));
  const size = ITEM_SIZE[x.dtype];
  ctx.plan("where", x.dtype, n, c, x, y);
  const helpers = ctx.helpers(n * NS.cheap);
  return ctx.call(() => {
    const cp = ctx.input(c), ap = ctx.input(x), bp = ctx.input(y);
    const [out, outPtr] = ctx.output(x.dtype, n);
    const name = `where_${X_NAME[size]}`;
    if (helpers === 0) ctx.fn(name)(cp, ap, bp, outPtr, n);
    else {
      ctx.splitRun(
        name,
        helpers,
        n,
        64,
        (f, t) => [cp + f, ap + f * size, bp + f * size, outPtr + f * size, t - f],
      );
    }
    return out;
  });
}
