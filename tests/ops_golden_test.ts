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
 * The fixture format, the input builders and the op table are in tests/ops_golden_setup.ts; sweeps
 * against a float64 reference in JS are in tests/ops_sweep_test.ts.
 */
import * as torch from "../mod.ts";
import type { Device, Tensor } from "../mod.ts";
import { assert, assertCloseAsync, assertRejectsMsg } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

import {
  buildInput,
  type Case,
  fixture,
  type Num,
  num,
  OPS,
  type OutSpec,
  type TensorSpec,
} from "./ops_golden_setup.ts";

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
