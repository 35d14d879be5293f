/**
 * The harness of the edge-case suites (tests/ops_edge_*_test.ts): `suite`, `check`, `cpuOnlyCheck`
 * and creation helpers on the running test's device. The suites cover, per op family: bad input
 * and its messages, empty tensors, 0-d tensors, in-place ops writing through views (of views),
 * result dtypes, non-contiguous inputs, bad index values and temporaries. Expected behaviour is PyTorch 1.13's
 * (checked by hand against it; int64 results read as our int32).
 *
 * Every check of a test runs even when an earlier one fails; the test then lists all failures.
 * Every suite runs on both devices (tests/devices.ts) with its tensors created on the device and
 * read with the async reads. Validations that read tensor values on the host (oneHot's class
 * values) are CPU-only (`cpuOnlyCheck`): on the GPU, bad index values are reported lazily by the
 * backend's error flag at the next read (the "bad index values" suite checks that).
 * Checks labelled "BUG Bn" guard library bugs that this suite and the golden suite found, all fixed
 * since (they stay as regression checks; `git log -S "Bn"` finds each fix). B1-B10 were in empty
 * and 0-d handling (autograd through empty tensors, all/any of empty, max/cumsum/flip of 0-d,
 * number ** tensor gradients, prod with a zero, uint8 all/any), and:
 * - B11: arange with a negative step and an empty range has shape [-0] (src/creation.ts), so flip
 *   of an empty dim gives shape [-0, ...] (src/ops/indexing.ts flip uses that arange).
 * - B12: logsumexp over an empty dim throws (amax of the shift); PyTorch gives -inf
 *   (src/ops/reduce.ts logsumexp).
 * - B13: in-place ops on a view of a leaf requiring grad are not refused (PyTorch: "a view of a
 *   leaf Variable that requires grad is being used in an in-place operation"); refuseLeaf in
 *   src/ops/inplace.ts only looks at the view itself, which is not a leaf.
 * - B14: an in-place op on a view of a non-leaf does not rebase the base's history (PyTorch's
 *   CopySlices): the base's gradient silently ignores it (src/ops/inplace.ts assignResult).
 * - B15: in-place ops on an expanded (self-overlapping) tensor are not refused as in PyTorch.
 */
import * as torch from "../mod.ts";
import type { CreateOptions, Device, Tensor, TensorData } from "../mod.ts";
import { assert } from "./helpers.ts";
import { deviceTest } from "./devices.ts";

export let failures: string[] = [];
/** The checks of the running test, in order. */
export let queue: { label: string; fn: () => void | Promise<void>; cpuOnly: boolean }[] = [];
/**
 * Queues one labelled check; the suite runs them in order (awaiting each, so a GPU error is
 * reported to the check that caused it), recording failures instead of stopping the test.
 */
export function check(label: string, fn: () => void | Promise<void>): void {
  queue.push({ label, fn, cpuOnly: false });
}
/**
 * A check of a validation that reads tensor values on the host, which the front end does only on
 * the CPU (a GPU tensor cannot be read without a hidden sync point): on the GPU it is skipped,
 * and a bad index there is reported lazily by the backend's error flag, at the next read (see
 * the "GPU reports bad indices at the next read" suite).
 */
export function cpuOnlyCheck(label: string, fn: () => void | Promise<void>): void {
  queue.push({ label, fn, cpuOnly: true });
}
/** The device of the running test: the creation helpers below make their tensors there. */
export let dev: Device = "cpu";
export function suite(name: string, body: () => void): void {
  deviceTest(name, async (device) => {
    failures = [];
    queue = [];
    dev = device;
    body();
    for (const { label, fn, cpuOnly } of queue) {
      if (cpuOnly && device !== "cpu") continue;
      try {
        await fn();
      } catch (e) {
        failures.push(`${label}: ${e instanceof Error ? e.message.split("\n").slice(0, 4).join(" | ") : e}`);
      }
    }
    if (failures.length) assert.fail(`${failures.length} checks failed:\n${failures.join("\n")}`);
  });
}

export type ShapeArgs = (number | number[] | CreateOptions)[];
/** Creation arguments with `device: dev` added to (or as) the trailing options object. */
export function onDev(args: ShapeArgs): ShapeArgs {
  const last = args[args.length - 1];
  if (last !== null && typeof last === "object" && !Array.isArray(last)) {
    return [...args.slice(0, -1), { device: dev, ...last }];
  }
  return [...args, { device: dev }];
}
export const ones = (...a: ShapeArgs) => torch.ones(...onDev(a));
export const zeros = (...a: ShapeArgs) => torch.zeros(...onDev(a));
export const rand = (...a: ShapeArgs) => torch.rand(...onDev(a));
export const arange = (...a: (number | CreateOptions)[]) =>
  torch.arange(...(onDev(a) as (number | CreateOptions)[]));
export const eye = (n: number) => torch.eye(n, { device: dev });
export const tensor = (v: TensorData, o: CreateOptions = {}) => torch.tensor(v, { device: dev, ...o });

export const f32 = (v: number[] | number[][] | number[][][] | number) => tensor(v, { dtype: "float32" });
export const i32 = (v: number[] | number[][] | number) => tensor(v, { dtype: "int32" });
export const shape = (t: Tensor) => [...t.shape];
