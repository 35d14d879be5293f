/**
 * Automatic mixed precision, PyTorch's `torch.autocast`: inside `torch.autocast(device, fn)`, the
 * ops that gain from half precision (matrix products, linear layers, convolutions) cast their
 * float32 inputs to float16, and the ops that need the range or precision of float32 (softmax and
 * its logarithm, sums and products, exponentials and logarithms, powers, norms, the losses,
 * normalisation layers) cast float16 inputs to float32, so a model with float32 weights runs its
 * heavy ops in float16 and its gradients flow back to float32 parameters (PyTorch's CUDA op lists;
 * ops in neither list run in the dtype of their inputs).
 *
 * A listed op casts its arguments and then runs with autocast off, so its own inner ops are not
 * cast again (as PyTorch's autocast wrappers do). The state is per device (`"cpu"`, `"gpu"`) and
 * follows synchronous calls: the function given to `autocast` must not be async (a forward pass
 * and a loss are synchronous; call `backward()` outside, as PyTorch recommends).
 *
 * Numbers: float16 tensors are stored as half and computed in float32 with one rounding of each
 * result, which is what PyTorch's float16 kernels (float32 accumulation) compute up to summation
 * order.
 * @module
 */
import type { Device } from "../backends/backend.ts";
import type { DType } from "../dtype.ts";
import { isThenable } from "../thenable.ts";
import { inFrameOf } from "../memory.ts";

/** Options of {@link autocast}. */
export interface AutocastOptions {
  /** The lower precision; float16 (PyTorch's default on CUDA) is the one supported. */
  dtype?: "float16";
  /** false runs `fn` with autocast off for the device (a region that must stay float32). */
  enabled?: boolean;
  /** Accepted for PyTorch parity; casts are not cached (they are recorded on the graph as copies). */
  cacheEnabled?: boolean;
}

/** The lower precision per device while autocast is on for it. */
const active: Record<Device, "float16" | null> = { cpu: null, gpu: null };
/** Whether any device has autocast on (the one check ops pay when it is off). */
let anyActive = false;

function refresh(): void {
  anyActive = active.cpu !== null || active.gpu !== null;
}

/**
 * Runs `fn` with autocast on for `device` (PyTorch's `with torch.autocast(device_type, dtype):`)
 * and returns its result. `fn` must be synchronous.
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const model = new torch.nn.Linear(4, 3); // float32 weights
 * const x = torch.randn(2, 4);
 * const [logits, loss] = torch.autocast("cpu", () => {
 *   const logits = model.forward(x); // float16: linear is a lower-precision op
 *   return [logits, torch.nn.functional.crossEntropy(logits, torch.tensor([0, 2]))]; // float32
 * });
 * assertEquals([logits.dtype, loss.dtype], ["float16", "float32"]);
 * loss.backward();
 * assertEquals(model.weight.grad!.dtype, "float32"); // gradients reach the float32 weights
 * ```
 */
export function autocast<T>(device: Device, fn: () => T): T;
/** Runs `fn` with autocast set by `options` for `device`. */
export function autocast<T>(device: Device, options: AutocastOptions, fn: () => T): T;
export function autocast<T>(device: Device, a: AutocastOptions | (() => T), b?: () => T): T {
  const options = typeof a === "function" ? {} : a;
  const fn = typeof a === "function" ? a : b;
  if (device !== "cpu" && device !== "gpu") {
    throw new RangeError(`autocast: device must be "cpu" or "gpu", got ${JSON.stringify(device)}`);
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError(
      `autocast: options must be an object, got ${options === null ? "null" : typeof options}`,
    );
  }
  const dtype = options.dtype ?? "float16";
  if (dtype !== "float16") {
    throw new TypeError(
      `autocast: dtype must be "float16", got ${JSON.stringify(dtype)} (bfloat16, PyTorch's CPU default, ` +
        `is not a dtype here)`,
    );
  }
  if (typeof fn !== "function") throw new TypeError(`autocast: expected a function, got ${typeof fn}`);
  const enabled = options.enabled ?? true;
  return withState(device, enabled ? dtype : null, fn, "autocast");
}

function withState<T>(device: Device, state: "float16" | null, fn: () => T, op: string): T {
  const prev = active[device];
  active[device] = state;
  refresh();
  let result: T;
  try {
    result = fn();
  } finally {
    active[device] = prev;
    refresh();
  }
  if (isThenable(result)) {
    throw new TypeError(
      `${op}: the function returned a Promise; autocast follows synchronous calls only (ops run while it ` +
        `awaits would miss it, and other tasks' ops would be cast). Run the forward pass and the loss inside ` +
        `autocast synchronously, and await outside`,
    );
  }
  return result;
}

/**
 * Whether autocast is on for `device` (default `"gpu"`, as PyTorch's `torch.is_autocast_enabled()`
 * means CUDA).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.amp.isAutocastEnabled("cpu"), false);
 * assertEquals(torch.autocast("cpu", () => torch.amp.isAutocastEnabled("cpu")), true);
 * ```
 */
export function isAutocastEnabled(device: Device = "gpu"): boolean {
  return active[device] !== null;
}

/** How a listed op treats its floating-point arguments under autocast. */
export type CastPolicy = "lower" | "float32";

/** The dtype an argument of dtype `dtype` is cast to under `policy`, or null when it stays. */
function castTarget(policy: CastPolicy, dtype: DType, lower: "float16"): DType | null {
  if (policy === "lower") return dtype === "float32" ? lower : null;
  return dtype === "float16" ? "float32" : null;
}

/** The part of a tensor autocast reads (kept structural: this module imports no tensor code). */
interface Castable {
  readonly dtype: DType;
  readonly device: Device;
  to(dtype: DType): Castable;
}

function isCastable(v: unknown): v is Castable {
  return v !== null && typeof v === "object" && typeof (v as Castable).to === "function" &&
    typeof (v as Castable).dtype === "string" && typeof (v as Castable).device === "string";
}

/**
 * For an op on autocast's lists: when autocast is on for the device of the op's first tensor
 * argument, returns `op` applied to the arguments cast by `policy`, with autocast off inside;
 * otherwise returns `undefined` and the op runs as usual. Ops call it first:
 * `const cast = autocastCall("lower", matmul, a, b); if (cast !== undefined) return cast;`.
 */
export function autocastCall<A extends unknown[], R>(
  policy: CastPolicy,
  op: (...args: A) => R,
  ...args: A
): R | undefined {
  if (!anyActive) return undefined;
  const first = args.find(isCastable);
  if (first === undefined) return undefined;
  const lower = active[first.device];
  if (lower === null) return undefined;
  // In a frame of its own: the cast copies are released when the op returns (unless its graph
  // saved them), so pending ones that nothing reads are never computed.
  return inFrameOf(() => {
    const cast = args.map((v) => {
      if (!isCastable(v) || v.device !== first.device) return v;
      const to = castTarget(policy, v.dtype, lower);
      return to === null ? v : v.to(to);
    }) as A;
    return withState(first.device, null, () => op(...cast), "autocast");
  });
}

/**
 * For ops PyTorch refuses under autocast (`binary_cross_entropy`): throws its message while
 * autocast is on for `device`.
 */
export function refuseUnderAutocast(op: string, device: Device, instead: string): void {
  if (anyActive && active[device] !== null) {
    throw new Error(
      `${op} is unsafe to autocast (its float16 gradients can overflow), as in PyTorch: use ${instead}, ` +
        `which combines a sigmoid and the loss and is safe under autocast, or compute it outside autocast`,
    );
  }
}
