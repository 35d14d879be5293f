/**
 * The backend contract (src/backends/contract.ts) on both devices: every primitive's empty and
 * dtype-edge cases give the same dtype, length and values on the CPU and the GPU, or the same
 * error (class and message). Runs the CPU side alone when there is no GPU adapter.
 */
import assert from "node:assert/strict";
import type { Backend, Conv2dGeometry, Pool2dGeometry, Storage } from "../src/backends/backend.ts";
import { wasmBackend } from "../src/backends/wasm/backend.ts";
import type { DType, TypedArray } from "../src/dtype.ts";
import { webgpuBackend } from "../src/gpu.ts";
import { gpuAvailable } from "./devices.ts";

type Outcome =
  | { kind: "storages"; items: { dtype: DType; numel: number; values: number[] }[] }
  | { kind: "none" }
  | { kind: "error"; name: string; message: string };

const TYPED: Record<string, (xs: number[]) => TypedArray> = {
  float32: (xs) => new Float32Array(xs),
  int32: (xs) => new Int32Array(xs),
  bool: (xs) => new Uint8Array(xs),
  uint8: (xs) => new Uint8Array(xs),
  float16: (xs) => new Uint16Array(xs),
};

/** A storage of `dtype` holding `xs` on `b`. */
function st(b: Backend, dtype: DType, xs: number[]): Storage {
  return b.fromTyped(TYPED[dtype](xs), dtype);
}

async function outcome(b: Backend, run: (b: Backend) => unknown): Promise<Outcome> {
  try {
    let r = run(b);
    if (r instanceof Promise) r = await r;
    if (r === undefined) return { kind: "none" };
    if (ArrayBuffer.isView(r)) {
      return {
        kind: "storages",
        items: [{ dtype: "float32", numel: 0, values: Array.from(r as Float32Array) }],
      };
    }
    const list = (r as Storage).dtype !== undefined
      ? [r as Storage]
      : Object.values(r as Record<string, unknown>).filter((x): x is Storage =>
        typeof x === "object" && x !== null && "dtype" in x
      );
    const items = [];
    for (const s of list) {
      items.push({ dtype: s.dtype, numel: s.numel, values: Array.from(await b.read(s)) });
    }
    return { kind: "storages", items };
  } catch (e) {
    return { kind: "error", name: (e as Error).name, message: (e as Error).message };
  }
}

const backends = (): Backend[] => (gpuAvailable ? [wasmBackend(), webgpuBackend()!] : [wasmBackend()]);

/** Runs `run` on every backend: all outcomes must equal the CPU's (and `want`, where given). */
async function agree(what: string, run: (b: Backend) => unknown, want?: "error" | "storages"): Promise<void> {
  const [cpu, ...rest] = backends();
  const ref = await outcome(cpu, run);
  if (want) assert.equal(ref.kind, want, `${what}: the CPU gave ${JSON.stringify(ref)}`);
  for (const b of rest) {
    const got = await outcome(b, run);
    try {
      assert.deepEqual(got, ref);
    } catch {
      disagreements.push(`${what}: ${b.device} gave ${JSON.stringify(got)}, cpu ${JSON.stringify(ref)}`);
    }
  }
}

/** What {@link agree} found in the current test (each test checks it is empty at its end). */
const disagreements: string[] = [];

function noDisagreements(): void {
  assert.deepEqual(disagreements.splice(0), []);
}

const conv = (batch: number, channels: number, height: number): Conv2dGeometry => ({
  batch,
  channels,
  height,
  width: height,
  groups: 1,
  onesRow: false,
  kernelH: 1,
  kernelW: 1,
  strideH: 1,
  strideW: 1,
  padH: 0,
  padW: 0,
  dilationH: 1,
  dilationW: 1,
  outH: height,
  outW: height,
});

const pool = (planes: number, height: number, out: number): Pool2dGeometry => ({
  planes,
  height,
  width: height,
  kernelH: 1,
  kernelW: 1,
  strideH: 1,
  strideW: 1,
  padH: 0,
  padW: 0,
  dilationH: 1,
  dilationW: 1,
  outH: out,
  outW: out,
});

Deno.test("backend contract: memory primitives agree on empty storages and bad dtypes", async () => {
  for (const dtype of ["float32", "int32", "bool", "uint8", "float16"] as const) {
    await agree(`full ${dtype} 0`, (b) => b.full(dtype, 0, 3), "storages");
    await agree(`fromTyped ${dtype} []`, (b) => st(b, dtype, []), "storages");
    for (const to of ["float32", "int32", "bool", "uint8", "float16"] as const) {
      await agree(`cast ${dtype} -> ${to} empty`, (b) => b.cast(st(b, dtype, []), to), "storages");
    }
  }
  await agree("full: negative length", (b) => b.full("float32", -1, 0), "error");
  await agree("full: unknown dtype", (b) => b.full("complex64" as DType, 1, 0), "error");
  await agree("fromTyped: wrong array class", (b) => b.fromTyped(new Float32Array(2), "int32"), "error");
  await agree("cast: unknown dtype", (b) => b.cast(st(b, "float32", [1]), "complex64" as DType), "error");
  await agree("read: range", (b) => b.read(st(b, "float32", [1, 2]), 1, 5), "error");
  await agree("read: part", (b) => b.read(st(b, "float32", [1, 2, 3]), 1, 1), "storages");
  await agree("copy: empty shape", (b) => {
    const d = st(b, "float32", [1, 2]);
    b.copy(st(b, "float32", [5, 6]), 0, [1], d, 0, [1], [0]);
    return d;
  }, "storages");
  await agree(
    "copy: dtypes differ",
    (b) => b.copy(st(b, "int32", [1]), 0, [1], st(b, "float32", [1]), 0, [1], [1]),
    "error",
  );
  await agree(
    "copy: source out of range",
    (b) => b.copy(st(b, "float32", [1]), 0, [1], st(b, "float32", [1, 2]), 0, [1], [2]),
    "error",
  );
  noDisagreements();
});

Deno.test("backend contract: elementwise primitives agree on empty and dtype edges", async () => {
  for (const dtype of ["float32", "int32"] as const) {
    await agree(`unary neg ${dtype} empty`, (b) => b.unary("neg", st(b, dtype, [])), "storages");
    await agree(`binary add ${dtype} 0`, (b) => b.binary("add", st(b, dtype, []), 1, 0, dtype), "storages");
    await agree(`binary lt ${dtype} 0`, (b) => b.binary("lt", 2, st(b, dtype, []), 0, dtype), "storages");
    await agree(
      `where ${dtype} empty`,
      (b) => b.where(st(b, "bool", []), st(b, dtype, []), st(b, dtype, [])),
      "storages",
    );
  }
  await agree("unary exp on int32", (b) => b.unary("exp", st(b, "int32", [1])), "error");
  await agree("unary on bool", (b) => b.unary("neg", st(b, "bool", [1])), "error");
  await agree("unary: unknown op", (b) => b.unary("cube" as "neg", st(b, "float32", [1])), "error");
  await agree("binary: int32 div", (b) => b.binary("div", st(b, "int32", [1]), 1, 1, "int32"), "error");
  await agree("binary: unknown op", (b) => b.binary("xor" as "add", 1, 1, 1, "float32"), "error");
  await agree("binary: operand dtype", (b) => b.binary("add", st(b, "int32", [1]), 1, 1, "float32"), "error");
  await agree(
    "binary: operand tiling",
    (b) => b.binary("add", st(b, "float32", [1, 2]), 1, 3, "float32"),
    "error",
  );
  await agree("binary: bad numel", (b) => b.binary("add", 1, 1, -2, "float32"), "error");
  await agree("binary: bool compute dtype", (b) => b.binary("add", 1, 1, 1, "bool" as "int32"), "error");
  await agree(
    "where: condition dtype",
    (b) => b.where(st(b, "float32", [1]), st(b, "float32", [1]), st(b, "float32", [1])),
    "error",
  );
  await agree(
    "where: operand dtypes",
    (b) => b.where(st(b, "bool", [1]), st(b, "int32", [1]), st(b, "float32", [1])),
    "error",
  );
  await agree(
    "where: lengths",
    (b) => b.where(st(b, "bool", [1, 0]), st(b, "float32", [1]), st(b, "float32", [1])),
    "error",
  );
  noDisagreements();
});

Deno.test("backend contract: reductions, scans, sorting and softmax agree on empty and dtype edges", async () => {
  for (const dtype of ["float32", "int32"] as const) {
    for (const op of ["sum", "prod", "max", "min", "argmax", "argmin"] as const) {
      await agree(
        `reduce ${op} ${dtype} outer 0`,
        (b) => b.reduce(op, st(b, dtype, []), 0, 3, 2),
        "storages",
      );
      await agree(
        `reduce ${op} ${dtype} inner 0`,
        (b) => b.reduce(op, st(b, dtype, []), 2, 3, 0),
        "storages",
      );
      await agree(`reduce ${op} ${dtype} len 0`, (b) => b.reduce(op, st(b, dtype, []), 2, 0, 3));
    }
    await agree(`cumsum ${dtype} empty`, (b) => b.cumsum(st(b, dtype, []), 2, 0, 3), "storages");
    await agree(`cumprod ${dtype} empty`, (b) => b.cumprod(st(b, dtype, []), 0, 2, 3), "storages");
    await agree(`argsort ${dtype} rows 0`, (b) => b.argsort(st(b, dtype, []), 0, 4, false), "storages");
    await agree(`argsort ${dtype} len 0`, (b) => b.argsort(st(b, dtype, []), 3, 0, true), "storages");
  }
  await agree("reduce: layout", (b) => b.reduce("sum", st(b, "float32", [1, 2, 3]), 1, 2, 1), "error");
  await agree("reduce: bool", (b) => b.reduce("sum", st(b, "bool", [1]), 1, 1, 1), "error");
  await agree(
    "reduce: unknown op",
    (b) => b.reduce("mean" as "sum", st(b, "float32", [1]), 1, 1, 1),
    "error",
  );
  await agree("cumsum: layout", (b) => b.cumsum(st(b, "float32", [1, 2]), 1, 3, 1), "error");
  await agree("cumprod: bool", (b) => b.cumprod(st(b, "bool", [1]), 1, 1, 1), "error");
  await agree("argsort: layout", (b) => b.argsort(st(b, "float32", [1, 2]), 1, 3, false), "error");
  await agree("argsort: bool", (b) => b.argsort(st(b, "bool", [1]), 1, 1, false), "error");
  for (const log of [false, true]) {
    await agree(
      `softmax log=${log} empty rows`,
      (b) => b.softmax(st(b, "float32", []), 0, 3, log),
      "storages",
    );
    await agree(
      `softmax log=${log} empty cols`,
      (b) => b.softmax(st(b, "float32", []), 3, 0, log),
      "storages",
    );
    await agree(`softmax log=${log} int32`, (b) => b.softmax(st(b, "int32", [1]), 1, 1, log), "error");
    await agree(`softmax log=${log} layout`, (b) => b.softmax(st(b, "float32", [1, 2]), 1, 3, log), "error");
  }
  noDisagreements();
});

Deno.test("backend contract: matmul, indexing, convolution, pooling and loss agree on empty and dtype edges", async () => {
  const mm = { batch: 1, m: 2, k: 0, n: 3, aBatchStride: 0, bBatchStride: 0, transA: false, transB: false };
  for (const dtype of ["float32", "int32"] as const) {
    await agree(`matmul ${dtype} k 0`, (b) => b.matmul(st(b, dtype, []), st(b, dtype, []), mm), "storages");
    await agree(
      `matmul ${dtype} batch 0`,
      (b) => b.matmul(st(b, dtype, []), st(b, dtype, []), { ...mm, batch: 0, k: 2 }),
      "storages",
    );
    await agree(
      `gather ${dtype} empty`,
      (b) => b.gather(st(b, dtype, [1, 2]), st(b, "int32", []), 1, 2, 1, 0, false),
      "storages",
    );
    await agree(
      `indexSelect ${dtype} inner 0`,
      (b) => b.gather(st(b, dtype, []), st(b, "int32", [1, 0]), 1, 2, 0, 2, true),
      "storages",
    );
    await agree(
      `scatterAdd ${dtype} empty source`,
      (b) => b.scatterAdd(st(b, dtype, []), st(b, "int32", []), 1, 3, 1, 0, true),
      "storages",
    );
  }
  await agree(
    "matmul: dtypes differ",
    (b) => b.matmul(st(b, "float32", [1]), st(b, "int32", [1]), { ...mm, m: 1, k: 1, n: 1 }),
    "error",
  );
  await agree(
    "matmul: bool",
    (b) => b.matmul(st(b, "bool", [1]), st(b, "bool", [1]), { ...mm, m: 1, k: 1, n: 1 }),
    "error",
  );
  await agree(
    "matmul: too small",
    (b) => b.matmul(st(b, "float32", [1]), st(b, "float32", [1]), { ...mm, k: 2 }),
    "error",
  );
  await agree(
    "matmul: int32 bias",
    (b) =>
      b.matmul(st(b, "int32", [1]), st(b, "int32", [1]), {
        ...mm,
        m: 1,
        k: 1,
        n: 1,
        bias: st(b, "int32", [1]),
      }),
    "error",
  );
  await agree(
    "gather: float index",
    (b) => b.gather(st(b, "float32", [1]), st(b, "float32", [0]), 1, 1, 1, 1, true),
    "error",
  );
  await agree(
    "gather: bad index, empty output",
    (b) => b.gather(st(b, "float32", []), st(b, "int32", [5]), 1, 2, 0, 1, true),
    "error",
  );
  await agree(
    "gather: bad index",
    (b) => b.gather(st(b, "float32", [1, 2]), st(b, "int32", [2]), 1, 2, 1, 1, true),
    "error",
  );
  await agree(
    "scatterAdd: bool",
    (b) => b.scatterAdd(st(b, "bool", [1]), st(b, "int32", [0]), 1, 1, 1, 1, true),
    "error",
  );
  await agree(
    "scatterAdd: bad index",
    (b) => b.scatterAdd(st(b, "float32", [1]), st(b, "int32", [-1]), 1, 2, 1, 1, true),
    "error",
  );
  await agree("im2col batch 0", (b) => b.im2col(st(b, "float32", []), conv(0, 2, 3)), "storages");
  await agree("col2im batch 0", (b) => b.col2im(st(b, "float32", []), conv(0, 2, 3)), "storages");
  await agree("im2col: int32", (b) => b.im2col(st(b, "int32", [1]), conv(1, 1, 1)), "error");
  await agree("im2col: length", (b) => b.im2col(st(b, "float32", [1, 2]), conv(1, 1, 1)), "error");
  await agree("maxPool2d planes 0", (b) => b.maxPool2d(st(b, "float32", []), pool(0, 2, 2)), "storages");
  await agree("maxPool2d empty plane", (b) => b.maxPool2d(st(b, "float32", []), pool(2, 0, 0)));
  await agree(
    "avgPool2d planes 0",
    (b) => b.avgPool2d(st(b, "float32", []), pool(0, 2, 2), { countIncludePad: true, divisor: 0 }),
    "storages",
  );
  await agree(
    "avgPool2dBackward planes 0",
    (b) => b.avgPool2dBackward(st(b, "float32", []), pool(0, 2, 2), { countIncludePad: true, divisor: 0 }),
    "storages",
  );
  await agree("maxPool2d: int32", (b) => b.maxPool2d(st(b, "int32", [1]), pool(1, 1, 1)), "error");
  await agree(
    "avgPool2d: dilation",
    (b) =>
      b.avgPool2d(st(b, "float32", [1]), { ...pool(1, 1, 1), dilationH: 2 }, {
        countIncludePad: true,
        divisor: 0,
      }),
    "error",
  );
  await agree(
    "crossEntropy rows 0",
    (b) => b.crossEntropy!(st(b, "float32", []), st(b, "int32", []), 0, 3, -100),
    "storages",
  );
  await agree(
    "crossEntropy: int32 input",
    (b) => b.crossEntropy!(st(b, "int32", [1]), st(b, "int32", [0]), 1, 1, -100),
    "error",
  );
  await agree(
    "crossEntropy: float targets",
    (b) => b.crossEntropy!(st(b, "float32", [1]), st(b, "float32", [0]), 1, 1, -100),
    "error",
  );
  await agree(
    "crossEntropy: lengths",
    (b) => b.crossEntropy!(st(b, "float32", [1, 2]), st(b, "int32", [0]), 1, 3, -100),
    "error",
  );
  await agree(
    "crossEntropy: bad target",
    (b) => b.crossEntropy!(st(b, "float32", [1, 2]), st(b, "int32", [2]), 1, 2, -100),
    "storages",
  );
  await agree(
    "crossEntropyBackward rows 0",
    (b) =>
      b.crossEntropyBackward!(st(b, "float32", []), st(b, "int32", []), st(b, "float32", [1]), 0, 3, -100),
    "storages",
  );
  await agree(
    "crossEntropyBackward: lengths",
    (b) =>
      b.crossEntropyBackward!(st(b, "float32", [1]), st(b, "int32", []), st(b, "float32", [1]), 1, 1, -100),
    "error",
  );
  noDisagreements();
});
