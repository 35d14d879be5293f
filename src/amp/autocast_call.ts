/**
 * The machinery behind `torch.autocast` (autocast.ts holds what users call): the per-device state,
 * and `autocastCall`, the hook at the top of each listed op that casts its arguments.
 * @module
 */
import type { Device } from "../backends/backend.ts";
import type { DType } from "../dtype.ts";
import { isThenable } from "../thenable.ts";
import { inFrameOf } from "../memory.ts";

/** The lower precision per device while autocast is on for it. */
const active: Record<Device, "float16" | null> = { cpu: null, gpu: null };
/** Whether any device has autocast on (the one check ops pay when it is off). */
let anyActive = false;

function refresh(): void {
  anyActive = active.cpu !== null || active.gpu !== null;
}

/** The lower precision autocast uses on `device`, or null while it is off there. */
export function autocastDtype(device: Device): "float16" | null {
  return active[device];
}

/** Runs `fn` with autocast's state for `device` set to `state`; `op` names the caller in errors. */
export function withAutocastState<T>(device: Device, state: "float16" | null, fn: () => T, op: string): T {
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
    return withAutocastState(first.device, null, () => op(...cast), "autocast");
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
