/**
 * The complex64 safety sweep: every function exported by `torch`, `torch.linalg`, `torch.special`,
 * `torch.fft` and `torch.nn.functional`, and every `Tensor` method and getter, is called with complex64
 * tensors in the argument patterns its real float32 form accepts. Each call must either be in the
 * SUPPORTED list (its values are checked against PyTorch in tests/complex_test.ts; here the result
 * must at least be a tensor of the expected dtype family or a plain value) or throw an Error that
 * names complex (PyTorch's "not implemented for 'ComplexFloat'" or an op's own message). Anything
 * else (an unlisted op returning normally, or failing with an unrelated error) fails: adding a
 * dtype must not let any op read complex64 storage as float32.
 */
import * as assert from "node:assert/strict";
import * as torch from "../mod.ts";
import { Tensor } from "../mod.ts";

/** Ops that compute on complex64 (values checked in complex_test.ts). */
const SUPPORTED_FUNCTIONS = new Set([
  // complex family
  "viewAsReal",
  "viewAsComplex",
  "real",
  "imag",
  "complex",
  "polar",
  "conj",
  "conjPhysical",
  "resolveConj",
  "resolveNeg",
  "isConj",
  "angle",
  "isComplex",
  // arithmetic (and aliases)
  "add",
  "sub",
  "subtract",
  "mul",
  "multiply",
  "div",
  "divide",
  "trueDivide",
  "neg",
  "negative",
  "reciprocal",
  "exp",
  "log",
  "sqrt",
  "square",
  "pow",
  "abs",
  "absolute",
  "eq",
  "ne",
  "notEqual",
  "isfinite",
  "isnan",
  "isinf",
  "where",
  "sum",
  "mean",
  "matmul",
  "mm",
  "bmm",
  "dot",
  "vdot",
  "inner",
  "rsub",
  "positive",
  "adjoint",
  // joins and copies
  "cat",
  "concat",
  "concatenate",
  "stack",
  "flip",
  "clone",
  "contiguous",
  // views (movement ops that only change the geometry)
  "reshape",
  "view",
  "permute",
  "transpose",
  "swapaxes",
  "swapdims",
  "moveaxis",
  "movedim",
  "squeeze",
  "unsqueeze",
  "expand",
  "narrow",
  "select",
  "chunk",
  "split",
  "unsafeChunk", // chunk and split, as PyTorch's unsafe_ forms
  "unsafeSplit",
  "splitWithSizes",
  "tensorSplit",
  "unbind",
  "flatten",
  "unflatten",
  "t",
  "atleast1d",
  "atleast2d",
  "atleast3d",
  "hsplit",
  "vsplit",
  "dsplit",
  "asStrided",
  "expandAs",
  "broadcastTo",
  "broadcastTensors",
  "ravel",
  "diagonal",
  // creation from a tensor's shape / dtype
  "zerosLike",
  "onesLike",
  "emptyLike",
  "fullLike",
  "randnLike",
  // metadata
  "numel",
  "isTensor",
  "isFloatingPoint",
  "isNonzero",
  "isSameSize",
  "resultType",
  "isInference",
  "isSigned", // true, as PyTorch (complex_test.ts)
  // comparisons of whole tensors (complex_test.ts checks them)
  "equal",
  "asTensor",
  "index",
  "isreal",
  "sgn",
  "randLike", // randLike(z, { dtype: "float32" }): a real tensor of z's shape, as PyTorch's rand_like
  "isclose",
  "allclose",
]);

/**
 * Composites that are real-linear in each tensor argument (with the others real): the sweep checks
 * each against the op applied to the real and imaginary parts separately.
 */
const LINEAR = new Set([
  "diag",
  "diagEmbed",
  "diagflat",
  "diff",
  "fliplr",
  "flipud",
  "repeat",
  "roll",
  "rot90",
  "tile",
  "trace",
  "sumToSize",
  "kron",
  "cross",
  "chainMatmul",
  "outer",
  "ger",
  "matrixPower",
  "pixelShuffle",
  "pixelUnshuffle",
  "cartesianProd",
  "channelShuffle",
]);

/** Ops on truth values: the sweep checks f(z) against f(z != 0). */
const TRUTH = new Set([
  "all",
  "any",
  "countNonzero",
  "nonzero",
  "argwhere",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
  "logicalNot",
]);

/** Tensor methods and getters that work on complex64, beyond the functions above. */
const SUPPORTED_METHODS = new Set([
  ...SUPPORTED_FUNCTIONS,
  "resizeAs_", // a real tensor resized as a complex one reads only its shape; resize_ of complex64 refuses
  "H",
  "mH",
  "T",
  "mT",
  "real",
  "imag",
  "grad",
  "data",
  "requiresGrad",
  "device",
  "ndim",
  "isLeaf",
  "gradFn",
  "shape",
  "size",
  "dim",
  "stride",
  "nelement",
  "element_size",
  "elementSize",
  "storageOffset",
  "isContiguous",
  "toString",
  "toStringAsync",
  "toArray",
  "toArrayAsync",
  "tolist",
  "dataSync",
  "dataAsync",
  "detach",
  "detach_",
  "requiresGrad_",
  "retainGrad",
  "retainsGrad",
  "isDisposed",
  "dispose",
  "to",
  "toAsync",
  "cpu",
  "cpuAsync",
  "index",
  "newZeros",
  "newOnes",
  "newEmpty",
  "newFull",
  "newEmptyStrided",
  "cfloat",
  "float",
  "isSigned",
  "registerHook",
  "backward",
  "typeAs",
  "viewAs",
  "reshapeAs",
  "fill_",
  "zero_",
  "copy_",
  "add_",
  "sub_",
  "mul_",
  "div_",
  "neg_",
  "exp_",
  "log_",
  "sqrt_",
  "square_",
  "pow_",
  "reciprocal_",
  "clone",
  "isShared",
  "dataPtr",
  "numpy",
  "item",
  "itemAsync",
  "double",
  "half",
  "int",
  "long",
  "bool",
  "byte",
  "char",
  "short",
  "type",
  "isCuda",
  "isCpu",
  "isGpu",
  "isComplex",
  "unfold",
  // in-place aliases of supported ops, and in-place views
  "divide_",
  "multiply_",
  "subtract_",
  "negative_",
  "trueDivide_",
  "eq_",
  "ne_",
  "notEqual_",
  "logicalAnd_",
  "logicalOr_",
  "logicalXor_",
  "logicalNot_",
  "squeeze_",
  "unsqueeze_",
  "t_",
  "transpose_",
  "swapaxes_",
  "swapdims_",
  "fillDiagonal_",
  "sgn_",
]);

/** The shapes tried, in turn, until the real form of a function accepts one (matrices, images, vectors). */
const SHAPES = [[2, 3], [1, 2, 4, 4], [4], [2, 3, 4]];
let shape = SHAPES[0];
const X = () => torch.rand(shape).add(0.5);
const Z = () => torch.viewAsComplex(torch.rand([...shape, 2]).add(0.5));
const MENTIONS_COMPLEX = /complex|ComplexFloat|C64/i;

/** The argument patterns tried: `t` marks a tensor slot. */
type Pattern = (string | number | number[])[];
const PATTERNS: Pattern[] = [["t"], ["t", "t"], ["t", 1], ["t", 0], ["t", "t", "t"], ["t", [0]], ["t", 1, 1]];

function build(p: Pattern, mk: () => Tensor, complexAt: number, at: () => Tensor = Z): unknown[] {
  let k = 0;
  return p.map((a) => {
    if (a !== "t") return Array.isArray(a) ? [...a] : a;
    return k++ === complexAt ? at() : mk();
  });
}

/**
 * A value no op accepts: a call that succeeds with it in a slot ignores that argument (a disposed
 * tensor would not do: ops that read only the shape, such as `isreal`, accept one).
 */
function poison(): Tensor {
  return Symbol("unused") as unknown as Tensor;
}

interface Outcome {
  ok: boolean;
  value?: unknown;
  error?: unknown;
}

async function attempt(f: () => unknown): Promise<Outcome> {
  try {
    let v = f();
    if (v instanceof Promise) v = await v;
    return { ok: true, value: v };
  } catch (e) {
    return { ok: false, error: e };
  }
}

function isClass(f: unknown): boolean {
  return typeof f === "function" && /^class\b/.test(Function.prototype.toString.call(f));
}

/** A result a complex call may give: complex, float32 (abs, angle, real...), bool, or a non-tensor. */
/** Values of a result for comparison: complex as (re, im) pairs, bool as 0/1. */
function valuesOf(v: unknown): number[] {
  const ts = v instanceof Tensor ? [v] : Array.isArray(v) ? v : [v];
  return ts.flatMap((t) => {
    if (!(t instanceof Tensor)) return [Number(t)];
    return Array.from((t.dtype === "complex64" ? torch.viewAsReal(t) : t).float().dataSync());
  });
}

function near(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) <= 1e-5 + 1e-5 * Math.abs(b[i]));
}

/** For LINEAR and TRUTH ops: the complex result against the reference the sets describe. */
function checkReference(
  name: string,
  where: string,
  args: unknown[],
  at: number,
  f: (...a: unknown[]) => unknown,
  out: unknown,
  problems: string[],
): void {
  let k = 0;
  const slot = args.findIndex((a) => a instanceof Tensor && k++ === at);
  const z = args[slot] as Tensor;
  const withArg = (v: unknown) => args.map((a, i) => (i === slot ? v : a));
  const got = valuesOf(out);
  if (LINEAR.has(name)) {
    const re = torch.noGrad(() => f(...withArg(z.real.contiguous())));
    const im = torch.noGrad(() => f(...withArg(z.imag.contiguous())));
    const rv = valuesOf(re), iv = valuesOf(im);
    const want = rv.flatMap((x, i) => [x, iv[i]]);
    if (!near(got, want)) {
      problems.push(`${where}: differs from the op applied to the real and imaginary parts`);
    }
  } else if (TRUTH.has(name)) {
    const want = valuesOf(torch.noGrad(() => f(...withArg(z.ne(0)))));
    if (!near(got, want)) problems.push(`${where}: differs from the op applied to z != 0`);
  }
}

function checkResult(name: string, v: unknown, problems: string[]): void {
  const tensors = v instanceof Tensor ? [v] : Array.isArray(v) ? v.filter((x) => x instanceof Tensor) : [];
  for (const t of tensors as Tensor[]) {
    if (
      !["complex64", "float32", "bool", ...(TRUTH.has(name.replace(/^\w+\.|\(.*$/g, "")) ? ["int32"] : [])]
        .includes(t.dtype)
    ) {
      problems.push(`${name}: a supported op gave a ${t.dtype} tensor from complex input`);
    }
  }
}

interface Report {
  /** Functions whose real form accepted none of the patterns (not ops on one tensor). */
  untried: string[];
  tried: number;
  refused: number;
  supported: number;
  problems: string[];
}

async function sweep(
  label: string,
  entries: [string, (...a: unknown[]) => unknown][],
  supported: Set<string>,
  skip: Set<string>,
): Promise<Report> {
  const r: Report = { untried: [], tried: 0, refused: 0, supported: 0, problems: [] };
  for (const [name, fn] of entries) {
    if (skip.has(name)) continue;
    let accepted = false;
    for (const s of SHAPES) {
      if (accepted) break;
      shape = s;
      for (const p of PATTERNS) {
        const real = await attempt(() => torch.noGrad(() => fn(...build(p, X, -1))));
        if (!real.ok) continue;
        accepted = true;
        const slots = p.filter((a) => a === "t").length;
        for (let at = 0; at < slots; at++) {
          const unused = await attempt(() => torch.noGrad(() => fn(...build(p, X, at, poison))));
          if (unused.ok) continue; // the function ignores this argument
          // An options-object slot (`relu(x, { inplace })`, `zeros(2, { dtype })`) reads a tensor as {}.
          const options = await attempt(() =>
            torch.noGrad(() => fn(...build(p, X, at, () => ({}) as Tensor)))
          );
          if (options.ok) continue;
          r.tried++;
          const args = build(p, X, at);
          const out = await attempt(() => torch.noGrad(() => fn(...args)));
          const where = `${label}${name}(${
            p.map((a, i) => (a === "t" ? (i === at ? "z" : "x") : JSON.stringify(a)))
          })`;
          if (out.ok) {
            if (supported.has(name) || LINEAR.has(name) || TRUTH.has(name)) {
              r.supported++;
              checkResult(where, out.value, r.problems);
              checkReference(name, where, args, at, fn, out.value, r.problems);
            } else {r.problems.push(
                `${where}: returned without error on complex64 input (not in the supported list)`,
              );}
          } else if (out.error instanceof Error && MENTIONS_COMPLEX.test(out.error.message)) {
            r.refused++;
          } else if (!supported.has(name)) {
            r.problems.push(
              `${where}: threw without naming complex: ${
                String((out.error as Error)?.message ?? out.error).slice(0, 160)
              }`,
            );
          } else r.supported++; // a supported op refusing this argument pattern for a reason of its own
        }
      }
    }
    shape = SHAPES[0];
    if (!accepted) r.untried.push(name);
  }
  return r;
}

/** Functions that take no tensor, change global state, or run for long; they are not ops on a tensor. */
const SKIP = new Set([
  "manualSeed",
  "seed",
  "setDefaultDtype",
  "setRngState",
  "init",
  "save",
  "load",
  "scope",
  "keep",
  "noGrad",
  "enableGrad",
  "setGradEnabled",
  "inferenceMode",
  "setPrintoptions",
  "setNumThreads",
  "compile",
  "vmap",
  "useDeterministicAlgorithms",
  "setAnomalyEnabled",
  "detectAnomaly",
  "linspace", // takes numbers (a tensor start is read as NaN, whatever its dtype)
  "logspace",
]);

function functionsOf(ns: Record<string, unknown>): [string, (...a: unknown[]) => unknown][] {
  return Object.entries(ns).filter(([, v]) => typeof v === "function" && !isClass(v)) as [
    string,
    (...a: unknown[]) => unknown,
  ][];
}

Deno.test("complex64 sweep: every torch function either supports complex64 or refuses it by name", async () => {
  const reports: Report[] = [];
  reports.push(
    await sweep(
      "torch.",
      functionsOf(torch as unknown as Record<string, unknown>),
      SUPPORTED_FUNCTIONS,
      SKIP,
    ),
  );
  reports.push(
    await sweep(
      "linalg.",
      functionsOf(torch.linalg as unknown as Record<string, unknown>),
      new Set(["matmul", "diagonal"]), // the same ops as torch.matmul and the diagonal view
      SKIP,
    ),
  );
  reports.push(
    await sweep(
      "special.",
      functionsOf(torch.special as unknown as Record<string, unknown>),
      new Set(),
      SKIP,
    ),
  );
  reports.push(
    await sweep(
      "fft.",
      functionsOf(torch.fft as unknown as Record<string, unknown>),
      // The complex-input transforms and the shifts; rfft / ihfft and their n-d forms refuse.
      new Set([
        "fft",
        "ifft",
        "fft2",
        "ifft2",
        "fftn",
        "ifftn",
        "irfft",
        "irfft2",
        "irfftn",
        "hfft",
        "hfft2",
        "hfftn",
        "fftshift",
        "ifftshift",
      ]),
      SKIP,
    ),
  );
  reports.push(
    await sweep(
      "F.",
      functionsOf(torch.nn.functional as unknown as Record<string, unknown>),
      new Set(),
      SKIP,
    ),
  );
  const problems = reports.flatMap((r) => r.problems);
  const tried = reports.reduce((s, r) => s + r.tried, 0);
  const refused = reports.reduce((s, r) => s + r.refused, 0);
  console.log(
    `complex sweep (functions): ${tried} complex calls, ${refused} refused naming complex, ${
      tried - refused
    } supported`,
  );
  console.log(`not ops on a tensor (no pattern accepted): ${reports.flatMap((r) => r.untried).join(" ")}`);
  assert.ok(tried > 500, `only ${tried} calls were tried`);
  if (problems.length) await Deno.writeTextFile("/tmp/sweep_fn.txt", problems.join("\n"));
  assert.deepEqual(problems, []);
});

Deno.test("complex64 sweep: every Tensor method and getter either supports complex64 or refuses it by name", async () => {
  const names = new Set<string>();
  for (let p: object | null = Tensor.prototype; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const n of Object.getOwnPropertyNames(p)) if (n !== "constructor") names.add(n);
  }
  const problems: string[] = [];
  let tried = 0, refused = 0;
  const methods: [string, (...a: unknown[]) => unknown][] = [];
  for (const name of [...names].sort()) {
    const d = Object.getOwnPropertyDescriptor(Tensor.prototype, name) ??
      Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Tensor.prototype), name);
    if (d?.get) {
      tried++;
      const real = await attempt(() => d.get!.call(X()));
      if (!real.ok) continue;
      const out = await attempt(() => d.get!.call(Z()));
      if (out.ok) {
        if (!SUPPORTED_METHODS.has(name)) {
          problems.push(`Tensor.${name} (getter): returned on complex64 input`);
        }
      } else if (out.error instanceof Error && MENTIONS_COMPLEX.test(out.error.message)) refused++;
      else if (!SUPPORTED_METHODS.has(name)) {
        problems.push(`Tensor.${name} (getter): ${(out.error as Error).message}`);
      }
      continue;
    }
    if (typeof d?.value !== "function" || name.startsWith("_") || typeof name === "symbol") continue;
    const m = d.value as (...a: unknown[]) => unknown;
    methods.push([name, (self: unknown, ...rest: unknown[]) => m.call(self, ...rest)]);
  }
  const r = await sweep("Tensor.", methods, SUPPORTED_METHODS, new Set(["dispose", "backward"]));
  tried += r.tried;
  refused += r.refused;
  problems.push(...r.problems);
  console.log(`complex sweep (methods): ${tried} complex calls, ${refused} refused naming complex`);
  if (problems.length) await Deno.writeTextFile("/tmp/sweep_m.txt", problems.join("\n"));
  assert.ok(tried > 500, `only ${tried} calls were tried`);
  assert.deepEqual(problems, []);
});
