/**
 * The PyTorch golden fixtures of tests/ops_golden_test.ts: the format of tests/fixtures/ops.json (made by
 * tools/fixtures/ops_fixtures.py with PyTorch 1.13), the builders of a case's inputs on a device, and the
 * op table (fixture op name -> our call, in every form the fixture asks for: method, function, positional
 * or options).
 */
import * as torch from "../mod.ts";
import type { Device, DType, Tensor } from "../mod.ts";

export type Num = number | string;

export interface TensorSpec {
  shape: number[];
  dtype: DType;
  values: Num[];
  view?: { kind: string; dim?: number; shape?: number[]; dims?: number[]; start?: number };
  grad?: boolean;
}
export type InputSpec = TensorSpec | { scalar: Num } | { list: TensorSpec[] };
export interface OutSpec {
  shape: number[];
  dtype: DType;
  values: Num[];
}
export interface Case {
  id: string;
  op: string;
  form?: string;
  note?: string;
  inputs: InputSpec[];
  // deno-lint-ignore no-explicit-any
  kwargs: Record<string, any>;
  outs: OutSpec[];
  weights?: (Num[] | null)[];
  grads?: (Num[] | null | (Num[] | null)[])[];
}

export const fixture: { torch: string; cases: Case[] } = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/ops.json", import.meta.url)),
);

/** A fixture number: "nan"/"inf"/"-inf" as strings. */
export function num(v: Num): number {
  if (typeof v === "number") return v;
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  throw new Error(`bad fixture number ${v}`);
}

export type Arg = Tensor | number | Tensor[];
export type Result = Tensor | Tensor[];

export interface Built {
  arg: Arg;
  leaves: (Tensor | null)[] | Tensor | null;
}

export function buildTensor(spec: TensorSpec, device: Device): { leaf: Tensor; x: Tensor } {
  const base = torch.tensor(spec.values.map(num), { dtype: spec.dtype, device }).reshape(spec.shape);
  if (spec.grad) base.requiresGrad_(true);
  const v = spec.view;
  let x = base;
  if (v) {
    if (v.kind === "mT") x = base.ndim <= 2 ? base.T : base.mT;
    else if (v.kind === "step") {
      const specs: (string | number)[] = base.shape.map(() => ":");
      specs[v.dim! < 0 ? v.dim! + base.ndim : v.dim!] = "::2";
      x = base.index(...specs);
    } else if (v.kind === "expand") x = base.expand(v.shape!);
    else if (v.kind === "permute") x = base.permute(v.dims!);
    else if (v.kind === "offset") x = base.narrow(v.dim!, v.start!, base.shape[v.dim!] - v.start!);
    else throw new Error(`unknown view ${v.kind}`);
  }
  return { leaf: base, x };
}

export function buildInput(spec: InputSpec, device: Device): Built {
  if ("scalar" in spec) return { arg: num(spec.scalar), leaves: null };
  if ("list" in spec) {
    const items = spec.list.map((t) => buildTensor(t, device));
    return { arg: items.map((b) => b.x), leaves: items.map((b) => b.leaf) };
  }
  const b = buildTensor(spec, device);
  return { arg: b.x, leaves: b.leaf };
}

// ---- the op table: fixture op name -> our call ----

// deno-lint-ignore no-explicit-any
export type Kw = Record<string, any>;
/** An op's call; value-dependent selections answer asynchronously off the CPU. */
export type OpFn = (a: Arg[], kw: Kw, form: string) => Result | Promise<Result>;

export const T = (a: Arg) => a as Tensor;
export const TS = (a: Arg) => a as Tensor | number;

export type Bin = (a: Tensor | number, b: Tensor | number) => Tensor;
export function binary(method: (x: Tensor, y: Tensor | number) => Tensor, fn: Bin): OpFn {
  return (a, _kw, form) => {
    const [x, y] = [TS(a[0]), TS(a[1])];
    return form === "method" && typeof x !== "number" ? method(x, y) : fn(x, y);
  };
}
export function withAlpha(
  method: (x: Tensor, y: Tensor | number, o?: { alpha?: number }) => Tensor,
  fn: (x: Tensor | number, y: Tensor | number, o?: { alpha?: number }) => Tensor,
): OpFn {
  return (a, kw, form) => {
    const [x, y] = [TS(a[0]), TS(a[1])];
    const o = kw.alpha !== undefined ? { alpha: kw.alpha as number } : undefined;
    return form === "method" && typeof x !== "number" ? method(x, y, o) : fn(x, y, o);
  };
}
export function unary(method: (x: Tensor) => Tensor, fn: (x: Tensor) => Tensor): OpFn {
  return (a, _kw, form) => (form === "fn" ? fn(T(a[0])) : method(T(a[0])));
}

export type DimArg = number | number[];
export type RedM = (
  x: Tensor,
  dim?: DimArg | { dim?: DimArg; keepdim?: boolean },
  o?: { keepdim?: boolean },
) => Tensor;
/** A reduction called as x.op(dim, {keepdim}) ("pos"), x.op({dim, keepdim}) ("opts") or torch.op(x, dim, ...) ("fn"). */
export function reduction(method: RedM, fn: RedM): OpFn {
  return (a, kw, form) => {
    const x = T(a[0]);
    const f = form === "fn" ? fn : method;
    if (kw.dim === undefined || kw.dim === null) return f(x);
    if (form === "opts") return f(x, { dim: kw.dim, keepdim: kw.keepdim ?? false });
    return f(x, kw.dim, { keepdim: kw.keepdim ?? false });
  };
}

export function varLike(method: "var" | "std"): OpFn {
  return (a, kw, form) => {
    const x = T(a[0]);
    const o: { correction?: number; keepdim?: boolean; dim?: DimArg } = {};
    if (kw.correction !== undefined) o.correction = kw.correction;
    if (kw.keepdim !== undefined) o.keepdim = kw.keepdim;
    const call = (d?: DimArg | typeof o, opts?: typeof o) =>
      form === "fn"
        ? (method === "var" ? torch.var(x, d, opts) : torch.std(x, d, opts))
        : (method === "var" ? x.var(d, opts) : x.std(d, opts));
    if (kw.dim === undefined) return Object.keys(o).length ? call(o) : call();
    return form === "opts" ? call({ ...o, dim: kw.dim }) : call(kw.dim, o);
  };
}

export const pNum = (p: unknown): number => (p === undefined ? 2 : num(p as Num));

export const OPS: Record<string, OpFn> = {
  add: withAlpha((x, y, o) => x.add(y, o), torch.add),
  sub: withAlpha((x, y, o) => x.sub(y, o), torch.sub),
  mul: binary((x, y) => x.mul(y), torch.mul),
  div: binary((x, y) => x.div(y), torch.div),
  pow: binary((x, y) => x.pow(y), torch.pow),
  maximum: binary((x, y) => x.maximum(y), torch.maximum),
  minimum: binary((x, y) => x.minimum(y), torch.minimum),
  eq: binary((x, y) => x.eq(y), torch.eq),
  ne: binary((x, y) => x.ne(y), torch.ne),
  lt: binary((x, y) => x.lt(y), torch.lt),
  le: binary((x, y) => x.le(y), torch.le),
  gt: binary((x, y) => x.gt(y), torch.gt),
  ge: binary((x, y) => x.ge(y), torch.ge),

  neg: unary((x) => x.neg(), torch.neg),
  abs: unary((x) => x.abs(), torch.abs),
  exp: unary((x) => x.exp(), torch.exp),
  log: unary((x) => x.log(), torch.log),
  log1p: unary((x) => x.log1p(), torch.log1p),
  sqrt: unary((x) => x.sqrt(), torch.sqrt),
  rsqrt: unary((x) => x.rsqrt(), torch.rsqrt),
  sin: unary((x) => x.sin(), torch.sin),
  cos: unary((x) => x.cos(), torch.cos),
  tanh: unary((x) => x.tanh(), torch.tanh),
  sigmoid: unary((x) => x.sigmoid(), torch.sigmoid),
  relu: unary((x) => x.relu(), torch.relu),
  sign: unary((x) => x.sign(), torch.sign),
  floor: unary((x) => x.floor(), torch.floor),
  ceil: unary((x) => x.ceil(), torch.ceil),
  round: unary((x) => x.round(), torch.round),

  clamp: (a, kw) => T(a[0]).clamp(kw.min, kw.max),
  where: (a, _kw, form) =>
    form === "method" ? T(a[1]).where(T(a[0]), TS(a[2])) : torch.where(T(a[0]), TS(a[1]), TS(a[2])),
  maskedFill: (a, kw) => T(a[0]).maskedFill(T(a[1]), num(kw.value)),

  sum: reduction((x, d, o) => x.sum(d, o), torch.sum),
  mean: reduction((x, d, o) => x.mean(d, o), torch.mean),
  amax: reduction((x, d, o) => x.amax(d, o), torch.amax),
  amin: reduction((x, d, o) => x.amin(d, o), torch.amin),
  prod: reduction((x, d, o) => x.prod(d as number, o), (x, d, o) => torch.prod(x, d as number, o)),
  all: reduction((x, d, o) => x.all(d as number, o), (x, d, o) => torch.all(x, d as number, o)),
  any: reduction((x, d, o) => x.any(d as number, o), (x, d, o) => torch.any(x, d as number, o)),
  argmax: reduction((x, d, o) => x.argmax(d as number, o), (x, d, o) => torch.argmax(x, d as number, o)),
  argmin: reduction((x, d, o) => x.argmin(d as number, o), (x, d, o) => torch.argmin(x, d as number, o)),
  max: (a) => T(a[0]).max(),
  min: (a) => T(a[0]).min(),
  maxDim: (a, kw) => {
    const r = T(a[0]).max(kw.dim, { keepdim: kw.keepdim ?? false });
    return [r.values, r.indices];
  },
  minDim: (a, kw) => {
    const r = T(a[0]).min(kw.dim, { keepdim: kw.keepdim ?? false });
    return [r.values, r.indices];
  },
  var: varLike("var"),
  std: varLike("std"),
  logsumexp: (a, kw) => T(a[0]).logsumexp(kw.dim, { keepdim: kw.keepdim ?? false }),
  softmax: (a, kw) => T(a[0]).softmax(kw.dim),
  logSoftmax: (a, kw) => T(a[0]).logSoftmax(kw.dim),
  norm: (a, kw) => T(a[0]).norm(pNum(kw.p), kw.dim, { keepdim: kw.keepdim ?? false }),
  cumsum: (a, kw) => T(a[0]).cumsum(kw.dim),

  view: (a, kw) => T(a[0]).view(kw.shape),
  reshape: (a, kw) => T(a[0]).reshape(kw.shape),
  transpose: (a, kw) => T(a[0]).transpose(kw.dim0, kw.dim1),
  T: (a) => T(a[0]).T,
  mT: (a) => T(a[0]).mT,
  t: (a) => T(a[0]).t(),
  permute: (a, kw) => T(a[0]).permute(kw.dims),
  squeeze: (a, kw) => T(a[0]).squeeze(kw.dim),
  unsqueeze: (a, kw) => T(a[0]).unsqueeze(kw.dim),
  expand: (a, kw) => T(a[0]).expand(kw.shape),
  flatten: (a, kw) => T(a[0]).flatten(kw.startDim, kw.endDim),
  unflatten: (a, kw) => T(a[0]).unflatten(kw.dim, kw.sizes),
  narrow: (a, kw) => T(a[0]).narrow(kw.dim, kw.start, kw.length),
  index: (a, kw) => T(a[0]).index(...kw.specs),
  contiguous: (a) => T(a[0]).contiguous(),
  clone: (a) => T(a[0]).clone(),
  split: (a, kw) => T(a[0]).split(kw.splitSize, kw.dim),
  chunk: (a, kw) => T(a[0]).chunk(kw.chunks, kw.dim),
  unbind: (a, kw) => T(a[0]).unbind(kw.dim),
  flip: (a, kw) => T(a[0]).flip(kw.dims),
  tril: (a, kw) => T(a[0]).tril(kw.diagonal),
  triu: (a, kw) => T(a[0]).triu(kw.diagonal),

  gather: (a, kw) => T(a[0]).gather(kw.dim, T(a[1])),
  indexSelect: (a, kw) => T(a[0]).indexSelect(kw.dim, T(a[1])),
  scatterAdd: (a, kw) => T(a[0]).scatterAdd(kw.dim, T(a[1]), T(a[2])),
  cat: (a, kw) => torch.cat(a[0] as Tensor[], kw.dim),
  stack: (a, kw) => torch.stack(a[0] as Tensor[], kw.dim),
  oneHot: (a, kw) => torch.oneHot(T(a[0]), kw.numClasses),

  matmul: (a) => T(a[0]).matmul(T(a[1])),
  mm: (a) => T(a[0]).mm(T(a[1])),
  bmm: (a) => T(a[0]).bmm(T(a[1])),
  dot: (a) => T(a[0]).dot(T(a[1])),
  outer: (a) => T(a[0]).outer(T(a[1])),

  repeat: (a, kw, form) => form === "fn" ? torch.repeat(T(a[0]), kw.sizes) : T(a[0]).repeat(...kw.sizes),
  tile: (a, kw, form) => form === "fn" ? torch.tile(T(a[0]), kw.dims) : T(a[0]).tile(kw.dims),
  repeatInterleave: (a, kw, form) =>
    form === "fn"
      ? torch.repeatInterleave(T(a[0]), kw.repeats, kw.dim)
      : T(a[0]).repeatInterleave(kw.repeats, kw.dim),
  meshgrid: (a, kw) => torch.meshgrid(a[0] as Tensor[], { indexing: kw.indexing }),
  padSequence: (a, kw) =>
    torch.nn.utils.rnn.padSequence(a[0] as Tensor[], {
      batchFirst: kw.batchFirst,
      paddingValue: kw.paddingValue,
    }),
  roll: (a, kw, form) =>
    form === "fn" ? torch.roll(T(a[0]), kw.shifts, kw.dims) : T(a[0]).roll(kw.shifts, kw.dims),
  movedim: (a, kw, form) =>
    form === "fn"
      ? torch.movedim(T(a[0]), kw.source, kw.destination)
      : T(a[0]).movedim(kw.source, kw.destination),
  swapaxes: (a, kw) => T(a[0]).swapaxes(kw.axis0, kw.axis1),
  diagonal: (a, kw, form) =>
    form === "fn"
      ? torch.diagonal(T(a[0]), kw.offset, kw.dim1, kw.dim2)
      : T(a[0]).diagonal(kw.offset, kw.dim1, kw.dim2),
  diag: (a, kw, form) => form === "fn" ? torch.diag(T(a[0]), kw.diagonal) : T(a[0]).diag(kw.diagonal),
  trace: unary((x) => x.trace(), torch.trace),
  isnan: unary((x) => x.isnan(), torch.isnan),
  isinf: unary((x) => x.isinf(), torch.isinf),
  isposinf: unary((x) => x.isposinf(), torch.isposinf),
  isneginf: unary((x) => x.isneginf(), torch.isneginf),
  isfinite: unary((x) => x.isfinite(), torch.isfinite),
  logicalNot: unary((x) => x.logicalNot(), torch.logicalNot),
  logicalAnd: (a, _kw, form) =>
    form === "fn" ? torch.logicalAnd(T(a[0]), T(a[1])) : T(a[0]).logicalAnd(T(a[1])),
  logicalOr: (a, _kw, form) => form === "fn" ? torch.logicalOr(T(a[0]), T(a[1])) : T(a[0]).logicalOr(T(a[1])),
  logicalXor: (a, _kw, form) =>
    form === "fn" ? torch.logicalXor(T(a[0]), T(a[1])) : T(a[0]).logicalXor(T(a[1])),
  isclose: (a, kw, form) =>
    form === "fn" ? torch.isclose(T(a[0]), T(a[1]), kw) : T(a[0]).isclose(T(a[1]), kw),
  trunc: unary((x) => x.trunc(), torch.trunc),
  frac: unary((x) => x.frac(), torch.frac),
  tan: unary((x) => x.tan(), torch.tan),
  log2: unary((x) => x.log2(), torch.log2),
  log10: unary((x) => x.log10(), torch.log10),
  exp2: unary((x) => x.exp2(), torch.exp2),
  expm1: unary((x) => x.expm1(), torch.expm1),
  lerp: (a, _kw, form) =>
    form === "fn" ? torch.lerp(T(a[0]), T(a[1]), TS(a[2])) : T(a[0]).lerp(T(a[1]), TS(a[2])),
  addcmul: (a, kw, form) =>
    form === "fn" ? torch.addcmul(T(a[0]), T(a[1]), T(a[2]), kw) : T(a[0]).addcmul(T(a[1]), T(a[2]), kw),
  addcdiv: (a, kw, form) =>
    form === "fn" ? torch.addcdiv(T(a[0]), T(a[1]), T(a[2]), kw) : T(a[0]).addcdiv(T(a[1]), T(a[2]), kw),

  sort: (a, kw, form) => {
    const x = T(a[0]);
    const o = { descending: kw.descending ?? false };
    const r = form === "fn"
      ? torch.sort(x, kw.dim ?? -1, o)
      : form === "opts"
      ? x.sort({ ...o, dim: kw.dim })
      : x.sort(kw.dim, o);
    return [r.values, r.indices];
  },
  argsort: (a, kw, form) =>
    form === "fn"
      ? torch.argsort(T(a[0]), kw.dim ?? -1, { descending: kw.descending })
      : T(a[0]).argsort({ dim: kw.dim, descending: kw.descending }),
  topk: (a, kw, form) => {
    const x = T(a[0]);
    const o = { largest: kw.largest ?? true };
    const r = form === "fn"
      ? torch.topk(x, kw.k, kw.dim ?? -1, o)
      : form === "opts"
      ? x.topk(kw.k, { ...o, dim: kw.dim })
      : x.topk(kw.k, kw.dim, o);
    return [r.values, r.indices];
  },

  // The synchronous forms on the CPU, the async ones elsewhere (the sync ones refuse GPU tensors).
  maskedSelect: (a, _kw, form) => {
    const [x, m] = [T(a[0]), T(a[1])];
    if (x.device !== "cpu") return form === "fn" ? torch.maskedSelectAsync(x, m) : x.maskedSelectAsync(m);
    return form === "fn" ? torch.maskedSelect(x, m) : x.maskedSelect(m);
  },
  nonzero: (a, _kw, form) => {
    const x = T(a[0]);
    if (x.device !== "cpu") return form === "fn" ? torch.nonzeroAsync(x) : x.nonzeroAsync();
    return form === "fn" ? torch.nonzero(x) : x.nonzero();
  },
  countNonzero: (a, kw, form) =>
    form === "fn" ? torch.countNonzero(T(a[0]), kw.dim) : T(a[0]).countNonzero(kw.dim),

  einsum: (a, kw) => torch.einsum(kw.equation, ...(a as Tensor[])),

  binaryCrossEntropy: (a, kw) => torch.F.binaryCrossEntropy(T(a[0]), TS(a[1]), { reduction: kw.reduction }),
  to: (a, kw) => T(a[0]).to(kw.dtype as DType),
};
