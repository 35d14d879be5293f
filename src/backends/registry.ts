/**
 * Which backend serves each device. The CPU backend registers itself on import; the WebGPU
 * backend registers once `gpu.isAvailable()` has found an adapter.
 * @module
 */
import type { Backend, Device } from "./backend.ts";
import { wasmBackend } from "./wasm/backend.ts";

const backends = new Map<Device, Backend>();

/** Makes `backend` serve its device. */
export function registerBackend(backend: Backend): void {
  backends.set(backend.device, backend);
}

/** The backend of `device`, or a clear error when it is not available here. */
export function backendFor(device: Device): Backend {
  if (device === "cpu") {
    let b = backends.get("cpu");
    if (!b) {
      b = wasmBackend();
      backends.set("cpu", b);
    }
    return b;
  }
  const b = backends.get(device);
  if (!b) {
    throw new Error(
      `device "${device}" is not available: no WebGPU backend is registered in this runtime ` +
        `(call \`await torch.gpu.isAvailable()\` first; Bun has no WebGPU, use "cpu")`,
    );
  }
  return b;
}

/** Throws a clear error unless `d` names a device. */
export function checkDevice(op: string, d: unknown): Device {
  if (d !== "cpu" && d !== "gpu") {
    throw new TypeError(`${op}: unknown device ${JSON.stringify(d)}; expected "cpu" or "gpu"`);
  }
  return d;
}
