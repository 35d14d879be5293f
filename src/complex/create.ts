/**
 * @internal Creation of complex64 tensors for the factories of src/creation.ts (`zeros`, `ones`,
 * `empty`, `full`, `tensor`, `randn` and their `*Like` forms with `dtype: "complex64"`).
 * @module
 */
import { Tensor } from "../tensor.ts";
import { backendFor } from "../backends/registry.ts";
import type { Device } from "../backends/backend.ts";
import type { CreateOptions } from "../creation.ts";
import { numelOf } from "../shape.ts";
import { fromParts } from "./arith.ts";
import { viewAsComplex } from "./core.ts";
import * as ew from "../ops/elementwise.ts";

/** A complex64 tensor of `shape` with every element `value + 0i`. */
export function complexFilled(shape: readonly number[], value: number, opts: CreateOptions): Tensor {
  const device = (opts.device ?? "cpu") as Device;
  const n = numelOf(shape);
  const backend = backendFor(device);
  let storage;
  if (value === 0) storage = backend.full("float32", 2 * n, 0);
  else {
    const pairs = new Float32Array(2 * n);
    for (let i = 0; i < 2 * n; i += 2) pairs[i] = value;
    storage = backend.fromTyped(pairs, "float32");
  }
  const t = new Tensor(storage, shape, undefined, 0, "complex64");
  if (opts.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** `tensor(data, { dtype: "complex64" })`: the real values of `re` with zero imaginary parts. */
export function complexFromReal(re: Tensor, opts: CreateOptions): Tensor {
  const z = fromParts(re, null).detach();
  if (opts.requiresGrad) z.requiresGrad_(true);
  return z;
}

/** Whether the options of a random factory ask for complex64. */
export function asksComplex(args: readonly unknown[]): boolean {
  const last = args[args.length - 1];
  return typeof last === "object" && last !== null && !Array.isArray(last) &&
    (last as CreateOptions).dtype === "complex64";
}

/**
 * PyTorch's complex `randn`: real and imaginary parts each N(0, 1/2), drawn as a float32 normal
 * fill of the (re, im) pairs scaled by 1/√2 (PyTorch's order).
 */
export function complexRandn(
  args: readonly unknown[],
  randn: (...a: (number | readonly number[] | Record<string, unknown>)[]) => Tensor,
): Tensor {
  const opts = args[args.length - 1] as CreateOptions;
  const dims = args.slice(0, -1) as (number | readonly number[])[];
  const shape = dims.length === 1 && Array.isArray(dims[0]) ? [...dims[0] as number[]] : dims as number[];
  const r = randn([...shape, 2], { ...opts, dtype: "float32", requiresGrad: false });
  const z = viewAsComplex(ew.mul(r, Math.SQRT1_2)).detach();
  if (opts.requiresGrad) z.requiresGrad_(true);
  return z;
}
