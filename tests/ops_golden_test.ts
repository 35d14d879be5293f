/**
 * Every op against PyTorch: the cases of tests/fixtures/ops.json (made by
 * tools/fixtures/ops_fixtures.py with PyTorch 1.13) are run through edgetorch and their values,
 * shapes, dtypes and gradients compared. One Deno test per op; a test runs all its cases and
 * reports every failing case at once.
 *
 * Tolerances (|actual - expected| <= atol + rtol * |expected|):
 * - exact ops (arithmetic, comparisons, movement, selection, rounding, clamp): rtol 1e-5, atol 1e-6
 *   (fixture values carry 7 significant digits).
 * - transcendental functions and what is built on them (exp, log, log1p, sqrt, rsqrt, sin, cos,
 *   tanh, sigmoid, pow, softmax, logSoftmax, logsumexp, norm, var, std, binaryCrossEntropy):
 *   rtol 1e-4, atol 1e-5 (our SIMD approximations vs. PyTorch's vectorised ones).
 * - reductions and products over many elements (sum, mean, prod, cumsum, matmul, mm, bmm, dot):
 *   rtol 1e-5, atol 1e-4 (the summation order differs).
 * - float16 results: rtol 2e-3, atol 1e-3 (one half-precision ulp).
 * - gradients: rtol 1e-4, atol 1e-5, or the op's looser value tolerance.
 *
 * Every test runs on both devices (tests/devices.ts): `[cpu]` on the wasm backend, `[gpu]` on the
 * WebGPU backend with inputs created on the GPU and results read with `dataAsync()`. On the GPU a
 * case is checked twice: against PyTorch with the tolerance above widened by the op's GPU
 * tolerance, and against the CPU backend's own result for the same case with the GPU tolerance
 * (GPU_TOL, one table, below):
 * - exact ops: rtol 1e-5, atol 1e-6 as above (broadcast gradients are sums in another order).
 * - transcendental functions and what is built on them: rtol 1e-5, atol 1e-6 (WGSL's exp, log,
 *   sin, tanh, pow on llvmpipe differ from the CPU's polynomials by a few ulp; measured at most
 *   2 ulp on the fixtures, 5e-6 absolute through logSoftmax's gradient).
 * - reductions and products: rtol 1e-5, atol 1e-5 (workgroup tree order; measured at most 1e-5
 *   absolute, on cumsum/sum of values near 100).
 * Cases that fail on the GPU by design are listed in GPU_EXPECTED_ERRORS with the error expected.
 * The sweeps run their full size on both devices (their read-backs are awaited together).
 */
import * as torch from "../mod.ts";
import type { Device, DType, Tensor } from "../mod.ts";
import { assert, assertCloseAsync, assertRejectsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

type Num = number | string;

interface TensorSpec {
  shape: number[];
  dtype: DType;
  values: Num[];
  view?: { kind: string; dim?: number; shape?: number[]; dims?: number[]; start?: number };
  grad?: boolean;
}
type InputSpec = TensorSpec | { scalar: Num } | { list: TensorSpec[] };
interface OutSpec {
  shape: number[];
  dtype: DType;
  values: Num[];
}
interface Case {
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

const fixture: { torch: string; cases: Case[] } = JSON.parse(
  Deno.readTextFileSync(new URL("./fixtures/ops.json", import.meta.url)),
);

/** A fixture number: "nan"/"inf"/"-inf" as strings. */
function num(v: Num): number {
  if (typeof v === "number") return v;
  if (v === "nan") return NaN;
  if (v === "inf") return Infinity;
  if (v === "-inf") return -Infinity;
  throw new Error(`bad fixture number ${v}`);
}

type Arg = Tensor | number | Tensor[];
type Result = Tensor | Tensor[];

interface Built {
  arg: Arg;
  leaves: (Tensor | null)[] | Tensor | null;
}

function buildTensor(spec: TensorSpec, device: Device): { leaf: Tensor; x: Tensor } {
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

function buildInput(spec: InputSpec, device: Device): Built {
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
type Kw = Record<string, any>;
/** An op's call; value-dependent selections answer asynchronously off the CPU. */
type OpFn = (a: Arg[], kw: Kw, form: string) => Result | Promise<Result>;

const T = (a: Arg) => a as Tensor;
const TS = (a: Arg) => a as Tensor | number;

type Bin = (a: Tensor | number, b: Tensor | number) => Tensor;
function binary(method: (x: Tensor, y: Tensor | number) => Tensor, fn: Bin): OpFn {
  return (a, _kw, form) => {
    const [x, y] = [TS(a[0]), TS(a[1])];
    return form === "method" && typeof x !== "number" ? method(x, y) : fn(x, y);
  };
}
function withAlpha(
  method: (x: Tensor, y: Tensor | number, o?: { alpha?: number }) => Tensor,
  fn: (x: Tensor | number, y: Tensor | number, o?: { alpha?: number }) => Tensor,
): OpFn {
  return (a, kw, form) => {
    const [x, y] = [TS(a[0]), TS(a[1])];
    const o = kw.alpha !== undefined ? { alpha: kw.alpha as number } : undefined;
    return form === "method" && typeof x !== "number" ? method(x, y, o) : fn(x, y, o);
  };
}
function unary(method: (x: Tensor) => Tensor, fn: (x: Tensor) => Tensor): OpFn {
  return (a, _kw, form) => (form === "fn" ? fn(T(a[0])) : method(T(a[0])));
}

type DimArg = number | number[];
type RedM = (
  x: Tensor,
  dim?: DimArg | { dim?: DimArg; keepdim?: boolean },
  o?: { keepdim?: boolean },
) => Tensor;
/** A reduction called as x.op(dim, {keepdim}) ("pos"), x.op({dim, keepdim}) ("opts") or torch.op(x, dim, ...) ("fn"). */
function reduction(method: RedM, fn: RedM): OpFn {
  return (a, kw, form) => {
    const x = T(a[0]);
    const f = form === "fn" ? fn : method;
    if (kw.dim === undefined || kw.dim === null) return f(x);
    if (form === "opts") return f(x, { dim: kw.dim, keepdim: kw.keepdim ?? false });
    return f(x, kw.dim, { keepdim: kw.keepdim ?? false });
  };
}

function varLike(method: "var" | "std"): OpFn {
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

const pNum = (p: unknown): number => (p === undefined ? 2 : num(p as Num));

const OPS: Record<string, OpFn> = {
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

// ---- tolerances ----

interface Tol {
  rtol: number;
  atol: number;
}
const EXACT: Tol = { rtol: 1e-5, atol: 1e-6 };
const TRANSCENDENTAL: Tol = { rtol: 1e-4, atol: 1e-5 };
const SUMMING: Tol = { rtol: 1e-5, atol: 1e-4 };
const HALF: Tol = { rtol: 2e-3, atol: 1e-3 };
const GRAD: Tol = { rtol: 1e-4, atol: 1e-5 };

const OP_TOL: Record<string, Tol> = {};
for (
  const op of [
    "exp",
    "log",
    "log1p",
    "sqrt",
    "rsqrt",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "pow",
    "softmax",
    "logSoftmax",
    "logsumexp",
    "norm",
    "var",
    "std",
    "binaryCrossEntropy",
    "tan",
    "log2",
    "log10",
    "exp2",
    "lerp",
    "addcdiv",
  ]
) OP_TOL[op] = TRANSCENDENTAL;
// Its point is accuracy near 0, which an absolute tolerance of 1e-5 would not see.
OP_TOL.expm1 = { rtol: 1e-4, atol: 1e-12 };
for (const op of ["sum", "mean", "prod", "cumsum", "matmul", "mm", "bmm", "dot", "einsum"]) {
  OP_TOL[op] = SUMMING;
}

/**
 * GPU tolerances, per op: how far a result (or gradient) on the WebGPU backend may be from the
 * CPU backend's for the same case (and how much the PyTorch tolerance above widens on the GPU).
 * Ops not listed must agree to EXACT. WGSL's exp/log/sin/cos/tanh/pow on llvmpipe differ from
 * the CPU's polynomials by a few ulp; reductions, products and softmax add in another order.
 */
const GPU_TOL: Record<string, Tol> = {};
const GPU_TRANSCENDENTAL: Tol = { rtol: 1e-5, atol: 1e-6 };
const GPU_SUMMING: Tol = { rtol: 1e-5, atol: 1e-5 };
for (
  const op of [
    "exp",
    "log",
    "log1p",
    "sqrt",
    "rsqrt",
    "sin",
    "cos",
    "tanh",
    "sigmoid",
    "pow",
    "softmax",
    "logSoftmax",
    "logsumexp",
    "norm",
    "var",
    "std",
    "binaryCrossEntropy",
    "tan",
    "log2",
    "log10",
    "exp2",
  ]
) GPU_TOL[op] = GPU_TRANSCENDENTAL;
GPU_TOL.expm1 = { rtol: 1e-5, atol: 1e-12 };
for (const op of ["sum", "mean", "prod", "cumsum", "matmul", "mm", "bmm", "dot", "einsum"]) {
  GPU_TOL[op] = GPU_SUMMING;
}

/**
 * Cases that fail on the GPU by design, with the error they give there instead. `oneHot` without
 * `numClasses` finds it by reading the values (PyTorch's CUDA path synchronises for it); on our
 * GPU that would be a hidden read-back inside an op, so it asks for `numClasses` instead.
 */
const GPU_EXPECTED_ERRORS: Record<string, RegExp> = {
  "oneHot#2": /numClasses must be given for tensors that are not on the CPU/,
};

/** The GPU tolerance of `op` (EXACT when the table has no row). */
function gpuTol(op: string): Tol {
  return GPU_TOL[op] ?? EXACT;
}

function looser(a: Tol, b: Tol): Tol {
  return { rtol: Math.max(a.rtol, b.rtol), atol: Math.max(a.atol, b.atol) };
}

// ---- running a case ----

function describe(c: Case): string {
  const ins = c.inputs.map((i) => {
    if ("scalar" in i) return String(i.scalar);
    const one = (t: TensorSpec) => `${t.dtype}[${t.shape}]${t.view ? `.${t.view.kind}` : ""}`;
    return "list" in i ? `[${i.list.map(one).join(", ")}]` : one(i);
  });
  return `${c.id} (${c.note ?? ""}; ${c.form ?? ""}; inputs ${ins.join(", ")}; kwargs ${
    JSON.stringify(c.kwargs)
  })`;
}

/** The values a case produced (outputs, then gradients), by label, for comparing devices. */
type CaseValues = Map<string, number[]>;

async function checkTensor(
  actual: Tensor,
  exp: OutSpec,
  tol: Tol,
  what: string,
  seen: CaseValues,
): Promise<void> {
  assert.ok(actual instanceof torch.Tensor, `${what}: expected a tensor, got ${typeof actual}`);
  assert.deepEqual([...actual.shape], exp.shape, `${what}: shape`);
  assert.equal(actual.dtype, exp.dtype, `${what}: dtype`);
  const t = exp.dtype === "float16" ? looser(tol, HALF) : tol;
  const values = Array.from(await actual.dataAsync());
  seen.set(what, values);
  await assertCloseAsync(values, Float64Array.from(exp.values.map(num)), { ...t, msg: what });
}

/**
 * Runs one case on `device`, checking every output and gradient against PyTorch's values with
 * the op's tolerance (widened by its GPU tolerance off the CPU). Returns what it computed.
 */
async function runCase(c: Case, device: Device): Promise<CaseValues> {
  const seen: CaseValues = new Map();
  const fn = OPS[c.op];
  if (!fn) throw new Error(`no runner for op ${c.op}`);
  const built = c.inputs.map((i) => buildInput(i, device));
  const res = await fn(built.map((b) => b.arg), c.kwargs, c.form ?? "method");
  const outs = Array.isArray(res) ? res : [res];
  assert.equal(outs.length, c.outs.length, "number of outputs");
  for (const o of outs) assert.equal(o.device, device, "result device");
  const tol = device === "cpu" ? OP_TOL[c.op] ?? EXACT : looser(OP_TOL[c.op] ?? EXACT, gpuTol(c.op));
  for (let i = 0; i < outs.length; i++) await checkTensor(outs[i], c.outs[i], tol, `output ${i}`, seen);
  if (!c.grads || !c.weights) return seen;
  let loss: Tensor | null = null;
  c.weights.forEach((w, i) => {
    if (w === null) return;
    // PyTorch marks every float result of an op on inputs requiring grad, empty ones included.
    assert.ok(outs[i].requiresGrad, `output ${i} does not require grad (no gradFn recorded)`);
    if (outs[i].numel() === 0) return;
    const wt = torch.tensor(w.map(num), { dtype: "float32", device }).reshape(c.outs[i].shape);
    const term = outs[i].mul(wt).sum();
    loss = loss === null ? term : loss.add(term);
  });
  if (loss === null) return seen; // only empty outputs: nothing flows back
  (loss as Tensor).backward();
  const gtol = looser(GRAD, tol);
  const check = async (leaf: Tensor, g: Num[], what: string) => {
    const actual = leaf.grad ?? torch.zerosLike(leaf);
    assert.deepEqual([...actual.shape], [...leaf.shape], `${what}: shape`);
    assert.equal(actual.device, device, `${what}: device`);
    const values = Array.from(await actual.dataAsync());
    seen.set(what, values);
    await assertCloseAsync(values, Float64Array.from(g.map(num)), { ...gtol, msg: what });
  };
  for (let i = 0; i < c.grads.length; i++) {
    const g = c.grads[i];
    if (g === null) continue;
    const leaves = built[i].leaves;
    if (Array.isArray(leaves)) {
      const gs = g as (Num[] | null)[];
      for (let j = 0; j < gs.length; j++) {
        if (gs[j] !== null) await check(leaves[j]!, gs[j]!, `grad of input ${i}[${j}]`);
      }
    } else await check(leaves as Tensor, g as Num[], `grad of input ${i}`);
  }
  return seen;
}

/**
 * The GPU half of a case: the case against PyTorch on the GPU, then every value against what the
 * CPU backend computed for the same case, within the op's GPU tolerance.
 */
async function runCaseOnGpu(c: Case): Promise<void> {
  const expected = GPU_EXPECTED_ERRORS[c.id];
  if (expected) {
    await assertRejectsMsg(() => runCase(c, "gpu"), expected);
    return;
  }
  const gpu = await runCase(c, "gpu");
  let cpu: CaseValues;
  try {
    cpu = await runCase(c, "cpu");
  } catch {
    return; // the CPU variant of this test reports it
  }
  const tol = gpuTol(c.op);
  for (const [what, values] of gpu) {
    const want = cpu.get(what);
    assert.ok(want, `${what}: the CPU backend produced no such value`);
    await assertCloseAsync(values, want, { ...tol, msg: `${what} vs the CPU backend` });
  }
}

/** Library bugs found by this suite (diagnosis and where), referenced by KNOWN_BUGS. */
const BUGS = {
  B1:
    "ops whose result is empty return emptyResult() before record(): the result of an op on an empty tensor " +
    "requiring grad does not require grad (src/ops/elementwise.ts unaryOp/binaryOp/clamp/where, " +
    "src/ops/reduce.ts softmaxLike/cumsum, src/ops/indexing.ts gather/indexSelect)",
  B2:
    "pow(number, tensor) backward crashes: the pow row of src/autograd/derivatives.ts calls ew.eq(a, 0) and " +
    "ew.log(a) on the JS number base",
  B3: "d/da a**b at a = 0, b = 0 is NaN (0 * 0**-1); PyTorch masks it to 0 where b == 0 (pow row, " +
    "src/autograd/derivatives.ts)",
  B4: "prod backward is g * prod / x: NaN for zero elements; PyTorch gives the product of the others " +
    "(prod row, src/autograd/derivatives.ts)",
  B5:
    "max(dim)/min(dim) backward on a 0-d input crashes: scatterAddInto sets kernelShape[dim] = shape[dim] " +
    "= undefined for shape [] (src/ops/indexing.ts)",
  B6: "flip of a 0-d tensor crashes (arange(undefined - 1, ...) in src/ops/indexing.ts flip); cumsum's " +
    "backward on 0-d uses flip",
  B7:
    "all/any over an empty dim throw: logical() in src/ops/reduce.ts calls runReduce (which refuses empty " +
    "min/max) before its empty-input check",
  B8: "all/any of uint8 return bool; PyTorch keeps uint8 (src/ops/reduce.ts logical)",
  B9:
    "scatterAdd with src larger than index along dim crashes ('layout ... does not match'): scatterAddInto " +
    "narrows src only on the other dims (src/ops/indexing.ts narrowOthers)",
  B10: "norm(p = 0) records no grad_fn; PyTorch's result requires grad (gradient 0) (src/ops/reduce.ts norm)",
};

/**
 * Cases that fail because of a library bug found by this suite. They stay in the suite, failing,
 * until the library is fixed; the failure message names the bug.
 */
const KNOWN_BUGS: Record<string, keyof typeof BUGS> = {};
for (
  const id of (
    "add#14 add#15 sub#14 sub#15 mul#14 mul#15 div#14 div#15 pow#14 pow#15 maximum#14 maximum#15 minimum#14 " +
    "minimum#15 neg#3 abs#3 exp#3 log#3 log1p#3 sqrt#3 rsqrt#3 sin#3 cos#3 tanh#3 sigmoid#3 relu#3 sign#3 floor#3 " +
    "ceil#3 round#3 clamp#8 where#10 mean#25 softmax#8 logSoftmax#8 cumsum#8 tril#7 triu#7 gather#9 " +
    "indexSelect#7 outer#2"
  ).split(" ")
) KNOWN_BUGS[id] = "B1";
Object.assign(KNOWN_BUGS, {
  "pow#21": "B2",
  "pow#22": "B2",
  "pow#29": "B3",
  "prod#8": "B4",
  "prod#9": "B4",
  "maxDim#8": "B5",
  "minDim#8": "B5",
  "cumsum#7": "B6",
  "all#11": "B7",
  "all#12": "B7",
  "any#11": "B7",
  "any#12": "B7",
  "all#14": "B8",
  "any#14": "B8",
  "scatterAdd#3": "B9",
  "norm#11": "B10",
  "norm#12": "B10",
});

const byOp = new Map<string, Case[]>();
for (const c of fixture.cases) {
  if (!byOp.has(c.op)) byOp.set(c.op, []);
  byOp.get(c.op)!.push(c);
}

Deno.test("golden fixtures: every fixture op has a runner", () => {
  const missing = [...byOp.keys()].filter((op) => !(op in OPS));
  assert.deepEqual(missing, []);
  assert.ok(fixture.cases.length > 900, `only ${fixture.cases.length} cases`);
});

for (const [op, cases] of byOp) {
  deviceTest(`golden ${op}: ${cases.length} cases against PyTorch ${fixture.torch}`, async (device) => {
    const run = async (c: Case): Promise<string | null> => {
      try {
        if (device === "cpu") await runCase(c, device);
        else await runCaseOnGpu(c);
        return null;
      } catch (e) {
        const b = KNOWN_BUGS[c.id];
        const bug = b ? ` [LIBRARY BUG ${b}: ${BUGS[b]}]` : "";
        const msg = e instanceof Error ? e.message.split("\n").slice(0, 6).join(" | ") : String(e);
        return `${describe(c)}${bug}:\n    ${msg}`;
      }
    };
    // On the GPU the cases run concurrently, so their read-backs overlap (each waits several
    // milliseconds for the queue; no case reads anything another case writes).
    const results = device === "cpu"
      ? await cases.reduce(
        async (acc, c) => [...await acc, await run(c)],
        Promise.resolve([] as (string | null)[]),
      )
      : await Promise.all(cases.map(run));
    const failures = results.filter((r): r is string => r !== null);
    if (failures.length) {
      assert.fail(`${failures.length}/${cases.length} cases failed:\n${failures.join("\n")}`);
    }
  });
}

// ---- sweeps against a float64 reference in JS: tile and SIMD-tail edges of the kernels ----

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

function randT(shape: number[], r: () => number, device: Device): { t: Tensor; v: Float32Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = Float32Array.from({ length: n }, r);
  return { t: torch.tensor(v, { device }).reshape(shape), v };
}

deviceTest(
  "sweep: matmul over tile-edge sizes, transposed operands and batches vs a float64 reference",
  async (device) => {
    const r = lcg(7);
    const sizes = [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33];
    const failures: string[] = [];
    const reads: Promise<void>[] = [];
    for (const m of sizes) {
      for (const k of [1, 3, 4, 8, 13, 32, 65]) {
        for (const n of sizes) {
          if ((m * k * n) % 3 !== 0 && m > 4 && n > 4) continue; // thin the grid, keep every edge
          for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
            const A = randT(ta ? [k, m] : [m, k], r, device), B = randT(tb ? [n, k] : [k, n], r, device);
            const a = ta ? A.t.T : A.t, b = tb ? B.t.T : B.t;
            const at = (i: number, p: number) => (ta ? A.v[p * m + i] : A.v[i * k + p]);
            const bt = (p: number, j: number) => (tb ? B.v[j * k + p] : B.v[p * n + j]);
            const want = new Float64Array(m * n);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) {
                let s = 0;
                for (let p = 0; p < k; p++) s += at(i, p) * bt(p, j);
                want[i * n + j] = s;
              }
            }
            const label = `[${m}, ${k}] @ [${k}, ${n}] transA ${ta} transB ${tb}`;
            try {
              const got = a.matmul(b);
              assert.deepEqual([...got.shape], [m, n]);
              // Awaited together below: the GPU read-backs overlap instead of queueing one by one.
              reads.push(
                assertCloseAsync(got, want, { rtol: 1e-5, atol: 1e-5 }).catch((e) => {
                  failures.push(`${label}: ${(e as Error).message}`);
                }),
              );
            } catch (e) {
              failures.push(`${label}: ${(e as Error).message}`);
            }
          }
        }
      }
    }
    await Promise.all(reads);
    // batched with broadcast batch dims and a transposed rhs
    for (const [ba, bb] of [[[3], [3]], [[2, 1], [3]], [[1], [4]], [[2, 3], [1, 3]]]) {
      const m = 5, k = 9, n = 7;
      const A = randT([...ba, m, k], r, device), B = randT([...bb, n, k], r, device);
      const got = A.t.matmul(B.t.mT);
      const batch = ba.length >= bb.length
        ? ba.map((d, i) => Math.max(d, bb[i - (ba.length - bb.length)] ?? 1))
        : bb;
      try {
        assert.deepEqual([...got.shape], [...batch, m, n]);
        const nb = batch.reduce((x, y) => x * y, 1);
        const want = new Float64Array(nb * m * n);
        const idxOf = (shape: number[], flat: number) => {
          // index into a broadcast operand for batch position `flat` of `batch`
          const coords: number[] = [];
          let f = flat;
          for (let d = batch.length - 1; d >= 0; d--) {
            coords.unshift(f % batch[d]);
            f = Math.floor(f / batch[d]);
          }
          const lead = batch.length - shape.length;
          let off = 0;
          for (let d = 0; d < shape.length; d++) {
            off = off * shape[d] +
              (shape[d] === 1 ? 0 : coords[lead + d]);
          }
          return off;
        };
        for (let q = 0; q < nb; q++) {
          const ao = idxOf(ba, q) * m * k, bo = idxOf(bb, q) * n * k;
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let p = 0; p < k; p++) s += A.v[ao + i * k + p] * B.v[bo + j * k + p];
              want[(q * m + i) * n + j] = s;
            }
          }
        }
        await assertCloseAsync(got, want, { rtol: 1e-5, atol: 1e-5 });
      } catch (e) {
        failures.push(`batched [${ba}] x [${bb}]: ${(e as Error).message}`);
      }
    }
    if (failures.length) {
      assert.fail(`${failures.length} products failed:\n${failures.slice(0, 20).join("\n")}`);
    }
  },
);

deviceTest(
  "sweep: sum, amax, argmax, cumsum, softmax along every dim of odd shapes vs a float64 reference",
  async (device) => {
    const r = lcg(11);
    const failures: string[] = [];
    for (const shape of [[37], [3, 37], [5, 1, 9], [2, 17, 6], [4, 3, 2, 5], [1, 65, 3]]) {
      const { t, v } = randT(shape, r, device);
      for (let d = 0; d < shape.length; d++) {
        const outer = shape.slice(0, d).reduce((a, b) => a * b, 1);
        const len = shape[d];
        const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
        const sum = new Float64Array(outer * inner), mx = new Float64Array(outer * inner).fill(-Infinity);
        const am = new Float64Array(outer * inner),
          cs = new Float64Array(v.length),
          sm = new Float64Array(v.length);
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            let acc = 0;
            for (let l = 0; l < len; l++) {
              const x = v[(o * len + l) * inner + i];
              acc += x;
              cs[(o * len + l) * inner + i] = acc;
              if (x > mx[o * inner + i]) {
                mx[o * inner + i] = x;
                am[o * inner + i] = l;
              }
            }
            sum[o * inner + i] = acc;
            let z = 0;
            for (let l = 0; l < len; l++) z += Math.exp(v[(o * len + l) * inner + i] - mx[o * inner + i]);
            for (let l = 0; l < len; l++) {
              const p = (o * len + l) * inner + i;
              sm[p] = Math.exp(v[p] - mx[o * inner + i]) / z;
            }
          }
        }
        const tag = `shape [${shape}] dim ${d}`;
        const run = async (what: string, fn: () => Promise<void>) => {
          try {
            await fn();
          } catch (e) {
            failures.push(`${what} ${tag}: ${(e as Error).message}`);
          }
        };
        await run("sum", () => assertCloseAsync(t.sum(d), sum, { rtol: 1e-5, atol: 1e-5 }));
        await run("amax", () => assertCloseAsync(t.amax(d), mx, { rtol: 0, atol: 0 }));
        await run("argmax", () => assertCloseAsync(t.argmax(d), am, { rtol: 0, atol: 0 }));
        await run("max(dim)", () => assertCloseAsync(t.max(d).indices, am, { rtol: 0, atol: 0 }));
        await run("cumsum", () => assertCloseAsync(t.cumsum(d), cs, { rtol: 1e-5, atol: 1e-5 }));
        await run("softmax", () => assertCloseAsync(t.softmax(d), sm, { rtol: 1e-4, atol: 1e-6 }));
      }
    }
    if (failures.length) assert.fail(`${failures.length} reductions failed:\n${failures.join("\n")}`);
  },
);
