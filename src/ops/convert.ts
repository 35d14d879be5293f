/**
 * Conversions between dtypes and devices (recorded for autograd).
 * @module
 */
import { asComplex, isComplexOperand, viewAsReal } from "../complex/core.ts";
import { complexToDType, onRealView } from "../complex/ops.ts";
import type { Device } from "../backends/backend.ts";
import { backendFor, checkDevice } from "../backends/registry.ts";
import { checkDeviceDType, checkDType, type DType, isFloating } from "../dtype.ts";
import { Tensor } from "../tensor.ts";
import { contiguousStorage, record, storageAs, wrap } from "./dispatch.ts";
import { inFrameOf } from "../memory.ts";

/**
 * `x` converted to `dtype` (itself when it already is).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1.7, -1.7]).to("int32").toArray(), [1, -1]);
 * const x = torch.tensor([1.5], { requiresGrad: true });
 * assertEquals([x.to("float64").requiresGrad, x.to("int32").requiresGrad], [true, false]); // as PyTorch
 * ```
 */
export function toDType(x: Tensor, dtype: DType): Tensor {
  return inFrameOf(() => {
    checkDType("to", dtype);
    if (x.dtype === dtype) return x;
    if (x.dtype === "complex64" || dtype === "complex64") return complexToDType(x, dtype);
    checkDeviceDType("to", dtype, x.device);
    const out = wrap(storageAs(x, dtype), x.shape);
    // An integer or bool result has no gradient: as in PyTorch it leaves the graph (a recorded
    // cast would pass zeros back and hide that the value was cut off from autograd).
    return isFloating(dtype) ? record("toDType", [x], out, { from: x.dtype }) : out;
  });
}

/**
 * `x` on `device` (itself when it already is there).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * assertEquals(torch.tensor([1, 2]).to("cpu").device, "cpu");
 * ```
 */
export function toDevice(x: Tensor, device: Device): Tensor {
  return inFrameOf(() => {
    checkDevice("to", device);
    if (x.device === device) return x;
    if (isComplexOperand(x)) return onRealView(x, (r) => toDevice(r, device));
    checkDeviceDType("to", x.dtype, device);
    const target = backendFor(device);
    if (x.device !== "cpu" && device !== "cpu") {
      throw new Error(`to: cannot move from "${x.device}" to "${device}" directly`);
    }
    if (x.device !== "cpu") {
      throw new Error(
        `to: moving a tensor off "${x.device}" needs an asynchronous read; use \`await x.toAsync("${device}")\` ` +
          `(or \`await x.cpuAsync()\`)`,
      );
    }
    const values = backendFor("cpu").readSync(contiguousStorage(x));
    const out = new Tensor(target.fromTyped(values, x.dtype), x.shape);
    return record("toDevice", [x], out, { from: x.device });
  });
}

/**
 * `x` on `device`, on every device (reading a GPU tensor back is asynchronous).
 * @example
 * ```ts
 * import { deepStrictEqual as assertEquals } from "node:assert/strict";
 * import * as torch from "../../mod.ts";
 * const t = await torch.tensor([1, 2]).toAsync("cpu");
 * assertEquals(t.toArray(), [1, 2]);
 * ```
 */
export async function toDeviceAsync(x: Tensor, device: Device): Promise<Tensor> {
  checkDevice("toAsync", device);
  if (x.device === device || x.device === "cpu") return toDevice(x, device);
  if (isComplexOperand(x)) return asComplex(await toDeviceAsync(viewAsReal(x), device));
  const src = contiguousStorage(x);
  const values = await backendFor(x.device).read(src);
  const out = new Tensor(backendFor(device).fromTyped(values.subarray(0, x.numel()), x.dtype), x.shape);
  return record("toDevice", [x], out, { from: x.device });
}
